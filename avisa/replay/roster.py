"""A replay's roster: the zones and subscribers a recorded day is replayed with.

Roster lines come before the texts, one JSON object each, in the coordinator API's own shapes:

    {"zone": {"name": "HP", "zips": ["90255"]}}
    {"subscriber": {"phone": "+13235550101", "name": "Ana", "zone_ids": [1]}}

Zones get ids 1, 2 … in file order (the sandbox's database is new), which is what a
subscriber's ``zone_ids`` name. Subscribers are created already confirmed, as an admin does with
``"confirmed": true``: a rehearsal has no time for opt-in texts. Both are created through the same
core services the API uses (``core.zones.create``, ``core.subscribers.create``); a text line whose
``From`` is a roster subscriber's phone is then that subscriber's reply.
"""

from dataclasses import dataclass

from pydantic import ValidationError

from api.schemas import SubscriberIn, ZoneIn
from avisa.replay.stream import StreamError
from core import subscribers, zones
from workers import runtime
from workers.effects import carry_out

ROSTER_KEYS = frozenset({"zone", "subscriber"})
ACTOR = "replay"


@dataclass(frozen=True)
class Entry:
    line: int
    zone: ZoneIn | None = None
    subscriber: SubscriberIn | None = None


def parse_entry(number: int, obj: dict, earlier: list[Entry]) -> Entry:
    """One roster line, validated against the API's schema and the zones above it."""
    if len(obj) != 1:
        raise StreamError(number, 'a roster line holds one key, "zone" or "subscriber"')
    ((kind, value),) = obj.items()
    if not isinstance(value, dict):
        raise StreamError(number, f'"{kind}" must be a JSON object')
    try:
        if kind == "zone":
            return Entry(number, zone=ZoneIn.model_validate(value))
        subscriber = SubscriberIn.model_validate(value | {"confirmed": True})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or kind
        raise StreamError(number, f"{kind}: {where}: {first['msg']}") from None
    zone_count = sum(1 for e in earlier if e.zone is not None)
    unknown = [z for z in subscriber.zone_ids if not 1 <= z <= zone_count]
    if unknown:
        raise StreamError(number, f"subscriber: zone_ids {unknown} name no zone line above")
    if any(e.subscriber and e.subscriber.phone == subscriber.phone for e in earlier):
        raise StreamError(number, "subscriber: this phone is already on the roster")
    return Entry(number, subscriber=subscriber)


def load(entries: list[Entry]) -> None:
    """Create the roster in the sandbox's database, in file order."""
    with runtime.session() as session:
        for entry in entries:
            if entry.zone is not None:
                body = entry.zone
                zones.create(
                    session,
                    name=body.name,
                    zips=body.zips,
                    center=(body.center.lat, body.center.lon) if body.center else None,
                    radius_m=body.radius_m,
                    geometry=body.geometry,
                )
            elif entry.subscriber is not None:
                _, decisions = subscribers.create(
                    session, runtime.vault(), _input(entry.subscriber), actor=ACTOR
                )
                carry_out(session, decisions)
        session.flush()


def _input(body: SubscriberIn) -> subscribers.SubscriberInput:
    fields = body.model_dump()
    fields["roles"], fields["zone_ids"] = tuple(body.roles), tuple(body.zone_ids)
    return subscribers.SubscriberInput(**fields)
