"""Coordinator-added places and aliases ("el Home Depot de Slauson"), used before the gazetteer."""

from fastapi import APIRouter
from sqlmodel import select

from api.deps import Coordinator, SessionDep, Viewer, actor
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import API_ERRORS, Id, PlaceIn, PlaceOut
from core import places
from core.models import Place

router = APIRouter(prefix="/api/v1/places", tags=["places"], responses=API_ERRORS)


@router.post("", status_code=201)
def create_place(body: PlaceIn, session: SessionDep, key: Coordinator) -> PlaceOut:
    place = places.create(session, **body.model_dump(), actor=actor(key))
    session.commit()
    return PlaceOut.model_validate(place, from_attributes=True)


@router.get("")
def list_places(
    session: SessionDep, _: Viewer, cursor: Cursor = None, limit: Limit = 100
) -> Page[PlaceOut]:
    rows, next_cursor = paginate(session, select(Place), Place, cursor, limit)
    items = [PlaceOut.model_validate(p, from_attributes=True) for p in rows]
    return Page(items=items, next_cursor=next_cursor)


@router.delete("/{place_id}", status_code=204)
def delete_place(place_id: Id, session: SessionDep, key: Coordinator) -> None:
    places.delete(session, place_id, actor=actor(key))
    session.commit()
