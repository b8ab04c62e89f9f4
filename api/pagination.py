"""Keyset pagination: newest first; ``next_cursor`` is the last id of the page (opaque to
clients)."""

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlmodel import Session, col

from api.schemas import Id

T = TypeVar("T")

# A cursor is an id this API gave out: validated like any id (out of range → 422, never a 500).
Cursor = Annotated[Id | None, Query(description="next_cursor from the previous page")]
Limit = Annotated[int, Query(ge=1, le=500)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def paginate(
    session: Session, query, model, cursor: int | str | None, limit: int
) -> tuple[list, str | None]:
    id_column = col(model.id)
    if cursor:
        query = query.where(id_column < int(cursor))
    rows = list(session.exec(query.order_by(id_column.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (str(rows[-1].id) if more and rows else None)
