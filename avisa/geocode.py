"""``avisa geocode TEXT`` / ``avisa geocode -``: how Avisa understands a phrase."""

import json
import sys

from workers import runtime
from workers.geocoding import geocoder_for


def _geocoder():
    try:
        with runtime.session() as session:  # coordinators' places, when the database is there
            return geocoder_for(session, runtime.settings())
    except Exception:  # noqa: BLE001 — no database yet: the offline gazetteer alone still answers
        from core.geo import get_default_geocoder

        return get_default_geocoder()


def run(text: str) -> int:
    geocoder = _geocoder()
    if text == "-":
        for line in sys.stdin:
            result = geocoder.geocode(line.rstrip("\n"))
            print(json.dumps(result.to_dict() if result else {}, ensure_ascii=False), flush=True)
        return 0
    result = geocoder.geocode(text)
    print(json.dumps(result.to_dict() if result else {}, ensure_ascii=False))
    return 0 if result else 1
