"""``avisa places add|list``: coordinators' own places and aliases, from the terminal."""

import json

from pydantic import ValidationError
from sqlmodel import col, select

from api.schemas import PlaceIn, PlaceOut
from core import places
from core.errors import AvisaError
from core.models import Place
from workers import runtime


def add(*, name: str, lat: float, lon: float, aliases: list[str], precision_m: float) -> int:
    try:
        place_in = PlaceIn(name=name, aliases=aliases, lat=lat, lon=lon, precision_m=precision_m)
    except ValidationError as exc:
        print(f"not added: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}")
        return 2
    with runtime.session() as session:
        try:
            place = places.create(session, **place_in.model_dump(), actor="cli")
        except AvisaError as exc:
            print(f"not added: {exc}")
            return 1
        print(PlaceOut.model_validate(place, from_attributes=True).model_dump_json())
    return 0


def list_all() -> int:
    with runtime.session() as session:
        for place in session.exec(select(Place).order_by(col(Place.name))):
            row = PlaceOut.model_validate(place, from_attributes=True).model_dump()
            print(json.dumps(row, ensure_ascii=False))
    return 0
