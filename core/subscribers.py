"""Responders and legal aid volunteers: who they are, where they cover, whether they said yes."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from core.clock import now
from core.decisions import Decisions
from core.enums import Channel, Language, MessageKind, SubscriberRole, SubscriberStatus
from core.errors import Conflict, Invalid
from core.models import AuditEvent, Subscriber, SubscriberZone, Zone
from core.phones import InvalidPhone, PhoneVault, normalize

LANGUAGES = tuple(Language)
SUBSCRIBER_CHANNELS = (Channel.SMS, Channel.WHATSAPP)
SUBSCRIBER_ROLES = tuple(SubscriberRole)


class SubscriberError(Invalid):
    """Input that cannot make a subscriber; the message is safe to show (it never holds a number)."""


class DuplicatePhone(Conflict):
    pass


@dataclass(frozen=True)
class SubscriberInput:
    phone: str
    name: str
    language: str = "es"
    roles: tuple[str, ...] = ("responder",)
    zone_ids: tuple[int, ...] = ()
    confirmed: bool = False
    channel: str = Channel.SMS  # where their alerts go (core.channels)


@dataclass
class ImportResult:
    created: list[Subscriber] = field(default_factory=list)
    updated: list[Subscriber] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


def validate(data: SubscriberInput, known_zone_ids: set[int]) -> SubscriberInput:
    """Return ``data`` with the phone in E.164, or raise SubscriberError saying what is wrong."""
    try:
        phone = normalize(data.phone)
    except InvalidPhone as exc:
        raise SubscriberError(f"phone: {exc}") from None
    if not data.name.strip():
        raise SubscriberError("name: must not be empty")
    if data.language not in LANGUAGES:
        raise SubscriberError(f"language: must be one of {', '.join(LANGUAGES)}")
    bad_roles = [r for r in data.roles if r not in SUBSCRIBER_ROLES]
    if bad_roles or not data.roles:
        raise SubscriberError(f"roles: must be some of {', '.join(SUBSCRIBER_ROLES)}")
    unknown = [z for z in data.zone_ids if z not in known_zone_ids]
    if unknown:
        raise SubscriberError(f"zones: unknown zone ids {unknown}")
    if data.channel not in SUBSCRIBER_CHANNELS:
        raise SubscriberError(f"channel: must be one of {', '.join(SUBSCRIBER_CHANNELS)}")
    return SubscriberInput(
        phone,
        data.name.strip(),
        data.language,
        tuple(dict.fromkeys(data.roles)),
        tuple(dict.fromkeys(data.zone_ids)),
        data.confirmed,
        Channel(data.channel),
    )


def find_by_phone(session: Session, vault: PhoneVault, e164: str) -> Subscriber | None:
    return session.exec(
        select(Subscriber).where(Subscriber.phone_hash == vault.index(e164))
    ).first()


def create(
    session: Session, vault: PhoneVault, data: SubscriberInput, *, actor: str
) -> tuple[Subscriber, Decisions]:
    """Add a subscriber, ``pending`` unless consent was taken in person (audited); the decisions
    hold their confirmation text. Raises SubscriberError (bad input) or DuplicatePhone."""
    data = validate(data, _zone_ids(session))
    if find_by_phone(session, vault, data.phone) is not None:
        raise DuplicatePhone("phone: a subscriber with this number already exists")
    subscriber = _insert_many(session, vault, [data], actor=actor)[0]
    return subscriber, opt_in_requests([subscriber])


def opt_in_requests(subscribers: Sequence[Subscriber]) -> Decisions:
    """The bilingual confirmation text each pending subscriber gets (once ever each: the dedupe
    key); they answer YES/SI to become active."""
    decisions = Decisions()
    for subscriber in subscribers:
        if subscriber.status == SubscriberStatus.PENDING:
            decisions.text(
                "opt_in_request",
                subscriber.language,
                dedupe_key=f"opt_in:{subscriber.id}",
                kind=MessageKind.OPT_IN,
                subscriber=subscriber,
                bilingual=True,
                name=subscriber.name,
            )
    return decisions


def set_zones(session: Session, subscriber: Subscriber, zone_ids: Sequence[int]) -> None:
    for link in session.exec(
        select(SubscriberZone).where(SubscriberZone.subscriber_id == subscriber.id)
    ):
        session.delete(link)
    session.flush()
    session.add_all(SubscriberZone(subscriber_id=subscriber.id, zone_id=z) for z in zone_ids)


def zone_ids_by_subscriber(session: Session, subscriber_ids: Sequence[int]) -> dict[int, list[int]]:
    """Each subscriber's zone ids, for a whole page in one query."""
    links = session.exec(
        select(SubscriberZone).where(col(SubscriberZone.subscriber_id).in_(subscriber_ids))
    )
    zones: dict[int, list[int]] = {i: [] for i in subscriber_ids}
    for link in links:
        zones[link.subscriber_id].append(link.zone_id)
    return {i: sorted(z) for i, z in zones.items()}


def set_status(session: Session, subscriber: Subscriber, status: str) -> None:
    subscriber.status = status
    subscriber.updated_at = now()
    session.add(subscriber)


def _audit_in_person(session: Session, subscriber: Subscriber, actor: str) -> None:
    session.add(
        AuditEvent(
            actor=actor,
            action="subscriber.confirmed_in_person",
            target=f"subscriber:{subscriber.id}",
        )
    )


def _zone_ids(session: Session) -> set[int]:
    return set(session.exec(select(Zone.id)))


def import_csv(
    session: Session, vault: PhoneVault, text: str, *, actor: str, allow_confirmed: bool
) -> tuple[ImportResult, Decisions]:
    """Create or update subscribers from ``phone,name,language,roles,zones[,confirmed]`` rows.

    Every row is validated whole before anything of it is written, so a bad row never
    half-imports; good rows are kept. Row numbers count the header as row 1. The decisions
    hold the new subscribers' confirmation texts.
    """
    zones = {z.name.casefold(): z.id for z in session.exec(select(Zone))}
    zone_ids = set(zones.values())
    existing = {s.phone_hash: s for s in session.exec(select(Subscriber))}
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"phone", "name"} - set(reader.fieldnames or ())
    if missing:
        result.errors.append({"row": 1, "error": f"header: missing columns {sorted(missing)}"})
        return result, Decisions()
    seen: set[str] = set()
    new_rows: list[SubscriberInput] = []
    for row_number, row in enumerate(reader, start=2):
        try:
            data = validate(_row_input(row, zones, allow_confirmed), zone_ids)
        except SubscriberError as exc:
            result.errors.append({"row": row_number, "error": str(exc)})
            continue
        phone_hash = vault.index(data.phone)
        if phone_hash in seen:
            result.errors.append({"row": row_number, "error": "phone: repeats an earlier row"})
            continue
        seen.add(phone_hash)
        if phone_hash in existing:
            result.updated.append(_update(session, existing[phone_hash], data))
        else:
            new_rows.append(data)
    result.created = _insert_many(session, vault, new_rows, actor=actor)
    return result, opt_in_requests(result.created)


def _insert_many(
    session: Session, vault: PhoneVault, rows: Sequence[SubscriberInput], *, actor: str
) -> list[Subscriber]:
    """Insert new subscribers with one flush for the rows and one for their zone links."""
    created = [
        Subscriber(
            phone_enc=vault.seal(d.phone),
            phone_hash=vault.index(d.phone),
            name=d.name,
            language=d.language,
            roles=list(d.roles),
            status=SubscriberStatus.ACTIVE if d.confirmed else SubscriberStatus.PENDING,
            confirmed_in_person=d.confirmed,
            channel=d.channel,
        )
        for d in rows
    ]
    session.add_all(created)
    session.flush()
    for subscriber, data in zip(created, rows, strict=True):
        session.add_all(
            SubscriberZone(subscriber_id=subscriber.id, zone_id=z) for z in data.zone_ids
        )
        if data.confirmed:
            _audit_in_person(session, subscriber, actor)
    return created


def _row_input(row: dict, zones: dict[str, int], allow_confirmed: bool) -> SubscriberInput:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    zone_ids = []
    for ref in filter(None, (z.strip() for z in cell("zones").split(";"))):
        if ref.casefold() in zones:
            zone_ids.append(zones[ref.casefold()])
        elif ref.isdigit():
            zone_ids.append(int(ref))
        else:
            raise SubscriberError(f"zones: unknown zone {ref!r}")
    confirmed = cell("confirmed").lower() in ("1", "true", "yes", "si", "sí", "y")
    if confirmed and not allow_confirmed:
        raise SubscriberError("confirmed: only an admin may import subscribers as confirmed")
    roles = tuple(r.strip().lower() for r in cell("roles").split(";") if r.strip()) or (
        "responder",
    )
    return SubscriberInput(
        phone=cell("phone"),
        name=cell("name"),
        language=(cell("language") or "es").lower(),
        roles=roles,
        zone_ids=tuple(zone_ids),
        confirmed=confirmed,
        channel=(cell("channel") or Channel.SMS).lower(),
    )


def _update(session: Session, subscriber: Subscriber, data: SubscriberInput) -> Subscriber:
    subscriber.name, subscriber.language, subscriber.roles = (
        data.name,
        data.language,
        list(data.roles),
    )
    subscriber.channel = data.channel
    subscriber.updated_at = now()
    session.add(subscriber)
    set_zones(session, subscriber, data.zone_ids)
    return subscriber


def active_in_zones(session: Session, zone_ids: Sequence[int], role: str) -> list[Subscriber]:
    """Active subscribers with ``role`` linked to any of ``zone_ids`` (never pending or opted out)."""
    if not zone_ids:
        return []
    in_zones = select(SubscriberZone.subscriber_id).where(col(SubscriberZone.zone_id).in_(zone_ids))
    rows = session.exec(
        select(Subscriber).where(
            col(Subscriber.id).in_(in_zones), Subscriber.status == SubscriberStatus.ACTIVE
        )
    )
    return [s for s in rows if role in s.roles]


def update(
    session: Session,
    subscriber: Subscriber,
    *,
    name: str | None = None,
    language: str | None = None,
    roles: Sequence[str] | None = None,
    zone_ids: Sequence[int] | None = None,
    status: str | None = None,
    channel: str | None = None,
) -> None:
    """Change what a coordinator may change; a coordinator can opt someone out, never in."""
    if zone_ids is not None:
        unknown = set(zone_ids) - _zone_ids(session)
        if unknown:
            raise SubscriberError(f"zones: unknown zone ids {sorted(unknown)}")
        set_zones(session, subscriber, list(dict.fromkeys(zone_ids)))
    if name is not None:
        subscriber.name = name.strip()
    if language is not None:
        subscriber.language = language
    if roles is not None:
        subscriber.roles = list(dict.fromkeys(roles))
    if status is not None:
        subscriber.status = status
    if channel is not None:
        subscriber.channel = Channel(channel)
    subscriber.updated_at = now()
    session.add(subscriber)
