"""Keyset pagination: newest first; ``next_cursor`` is the last id of the page (opaque to
clients)."""

from typing import Annotated, Generic, TypeVar

from fastapi import HTTPException, Query
from pydantic import BaseModel
from sqlmodel import Session, col

T = TypeVar("T")

Cursor = Annotated[str | None, Query(description="next_cursor from the previous page")]
Limit = Annotated[int, Query(ge=1, le=500)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def paginate(
    session: Session, query, model, cursor: str | None, limit: int
) -> tuple[list, str | None]:
    id_column = col(model.id)
    if cursor:
        if not cursor.isdigit():
            raise HTTPException(422, "cursor: not a cursor this API gave out")
        query = query.where(id_column < int(cursor))
    rows = list(session.exec(query.order_by(id_column.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (str(rows[-1].id) if more and rows else None)
