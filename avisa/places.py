"""``avisa places add|list``: coordinators' own places and aliases, from the terminal."""

import json

from pydantic import ValidationError
from sqlmodel import select

from api.schemas import PlaceIn, PlaceOut
from core.db import session_scope
from core.models import Place


def add(*, name: str, lat: float, lon: float, aliases: list[str], precision_m: float) -> int:
    try:
        place_in = PlaceIn(name=name, aliases=aliases, lat=lat, lon=lon, precision_m=precision_m)
    except ValidationError as exc:
        print(f"not added: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}")
        return 2
    with session_scope() as session:
        if session.exec(select(Place).where(Place.name == place_in.name)).first():
            print(f"not added: a place named {place_in.name!r} exists")
            return 1
        place = Place(**place_in.model_dump())
        session.add(place)
        session.flush()
        print(PlaceOut.model_validate(place, from_attributes=True).model_dump_json())
    return 0


def list_all() -> int:
    with session_scope() as session:
        for place in session.exec(select(Place).order_by(Place.name)):
            print(
                json.dumps(
                    PlaceOut.model_validate(place, from_attributes=True).model_dump(),
                    ensure_ascii=False,
                )
            )
    return 0
