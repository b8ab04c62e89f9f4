"""What follows a flood's mark (``core.floods``): holding, and releasing.

A mark is often visible only after a flood's first incidents went out. ``hold_earlier`` then
holds the window's incidents whose every credible reporter is one of the mark's numbers
(``reported`` → ``held`` through ``core.policy``): the responders who heard of them get one
"unconfirmed, likely false — stand by" each. A number past its own limit is a flood of one
(``hold_limited``). An incident a coordinator released stays as it is.

``after_join`` reads what a report joining an incident changes: a flood's report vouches for
nothing where it lands; copies of one long or chain text from many new numbers at one place are a
flood too; an independent resident's own words release a held incident at their corner.
"""

from datetime import timedelta

from rapidfuzz import fuzz
from sqlmodel import Session, col, select

from core import matching, policy, trust
from core.clock import now
from core.enums import IncidentStatus, ReportFlag
from core.floods import (
    Flood,
    flood_reason,
    has_chain_words,
    new_numbers,
    zone_spent,
)
from core.models import Alert, AuditEvent, Incident, Report
from core.phones import PhoneVault
from core.settings import Settings
from core.text_similarity import normalised

# Reports that vouch for nothing: their incident was held, or their number past its limit.
DISCREDITED = (ReportFlag.HELD, ReportFlag.LIMITED)
# One text this long, copied word for word by many new numbers, is forwarded, not witnessed.
MIN_COPY_CHARS = 50


def hold_earlier(session: Session, flood: Flood, *, settings: Settings) -> list[Alert]:
    """Hold the window's alerted incidents whose every credible reporter is one of ``flood``'s
    numbers; the stand-by alerts that follow (already stored). Reports already held or limited
    vouch for nothing, so an incident a flood opened and one of its numbers released is held
    again once that number shows what it is."""
    if not flood.members:
        return []
    since = now() - timedelta(minutes=settings.flood_window_min)
    theirs = select(Report.incident_id).where(
        col(Report.reporter_hash).in_(flood.members), Report.updated_at >= since
    )
    incidents = session.exec(
        select(Incident).where(
            Incident.status == IncidentStatus.REPORTED,
            col(Incident.drill).is_(False),
            col(Incident.id).in_(theirs),
        )
    ).all()
    vouched = set(  # a coordinator released it: theirs to judge, never the system's again
        session.exec(
            select(AuditEvent.target).where(
                AuditEvent.action == "incident.release",
                AuditEvent.actor != trust.SYSTEM,
                col(AuditEvent.target).in_([f"incident:{i.id}" for i in incidents]),
            )
        )
    )
    alerts: list[Alert] = []
    for incident in incidents:
        reports = session.exec(select(Report).where(Report.incident_id == incident.id)).all()
        credible = {r.reporter_hash for r in reports if r.flag not in DISCREDITED}
        if f"incident:{incident.id}" in vouched or not credible <= flood.members:
            continue
        try:
            alerts += policy.transition(
                session,
                incident,
                IncidentStatus.HELD,
                actor=trust.SYSTEM,
                reason=flood.reason,
                action=trust.HELD,
            )
        except policy.InvalidTransition:  # moved meanwhile: a coordinator's word stands
            continue
        for r in reports:
            r.flag = r.flag or ReportFlag.HELD
            session.add(r)
        session.flush()
        matching.refine(session, incident, similar_ratio=settings.flood_similar_ratio)
        session.add(incident)
    return alerts


def hold_limited(session: Session, report: Report, *, settings: Settings) -> list[Alert]:
    """A number past its limit is a flood of one: the incidents it alone opened in the window
    are held with it (their responders told to stand by)."""
    members = frozenset({report.reporter_hash})
    return hold_earlier(session, Flood("reporter:limited", members), settings=settings)


def after_join(
    session: Session,
    incident: Incident,
    report: Report,
    verdict: trust.Verdict,
    *,
    settings: Settings,
    vault: PhoneVault,
) -> list[Alert]:
    """What ``report`` joining ``incident`` changes (the alerts that follow, already stored).

    A held incident is released when somebody independent reports it too — a number in good
    standing, in its own words, no part of any flood mark — as their report alone would have
    been alerted on a quiet day (a flood first at a corner must not silence the residents who
    then see agents there). A report with a flood's mark vouches for nothing where it lands, and
    the flood's incidents are held (``hold_earlier``). An alerted incident made only of copies of
    one long or chain text from ``AVISA_FLOOD_SIMILAR_NUMBERS`` new numbers is a flood at one
    place, and is held.
    """
    flood = flood_reason(session, report, settings=settings, vault=vault)
    if flood is not None:  # a flood's report vouches for nothing, wherever it lands
        report.flag = report.flag or ReportFlag.HELD
        session.add(report)
        session.flush()
        matching.refine(session, incident, similar_ratio=settings.flood_similar_ratio)
        return hold_earlier(session, flood, settings=settings)
    if incident.status == IncidentStatus.HELD:
        return _release_for(session, incident, report, verdict, settings)
    if incident.status == IncidentStatus.REPORTED:
        return _hold_copies(session, incident, report, settings)
    return []


def _release_for(
    session: Session,
    incident: Incident,
    report: Report,
    verdict: trust.Verdict,
    settings: Settings,
) -> list[Alert]:
    """Release ``incident`` if ``report`` (no flood's, ``after_join`` checked) is independent."""
    if verdict.hold or verdict.limited or report.flag == ReportFlag.LIMITED:
        return []
    others = session.exec(
        select(Report.reporter_hash, Report.text).where(
            Report.incident_id == incident.id, Report.id != report.id
        )
    ).all()
    mine = normalised(report.text)
    ratio = settings.flood_similar_ratio
    if any(
        number == report.reporter_hash or fuzz.ratio(mine, normalised(text)) >= ratio
        for number, text in others
    ):
        return []
    if zone_spent(session, report, now() - timedelta(minutes=settings.flood_window_min), settings):
        return []
    if report.flag == ReportFlag.HELD:
        report.flag = None
        session.add(report)
    try:
        alerts = policy.transition(
            session,
            incident,
            IncidentStatus.REPORTED,
            actor=trust.SYSTEM,
            reason="report:independent",
            action="incident.release",
        )
    except policy.InvalidTransition:
        return []
    session.flush()
    matching.refine(session, incident, similar_ratio=ratio)
    session.add(incident)
    return alerts


def _hold_copies(
    session: Session, incident: Incident, report: Report, settings: Settings
) -> list[Alert]:
    text = normalised(report.text)
    if incident.reporter_count > 1 or not (
        len(text) >= MIN_COPY_CHARS or has_chain_words(report.text)
    ):
        return []  # somebody wrote their own words, or a short text anybody writes
    rows = session.exec(
        select(Report.reporter_hash, Report.text).where(Report.incident_id == incident.id)
    ).all()
    numbers = {number for number, _ in rows}
    ratio = settings.flood_similar_ratio
    if len(numbers) < settings.flood_similar_numbers or any(
        fuzz.ratio(text, normalised(other)) < ratio for _, other in rows
    ):
        return []
    since = now() - timedelta(minutes=settings.flood_window_min)
    if new_numbers(session, numbers, since) != numbers:
        return []
    return hold_earlier(session, Flood("flood:similar", frozenset(numbers)), settings=settings)
