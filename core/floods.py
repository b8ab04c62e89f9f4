"""Floods across numbers: the marks that many numbers act as one.

Read when a report is about to open an incident or joins one, within
``AVISA_FLOOD_WINDOW_MIN``. The marks, each naming the numbers behind it:

- one script: the report's words, with its place taken out, are the same as (or near-identical
  to) those of other new numbers — ``AVISA_FLOOD_SIMILAR_NUMBERS`` of them, this one included
  (``flood:similar``); two are enough when the words ask to be passed on ("forward to everyone",
  "reenvía", "pásalo"), and so are ``AVISA_FLOOD_SIMILAR_NUMBERS`` new numbers asking so in any
  words (``flood:chain``). People who saw something write their own words; a number we heard
  from before the window is no new number.
- numbers bought in a block: ``AVISA_FLOOD_SEQUENTIAL_NUMBERS`` consecutive numbers naming as
  many places between them (``flood:sequential``).
- a burst of new places: the report's zone already has ``AVISA_FLOOD_INCIDENT_RATE`` alerted new
  incidents opened by distinct credible numbers (``flood:rate``). The budget is per zone (outside
  every zone: the area outside them all) and counts numbers, not incidents, so no number or group
  of numbers can spend another zone's budget, and one number spends one unit at most; a number
  heard from before the window with nothing held or limited is never held by it.

What follows a mark — holding the flood's incidents, earlier ones too — is ``core.flood_holds``.
Numbers are opened with the vault only to compare them; never logged or kept.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from rapidfuzz import fuzz
from sqlmodel import Session, col, func, or_, select

from core.clock import now
from core.enums import IncidentStatus, ReportFlag
from core.keywords import fold
from core.models import InboundMessage, Incident, Report, Zone
from core.phones import PhoneVault
from core.settings import Settings
from core.text_similarity import MIN_SIMILAR_CHARS, normalised
from core.zones import zones_containing

# Words that ask for a text to be passed on: a chain message's mark, not a witness's.
CHAIN_WORDS = re.compile(
    r"\b(FORWARD|REENVI[AE]\w*|PASALO|PASALA|PAS[AE]N? LA VOZ|PASS (IT|THIS) ON|SHARE (THIS|IT)"
    r"|COMPARTE\w*|COMPARTAN|DIFUND\w*|REPOST\w*|TELL EVERYONE)\b"
)
# Words left once the place is taken out: shorter ones ("ICE en y") are what anybody writes.
MIN_SCRIPT_CHARS = 20
# Marks are read on every report that opens or joins an incident: they look at this many of the
# window's latest texts, and of its latest numbers for a run, so a text costs the same however big
# a flood grows (a flood big enough to push its own texts out of these has shown other marks).
RECENT_TEXTS = 500
RECENT_NUMBERS = 100


@dataclass(frozen=True)
class Flood:
    reason: str
    members: frozenset[str] = frozenset()  # the numbers (blind indexes) behind the mark


def flood_reason(
    session: Session, report: Report, *, settings: Settings, vault: PhoneVault
) -> Flood | None:
    """The flood ``report`` looks part of, or None: read as it is about to open an incident,
    or (``report.incident_id`` set) as it joins one — then texts at that same place are no
    mark (neighbours write alike about one raid), nor is the zone's budget (it spends none)."""
    since = now() - timedelta(minutes=settings.flood_window_min)
    chain = has_chain_words(report.text)
    alike = _one_script(session, report, since, settings)
    if len(alike) >= settings.flood_similar_numbers:
        return Flood("flood:similar", frozenset(alike))
    if chain and len(alike) >= 2:
        return Flood("flood:chain", frozenset(alike))
    if chain:
        chained = _chain_numbers(session, report, since)
        if len(chained) >= settings.flood_similar_numbers:
            return Flood("flood:chain", frozenset(chained))
    run, named = _sequential_run(session, report, since, vault)
    if min(len(run), named) >= settings.flood_sequential_numbers:
        return Flood("flood:sequential", frozenset(run))
    if report.incident_id is None and zone_spent(session, report, since, settings):
        return Flood("flood:rate")
    return None


def has_chain_words(text: str) -> bool:
    return CHAIN_WORDS.search(fold(text)) is not None


def _script(text: str, matched: str | None) -> str:
    """The words of a text with its place taken out: what a flood's copies have in common."""
    place = set(normalised(matched or "").split())
    return " ".join(w for w in normalised(text).split() if w not in place)


def _one_script(session: Session, report: Report, since: datetime, settings: Settings) -> set[str]:
    """New numbers (this one included) whose words are this report's, whatever the place."""
    whole, script = normalised(report.text), _script(report.text, report.matched)
    if len(whole) < MIN_SIMILAR_CHARS:
        return {report.reporter_hash}
    ratio = settings.flood_similar_ratio
    alike: set[str] = set()
    for number, text, matched in _others(session, report, since):
        if number not in alike and (
            fuzz.ratio(whole, normalised(text)) >= ratio
            or (
                len(script) >= MIN_SCRIPT_CHARS
                and fuzz.ratio(script, _script(text, matched)) >= ratio
            )
        ):
            alike.add(number)
    return new_numbers(session, alike, since) | {report.reporter_hash}


def _chain_numbers(session: Session, report: Report, since: datetime) -> set[str]:
    """New numbers (this one included) asking in any words for their text to be passed on."""
    chained = {n for n, text, _ in _others(session, report, since) if has_chain_words(text)}
    return new_numbers(session, chained, since) | {report.reporter_hash}


def _others(
    session: Session, report: Report, since: datetime
) -> Iterable[tuple[str, str, str | None]]:
    query = select(Report.reporter_hash, Report.text, Report.matched).where(
        Report.created_at >= since, Report.reporter_hash != report.reporter_hash
    )
    if report.incident_id is not None:  # joining: the texts of other places
        query = query.where(
            or_(col(Report.incident_id).is_(None), Report.incident_id != report.incident_id)
        )
    return session.exec(query.order_by(col(Report.id).desc()).limit(RECENT_TEXTS))


def new_numbers(session: Session, numbers: set[str], since: datetime) -> set[str]:
    """The numbers we had not heard from before ``since``."""
    if not numbers:
        return set()
    known = session.exec(
        select(Report.reporter_hash).where(
            col(Report.reporter_hash).in_(numbers), Report.created_at < since
        )
    )
    return numbers - set(known)


def _sequential_run(
    session: Session, report: Report, since: datetime, vault: PhoneVault
) -> tuple[set[str], int]:
    """(numbers, places): the run of consecutive numbers (…0101, …0102, …0103, …0104), this
    reporter's included, among the numbers that reported the window's incidents, and how many
    places they named between them — this report's new one included. Numbers bought in a block
    each name a new place (joining an incident or opening one); a family's consecutive numbers
    all reporting one raid name one place between them, so they never look like a block."""
    rows = session.exec(
        select(Report.reporter_hash, Report.incident_id)
        .where(Report.created_at >= since, col(Report.incident_id).is_not(None))
        .order_by(col(Report.id).desc())
        .limit(RECENT_TEXTS)
    )
    # 0: the incident it is about to open
    places: dict[str, set[int]] = {report.reporter_hash: {report.incident_id or 0}}
    for number, incident_id in rows:
        if number in places or len(places) < RECENT_NUMBERS:
            places.setdefault(number, set()).add(cast(int, incident_id))
    senders = session.exec(  # one sealed copy of each number is enough to read it
        select(InboundMessage.from_hash, func.min(InboundMessage.from_enc))
        .where(col(InboundMessage.from_hash).in_(places), col(InboundMessage.from_enc).is_not(None))
        .group_by(col(InboundMessage.from_hash))
    )
    numbers: dict[str, int] = {}
    for from_hash, from_enc in senders:
        if from_hash not in numbers:
            # Opened only to compare: never logged, never kept.
            digits = "".join(ch for ch in vault.open(cast(str, from_enc)) if ch.isdigit())
            if digits:
                numbers[from_hash] = int(digits)
    mine = numbers.get(report.reporter_hash)
    if mine is None:
        return set(), 0
    present = set(numbers.values())
    low = mine
    while low - 1 in present:
        low -= 1
    high = mine
    while high + 1 in present:
        high += 1
    run = {h for h, n in numbers.items() if low <= n <= high}
    return run, len(set().union(*(places[h] for h in run)))


def _first_reports(since: datetime) -> Any:
    """The opening report of each incident first seen since ``since`` (a subquery)."""
    return (
        select(func.min(Report.id))
        .join(Incident, col(Incident.id) == Report.incident_id)
        .where(Incident.first_seen >= since)
        .group_by(col(Report.incident_id))
    )


def zone_spent(session: Session, report: Report, since: datetime, settings: Settings) -> bool:
    """The report's zone has had its alerted new incidents from distinct credible numbers."""
    assert report.lat is not None and report.lon is not None, "only a located report opens"
    if _heard_before(session, report.reporter_hash, since):
        return False
    zones = session.exec(select(Zone)).all()
    mine = _zone_ids(zones, report.lat, report.lon, report.zip)
    rows = session.exec(
        select(Report.reporter_hash, Incident.lat, Incident.lon, Incident.zip)
        .join(Incident, col(Incident.id) == Report.incident_id)
        .where(
            col(Report.id).in_(_first_reports(since)),
            col(Report.flag).is_(None),
            col(Incident.status).not_in((IncidentStatus.MERGED, IncidentStatus.HELD)),
            col(Incident.drill).is_(False),
        )
    )
    credible = {
        number
        for number, lat, lon, zip_code in rows
        if number != report.reporter_hash and _same_area(mine, _zone_ids(zones, lat, lon, zip_code))
    }
    return len(credible) >= settings.flood_incident_rate


def _zone_ids(zones: Sequence[Zone], lat: float, lon: float, zip_code: str | None) -> set[int]:
    return {cast(int, z.id) for z in zones_containing(zones, lat, lon, zip_code=zip_code)}


def _same_area(mine: set[int], theirs: set[int]) -> bool:
    return bool(mine & theirs) if mine else not theirs


def _heard_before(session: Session, number: str, since: datetime) -> bool:
    """A number that reported before the window and was never held or limited."""
    earlier = session.exec(
        select(Report.flag).where(Report.reporter_hash == number, Report.created_at < since)
    ).all()
    return (
        bool(earlier)
        and not session.exec(
            select(Report.id).where(
                Report.reporter_hash == number,
                col(Report.flag).in_((ReportFlag.HELD, ReportFlag.LIMITED)),
            )
        ).first()
    )
