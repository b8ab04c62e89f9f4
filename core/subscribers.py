"""Responders and legal aid volunteers: who they are, where they cover, whether they said yes."""

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import String, insert
from sqlalchemy import cast as sql_cast
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from core import audit
from core.clock import now
from core.decisions import Decisions
from core.enums import (
    Channel,
    ImportStatus,
    Language,
    MessageKind,
    SubscriberRole,
    SubscriberStatus,
)
from core.errors import AvisaError, Conflict, Invalid
from core.inbound import CONTROL_CHARS
from core.models import Subscriber, SubscriberImport, SubscriberZone, Zone
from core.phones import InvalidPhone, PhoneVault, mask, normalize

LANGUAGES = tuple(Language)
SUBSCRIBER_CHANNELS = (Channel.SMS, Channel.WHATSAPP)
SUBSCRIBER_ROLES = tuple(SubscriberRole)
NAME_MAX = 120  # the API's SubscriberIn documents the same limit
CELL_MAX = 1000  # any CSV cell: past this a row is refused, never stored or texted
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
PROGRESS_EVERY = 1000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SubscriberError(Invalid):
    """Input that cannot make a subscriber; the message is safe to show (it never holds a
    number)."""


class DuplicatePhone(Conflict):
    pass


class NotCsv(Invalid):
    """The file is not a UTF-8 CSV with the columns an import takes (the API answers 400)."""


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
    errors: list[dict[str, int | str]] = field(default_factory=list)  # {"row", "error"}: English
    # The same refusals as errors, by row, for a front door that says them in its reader's
    # language (core.errors: a template and its params).
    refusals: list[tuple[int, AvisaError]] = field(default_factory=list)

    def refuse(self, row: int, error: AvisaError) -> None:
        self.errors.append({"row": row, "error": str(error)})
        self.refusals.append((row, error))


def validate(data: SubscriberInput, known_zone_ids: set[int]) -> SubscriberInput:
    """Return ``data`` with the phone in E.164 and the name trimmed, or raise SubscriberError
    saying what is wrong. The one check for every way in (the API, the CSV import)."""
    try:
        phone = normalize(data.phone)
    except InvalidPhone as exc:
        raise SubscriberError("phone: {reason}", reason=exc) from None
    name = check_name(data.name)
    if data.language not in LANGUAGES:
        raise SubscriberError("language: must be one of {choices}", choices=", ".join(LANGUAGES))
    bad_roles = [r for r in data.roles if r not in SUBSCRIBER_ROLES]
    if bad_roles or not data.roles:
        raise SubscriberError(
            "roles: must be some of {choices}", choices=", ".join(SUBSCRIBER_ROLES)
        )
    unknown = [z for z in data.zone_ids if z not in known_zone_ids]
    if unknown:
        raise SubscriberError("zones: unknown zone ids {ids}", ids=unknown)
    if data.channel not in SUBSCRIBER_CHANNELS:
        raise SubscriberError(
            "channel: must be one of {choices}", choices=", ".join(SUBSCRIBER_CHANNELS)
        )
    return SubscriberInput(
        phone,
        name,
        data.language,
        tuple(dict.fromkeys(data.roles)),
        tuple(dict.fromkeys(data.zone_ids)),
        data.confirmed,
        Channel(data.channel),
    )


def check_name(raw: str) -> str:
    """The name trimmed, or SubscriberError: empty, too long (it is in every opt-in text),
    control characters, or a spreadsheet formula."""
    name = raw.strip()
    if not name:
        raise SubscriberError("name: must not be empty")
    if len(name) > NAME_MAX:
        raise SubscriberError("name: at most {most} characters", most=NAME_MAX)
    if CONTROL_CHARS.search(name):
        raise SubscriberError("name: must not contain control characters")
    if name.startswith(FORMULA_START):
        raise SubscriberError("name: must not start with = + - @ (a spreadsheet formula)")
    return name


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
    audit.record(
        session, actor=actor, action="subscriber.create", target=f"subscriber:{subscriber.id}"
    )
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
    subscriber_id = cast(int, subscriber.id)  # stored: the model types ids Optional for new rows
    session.add_all(SubscriberZone(subscriber_id=subscriber_id, zone_id=z) for z in zone_ids)


def zone_ids_by_subscriber(session: Session, subscriber_ids: Sequence[int]) -> dict[int, list[int]]:
    """Each subscriber's zone ids, for a whole page in one query."""
    links = session.exec(
        select(SubscriberZone).where(col(SubscriberZone.subscriber_id).in_(subscriber_ids))
    )
    zones: dict[int, list[int]] = {i: [] for i in subscriber_ids}
    for link in links:
        zones[link.subscriber_id].append(link.zone_id)
    return {i: sorted(z) for i, z in zones.items()}


def set_status(session: Session, subscriber: Subscriber, status: SubscriberStatus) -> None:
    subscriber.status = status
    subscriber.updated_at = now()
    session.add(subscriber)


def _audit_in_person(session: Session, subscriber: Subscriber, actor: str) -> None:
    audit.record(
        session,
        actor=actor,
        action="subscriber.confirmed_in_person",
        target=f"subscriber:{subscriber.id}",
    )


def _zone_ids(session: Session) -> set[int]:
    # Stored rows' ids are set; the model types them Optional only for rows not yet inserted.
    return cast(set[int], set(session.exec(select(Zone.id))))


def decode_csv(data: bytes) -> str:
    """The text of an uploaded CSV file; NotCsv when it is not UTF-8 (a BOM is allowed)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotCsv(
            "not UTF-8 text (bad byte at offset {offset}); save the file as UTF-8 CSV",
            offset=exc.start,
        ) from None


# Rows written per commit in a big import: each commit is short (a webhook never waits ~1 s).
IMPORT_BATCH = 500


def import_csv(
    session: Session,
    vault: PhoneVault,
    text: str,
    *,
    actor: str,
    allow_confirmed: bool,
    progress: Callable[[int], None] | None = None,
    commit: Callable[[Decisions], object] | None = None,
    batch: int = IMPORT_BATCH,
) -> tuple[ImportResult, Decisions]:
    """Create or update subscribers from ``phone,name,language,roles,zones[,confirmed]`` rows.

    Each row passes ``validate``, the API's own check, whole before anything of it is written, so
    a bad row never half-imports; good rows are kept. Row numbers count the header as row 1.
    ``progress`` is called every ``PROGRESS_EVERY`` rows with the rows read so far. Raises NotCsv
    when the header lacks ``phone`` or ``name``. The decisions hold the new subscribers'
    confirmation texts. Audited.

    With ``commit``, rows are written ``batch`` at a time and ``commit(decisions)`` is called after
    each full batch with that batch's texts (``workers.effects.carry_out``: store, commit,
    enqueue), so a big import never holds SQLite's one write lock long enough to make a webhook
    wait; the decisions returned are the last, partial batch's. Without it, everything is written
    in the caller's one transaction.
    """
    zones = {z.name.casefold(): cast(int, z.id) for z in session.exec(select(Zone))}  # stored
    zone_ids = set(zones.values())
    existing = {s.phone_hash: s for s in session.exec(select(Subscriber))}
    result, decisions = ImportResult(), Decisions()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [h.strip().casefold() for h in _next_row(reader) or []]
    missing = {"phone", "name"} - set(header)
    if missing:
        raise NotCsv(
            "header: missing columns {columns} (phone,name,language,roles,zones)",
            columns=sorted(missing),
        )
    seen: set[str] = set()
    new_rows: list[SubscriberInput] = []
    updates: list[tuple[Subscriber, SubscriberInput]] = []

    def write() -> None:
        # Only here are rows written: validating the next batch holds no lock.
        result.updated.extend(_update(session, subscriber, data) for subscriber, data in updates)
        created = _insert_many(session, vault, new_rows, actor=actor)
        result.created.extend(created)
        decisions.extend(opt_in_requests(created))
        new_rows.clear()
        updates.clear()

    row_number = 1
    while True:
        row_number += 1
        if progress is not None and row_number > 2 and (row_number - 2) % PROGRESS_EVERY == 0:
            progress(row_number - 2)
        try:
            cells = _next_row(reader)
        except csv.Error as exc:
            result.refuse(row_number, Invalid("unreadable CSV: {reason}", reason=exc))
            continue
        if cells is None:
            break
        if not any(c.strip() for c in cells):
            continue  # a blank line
        try:
            data = validate(
                _row_input(dict(zip(header, cells, strict=False)), zones, allow_confirmed), zone_ids
            )
        except SubscriberError as exc:
            result.refuse(row_number, exc)
            continue
        phone_hash = vault.index(data.phone)
        if phone_hash in seen:
            result.refuse(row_number, SubscriberError("phone: repeats an earlier row"))
            continue
        seen.add(phone_hash)
        if phone_hash in existing:
            updates.append((existing[phone_hash], data))
        else:
            new_rows.append(data)
        if commit is not None and len(new_rows) + len(updates) >= batch:
            write()
            commit(decisions)
            decisions = Decisions()
    write()
    audit.record(
        session,
        actor=actor,
        action="subscriber.import",
        target="subscribers",
        detail=f"created {len(result.created)}, updated {len(result.updated)}, "
        f"errors {len(result.errors)}",
    )
    return result, decisions


def queue_import(
    session: Session, vault: PhoneVault, text: str, *, actor: str, allow_confirmed: bool
) -> SubscriberImport:
    """Store an import to run in a job (``run_import``), the file sealed like a number; nothing
    is read yet. Raises NotCsv at once when the header lacks ``phone`` or ``name``."""
    header = [h.strip().casefold() for h in (text.lstrip("\ufeff").split("\n", 1)[0]).split(",")]
    missing = {"phone", "name"} - set(header)
    if missing:
        raise NotCsv(
            "header: missing columns {columns} (phone,name,language,roles,zones)",
            columns=sorted(missing),
        )
    job = SubscriberImport(
        actor=actor,
        allow_confirmed=allow_confirmed,
        csv_enc=vault.seal(text),
        rows=max(0, len(text.strip().splitlines()) - 1),
    )
    session.add(job)
    session.flush()
    return job


def run_import(
    session: Session,
    vault: PhoneVault,
    import_id: int,
    *,
    commit: Callable[[Decisions], object],
    batch: int = IMPORT_BATCH,
) -> SubscriberImport | None:
    """Run a queued import (``import_csv`` with ``commit``), its progress kept on the row as it
    goes; then its result, and the sealed file erased. Idempotent: a re-run (its worker died)
    finds the subscribers already written and updates them, and their confirmation texts exist
    once (dedupe keys). None for an unknown import."""
    job = session.get(SubscriberImport, import_id)
    if job is None or job.status == ImportStatus.DONE or job.csv_enc is None:
        return job
    job.status = ImportStatus.RUNNING
    session.add(job)

    def progress(rows: int) -> None:
        job.processed = rows
        session.add(job)

    result, decisions = import_csv(
        session,
        vault,
        vault.open(job.csv_enc),
        actor=job.actor,
        allow_confirmed=job.allow_confirmed,
        progress=progress,
        commit=commit,
        batch=batch,
    )
    job.status, job.finished_at, job.csv_enc = ImportStatus.DONE, now(), None
    job.processed = job.rows
    job.created, job.updated = len(result.created), len(result.updated)
    job.errors = list(result.errors)
    session.add(job)
    commit(decisions)
    return job


def unfinished_imports(session: Session, *, older_than: datetime) -> list[int]:
    """Imports not done since before ``older_than``: their job was lost if none runs them."""
    rows = session.exec(
        select(SubscriberImport.id).where(
            SubscriberImport.status != ImportStatus.DONE, SubscriberImport.created_at <= older_than
        )
    )
    return [cast(int, i) for i in rows]


def _next_row(reader: Iterator[list[str]]) -> list[str] | None:
    """The next row, or None at the end; csv.Error for a malformed one (e.g. a field past the
    csv module's limit), after which the reader goes on with the next line."""
    try:
        return next(reader)
    except StopIteration:
        return None


def _insert_many(
    session: Session, vault: PhoneVault, rows: Sequence[SubscriberInput], *, actor: str
) -> list[Subscriber]:
    """Insert new subscribers with one statement for the rows and one for their zone links.

    Bulk ``INSERT … RETURNING``, not ``Subscriber(...)`` objects flushed one by one: building and
    flushing the instances costs more than writing the rows, and on SQLite that time is spent
    holding the one write lock (bench/subscriber_import.py)."""
    if not rows:
        return []
    at = now()
    values = [
        {
            "phone_enc": vault.seal(d.phone),
            "phone_hash": vault.index(d.phone),
            "name": d.name,
            "language": Language(d.language),  # validated
            "roles": list(d.roles),
            "status": SubscriberStatus.ACTIVE if d.confirmed else SubscriberStatus.PENDING,
            "confirmed_in_person": d.confirmed,
            "channel": Channel(d.channel),  # validated
            "flag": None,
            "created_at": at,
            "updated_at": at,
        }
        for d in rows
    ]
    created = list(
        session.scalars(
            insert(Subscriber).returning(Subscriber, sort_by_parameter_order=True), values
        )
    )
    links = [
        {"subscriber_id": subscriber.id, "zone_id": zone_id}
        for subscriber, data in zip(created, rows, strict=True)
        for zone_id in data.zone_ids
    ]
    if links:
        session.execute(insert(SubscriberZone), links)
    for subscriber, data in zip(created, rows, strict=True):
        if data.confirmed:
            _audit_in_person(session, subscriber, actor)
    return created


def _row_input(
    row: Mapping[str, str | None], zones: dict[str, int], allow_confirmed: bool
) -> SubscriberInput:
    def cell(name: str) -> str:
        value = (row.get(name) or "").strip()
        if len(value) > CELL_MAX:
            raise SubscriberError("{column}: at most {most} characters", column=name, most=CELL_MAX)
        return value

    zone_ids = []
    for ref in filter(None, (z.strip() for z in cell("zones").split(";"))):
        if ref.casefold() in zones:
            zone_ids.append(zones[ref.casefold()])
        elif ref.isascii() and ref.isdigit():
            zone_ids.append(int(ref))
        else:
            raise SubscriberError("zones: unknown zone {ref!r}", ref=ref)
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
        Language(data.language),  # validated
        list(data.roles),
    )
    subscriber.channel = Channel(data.channel)  # validated
    subscriber.updated_at = now()
    session.add(subscriber)
    set_zones(session, subscriber, data.zone_ids)
    return subscriber


def active_in_zones(session: Session, zone_ids: Sequence[int], role: str) -> list[Subscriber]:
    """Active subscribers with ``role`` linked to any of ``zone_ids`` (never pending or opted
    out)."""
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
    language: Language | None = None,
    roles: Sequence[str] | None = None,
    zone_ids: Sequence[int] | None = None,
    status: SubscriberStatus | None = None,
    actor: str = "system",
    channel: str | None = None,
) -> None:
    """Change what a coordinator may change (audited); a coordinator can opt someone out, never
    in. SubscriberError for a bad name, language, role, channel or an unknown zone: every way in
    (the API's schema, the console's form) gets the same checks as ``validate``."""
    if name is not None:
        name = check_name(name)
    if language is not None and language not in LANGUAGES:
        raise SubscriberError("language: must be one of {choices}", choices=", ".join(LANGUAGES))
    if roles is not None and (not roles or any(r not in SUBSCRIBER_ROLES for r in roles)):
        raise SubscriberError(
            "roles: must be some of {choices}", choices=", ".join(SUBSCRIBER_ROLES)
        )
    if channel is not None and channel not in SUBSCRIBER_CHANNELS:
        raise SubscriberError(
            "channel: must be one of {choices}", choices=", ".join(SUBSCRIBER_CHANNELS)
        )
    if zone_ids is not None:
        unknown = set(zone_ids) - _zone_ids(session)
        if unknown:
            raise SubscriberError("zones: unknown zone ids {ids}", ids=sorted(unknown))
        set_zones(session, subscriber, list(dict.fromkeys(zone_ids)))
    if name is not None:
        subscriber.name = name
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
    changed = [
        f
        for f, v in (
            ("name", name),
            ("language", language),
            ("roles", roles),
            ("zones", zone_ids),
            ("status", status),
            ("channel", channel),
        )
        if v is not None
    ]
    audit.record(
        session,
        actor=actor,
        action="subscriber.update",
        target=f"subscriber:{subscriber.id}",
        detail=f"changed {', '.join(changed) or 'nothing'}" + (f" to {status}" if status else ""),
    )


@dataclass(frozen=True)
class Filters:
    """What a coordinator narrows the list (and the CSV export) to; None means any."""

    zone_id: int | None = None
    role: str | None = None
    status: str | None = None
    language: str | None = None
    name: str | None = None  # a case-insensitive part of the name


def listing(filters: Filters) -> SelectOfScalar[Subscriber]:
    """The subscribers matching ``filters``, as a query to page through (newest first)."""
    query = select(Subscriber)
    if filters.zone_id is not None:
        in_zone = select(SubscriberZone.subscriber_id).where(
            SubscriberZone.zone_id == filters.zone_id
        )
        query = query.where(col(Subscriber.id).in_(in_zone))
    if filters.role is not None:
        # roles is a JSON list; its text holds each role quoted, on SQLite and PostgreSQL alike.
        query = query.where(sql_cast(Subscriber.roles, String).contains(f'"{filters.role}"'))
    if filters.status is not None:
        query = query.where(Subscriber.status == filters.status)
    if filters.language is not None:
        query = query.where(Subscriber.language == filters.language)
    if filters.name:
        query = query.where(col(Subscriber.name).icontains(filters.name, autoescape=True))
    return query


EXPORT_COLUMNS = (
    "id",
    "phone",
    "name",
    "language",
    "roles",
    "zones",
    "status",
    "confirmed",
    "created_at",
)


def export_csv(
    session: Session, vault: PhoneVault, filters: Filters, *, batch: int = 500
) -> Iterator[str]:
    """The matching subscribers as CSV text, a chunk at a time: numbers masked, zones by name,
    and every cell a spreadsheet would run as a formula neutralised (``csv_safe``)."""
    zone_names = {z.id: z.name for z in session.exec(select(Zone))}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    last_id = 0
    while True:
        rows = list(
            session.exec(
                listing(filters)
                .where(col(Subscriber.id) > last_id)
                .order_by(col(Subscriber.id))
                .limit(batch)
            )
        )
        # Stored rows: ids are set (the model types them Optional only for rows not yet inserted).
        ids = [cast(int, s.id) for s in rows]
        zones = zone_ids_by_subscriber(session, ids)
        for s, subscriber_id in zip(rows, ids, strict=True):
            cells = (
                subscriber_id,
                mask(vault.open(s.phone_enc)) if s.phone_enc else "",
                s.name,
                s.language,
                ";".join(s.roles),
                ";".join(zone_names.get(z, str(z)) for z in zones.get(subscriber_id, [])),
                s.status,
                "yes" if s.confirmed_in_person else "",
                s.created_at.isoformat(),
            )
            writer.writerow([csv_safe(str(c)) for c in cells])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if len(rows) < batch:
            return
        last_id = ids[-1]


def audit_export(session: Session, *, actor: str, filters: Filters) -> None:
    """An export holds every name: who took one, with which filters, is on record."""
    chosen = {k: v for k, v in vars(filters).items() if v is not None}
    audit.record(
        session,
        actor=actor,
        action="subscriber.export",
        target="subscribers",
        detail=f"filters {chosen}" if chosen else None,
    )


def csv_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @, a tab or a CR gets a
    leading ``'`` (OWASP's advice against CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell
