"""Per-number limits: which of one number's reports may raise an alarm.

Agents move and real days are busy, so nothing here drops a report: a suspicious one is kept,
and the incident it would open is ``held`` (stored, shown to coordinators, nobody texted) until a
coordinator releases or dismisses it. Past a number's limit its reports open nothing at all.

A number's state is the places it named, each weighing 1 when named and halving every
``AVISA_REPORTER_WINDOW_MIN`` (its load decays; nothing but time lowers it). A new place makes
the count load + 1: above 1 and farther than ``AVISA_REPORTER_MOVE_M`` from every place it named
within the window, held; above ``AVISA_REPORTER_PLACES_LIMIT`` − 1, held; above the limit,
limited. A place it named before keeps the standing it had: a place it reached only through
limited reports stays limited, one reached through held ones stays held — so sending each new
place twice, cycling places, or writing from WhatsApp instead of SMS (one number, one
``reporter_hash``) change nothing.

Floods across numbers are ``core.floods``. Every hold and limit is an ``AuditEvent`` by
``system`` (``incident.held``, ``reporter.limited``), which ``core.stats`` counts for
``/metrics``. Numbers are never logged, stored in the clear, or put in an audit line.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from core import audit
from core.clock import now, utc
from core.enums import ReportFlag
from core.geo import haversine_m
from core.models import AuditEvent, Incident, Report
from core.settings import Settings

SYSTEM = "system"
HELD = "incident.held"
LIMITED = "reporter.limited"
TRUST_ACTIONS = (HELD, LIMITED, "incident.release")


@dataclass(frozen=True)
class Verdict:
    """What the limits say about one located report before it is matched."""

    hold: str | None = None  # why a new incident it opens must be held
    limited: bool = False  # past the number's limit: it opens nothing
    first_limit: bool = False  # the first limited report of this window (one reply, one audit)


def assess(session: Session, report: Report, *, settings: Settings) -> Verdict:
    """The per-number verdict on a located report (audited and answered once when limited)."""
    assert report.lat is not None and report.lon is not None, "only a located report has places"
    places = _places(session, report, settings)
    again = [
        p
        for p in places
        if haversine_m(report.lat, report.lon, p.lat, p.lon) <= settings.dedup_radius_m
    ]
    if again:  # the same place again: it keeps the best standing the number had there
        standing = min(p.standing for p in again)
        if standing == HEARD:
            return Verdict()
        if standing == HELD_PLACE:
            return Verdict(hold="reporter:again")
        return _limited(session, report, settings)
    count = 1 + sum(p.weight for p in places)
    if count > settings.reporter_places_limit:
        return _limited(session, report, settings)
    if count > 1 and count > settings.reporter_places_limit - 1:
        return Verdict(hold="reporter:limit")
    recent = [p for p in places if p.weight >= 0.5]  # named within the window
    if recent and all(
        haversine_m(report.lat, report.lon, p.lat, p.lon) > settings.reporter_move_m for p in recent
    ):
        return Verdict(hold="reporter:far")
    return Verdict()


def audit_hold(session: Session, incident: Incident, reason: str) -> None:
    audit.record(
        session, actor=SYSTEM, action=HELD, target=f"incident:{incident.id}", detail=reason
    )


# A place's standing, best first: a place a number named and was heard at, one it reached only
# through held reports, one it reached only while limited.
HEARD, HELD_PLACE, LIMITED_PLACE = 0, 1, 2
STANDING = {ReportFlag.HELD: HELD_PLACE, ReportFlag.LIMITED: LIMITED_PLACE}
# How many half-lives back a number's places are read: past that a place weighs under 1/256.
MEMORY_HALF_LIVES = 8
# A number's latest reports read: however long it floods, a text costs the same to judge.
LATEST_REPORTS = 200


@dataclass
class Place:
    lat: float
    lon: float
    weight: float  # 1 when last named, halving every AVISA_REPORTER_WINDOW_MIN
    standing: int


def _places(session: Session, report: Report, settings: Settings) -> list[Place]:
    """The distinct places this number's other located reports named, with their weight now."""
    half_life = timedelta(minutes=settings.reporter_window_min)
    moment = now()
    rows = session.exec(
        select(Report.lat, Report.lon, Report.flag, Report.updated_at)
        .where(
            Report.reporter_hash == report.reporter_hash,
            Report.id != report.id,
            col(Report.lat).is_not(None),
            Report.updated_at >= moment - MEMORY_HALF_LIVES * half_life,
        )
        .order_by(col(Report.updated_at).desc())
        .limit(LATEST_REPORTS)
    )
    places: list[Place] = []
    for lat, lon, flag, named in rows:
        assert lat is not None and lon is not None  # the query keeps located reports only
        age = max((moment - utc(named)) / half_life, 0.0)
        weight = 0.5**age
        standing = STANDING.get(ReportFlag(flag), HEARD) if flag else HEARD
        near = next(
            (p for p in places if haversine_m(lat, lon, p.lat, p.lon) <= settings.dedup_radius_m),
            None,
        )
        if near is None:
            places.append(Place(lat, lon, weight, standing))
        else:  # named again: as heavy as its latest naming, as good as its best
            near.weight, near.standing = max(near.weight, weight), min(near.standing, standing)
    return places


def _limited(session: Session, report: Report, settings: Settings) -> Verdict:
    """Limited: audit and answer once per window (the audit row is the memory, all replicas)."""
    target = f"reporter:{report.reporter_hash[:16]}"  # the blind index, never the number
    since = now() - timedelta(minutes=settings.reporter_window_min)
    already = session.exec(
        select(AuditEvent.id).where(
            AuditEvent.action == LIMITED,
            AuditEvent.target == target,
            AuditEvent.created_at >= since,
        )
    ).first()
    if already is None:
        audit.record(
            session, actor=SYSTEM, action=LIMITED, target=target, detail=f"report:{report.id}"
        )
    return Verdict(limited=True, first_limit=already is None)
