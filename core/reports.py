"""Turning a resident's message into a located report, asking once for the place when missing."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from core.clock import now
from core.enums import NOT_SIGHTING, Channel, Language, ReportFlag, ReportStatus
from core.geo import GeoResult
from core.models import InboundMessage, Report


@dataclass(frozen=True)
class ReportOutcome:
    report: Report
    step: Literal[
        "new", "answer", "addition"
    ]  # a new report, the answer to our question, more about a recent one

    @property
    def needs_location(self) -> bool:
        return self.report.status == ReportStatus.AWAITING_LOCATION

    @property
    def located(self) -> bool:
        return self.report.lat is not None


def _latest(
    session: Session, reporter_hash: str, *conditions: ColumnElement[bool] | bool
) -> Report | None:
    """The reporter's latest sighting meeting ``conditions``: a question or past event they sent
    is never what their next text continues."""
    sighting = or_(col(Report.flag).is_(None), col(Report.flag).not_in(NOT_SIGHTING))
    query = select(Report).where(Report.reporter_hash == reporter_hash, sighting, *conditions)
    return session.exec(query.order_by(col(Report.updated_at).desc())).first()


def locate(report: Report, geo: GeoResult) -> None:
    report.lat, report.lon, report.precision_m = geo.lat, geo.lon, geo.precision_m
    report.geo_source, report.geo_kind, report.matched, report.zip = (
        geo.source,
        geo.kind,
        geo.matched,
        geo.zip,
    )
    report.status = ReportStatus.LOCATED


def receive(
    session: Session,
    inbound: InboundMessage,
    geo: GeoResult | None,
    *,
    language: Language,
    followup_min: float,
    addition_min: float,
    channel: Channel = Channel.SMS,
    may_start: bool = True,
) -> ReportOutcome | None:
    """Attach ``inbound`` (whose place, if any, is ``geo``) to the reporter's open question or
    recent report, or start a new report — unless ``may_start`` is False (the text shows no sign
    of a sighting): then None, and nothing is stored.

    The reporter's next message within ``followup_min`` of our question is its answer, place or
    not (we ask once). A message without a place within ``addition_min`` of a located report
    joins it.
    """
    text = inbound.body.strip()
    awaiting = _latest(
        session,
        inbound.from_hash,
        Report.status == ReportStatus.AWAITING_LOCATION,
        col(Report.awaiting_until) >= now(),
    )
    if awaiting is not None:
        return ReportOutcome(_extend(session, awaiting, inbound, geo, answering=True), "answer")
    if geo is not None:
        # People split one report over several texts ("hay migra" / "son 5 camionetas" / "en la
        # Pacific y Florence"): a place soon after an answer that had none still belongs to it.
        unplaced = _latest(
            session,
            inbound.from_hash,
            Report.status == ReportStatus.UNLOCATED,
            Report.updated_at >= now() - timedelta(minutes=followup_min),
        )
        if unplaced is not None:
            return ReportOutcome(_extend(session, unplaced, inbound, geo, answering=True), "answer")
    if geo is None:
        recent = _latest(
            session,
            inbound.from_hash,
            Report.status == ReportStatus.LOCATED,
            Report.updated_at >= now() - timedelta(minutes=addition_min),
        )
        if recent is not None:
            return ReportOutcome(
                _extend(session, recent, inbound, None, answering=False), "addition"
            )
    if not may_start:
        return None
    report = Report(
        channel=channel,
        reporter_hash=inbound.from_hash,
        language=language,
        text=text,
        created_at=now(),
        updated_at=now(),
    )
    if geo is not None:
        locate(report, geo)
    else:
        report.status, report.awaiting_until = (
            ReportStatus.AWAITING_LOCATION,
            now() + timedelta(minutes=followup_min),
        )
    session.add(report)
    session.flush()
    inbound.report_id = report.id
    session.add(inbound)
    return ReportOutcome(report, "new")


def keep_aside(
    session: Session,
    inbound: InboundMessage,
    geo: GeoResult | None,
    *,
    flag: ReportFlag,
    language: Language,
    channel: Channel = Channel.SMS,
) -> Report:
    """Store ``inbound`` as a report that is no sighting (``flag`` one of ``NOT_SIGHTING``: a
    question, a past event, a rumour) so coordinators see it and can answer its sender, with the
    place it names (``name_place``); part of no incident (``core.matching.attach_aside`` may show
    it on one)."""
    assert flag in NOT_SIGHTING, "only what is no sighting is kept aside"
    report = Report(
        channel=channel,
        reporter_hash=inbound.from_hash,
        language=language,
        text=inbound.body.strip(),
        flag=flag,
        status=ReportStatus.UNLOCATED,
        created_at=now(),
        updated_at=now(),
    )
    if geo is not None:
        name_place(report, geo)
    session.add(report)
    session.flush()
    inbound.report_id = report.id
    session.add(inbound)
    return report


def name_place(report: Report, geo: GeoResult) -> None:
    """The place a report kept aside is about, by name, ZIP and precision — never as
    coordinates: a located report is one of its number's own places to the per-number limits
    (``core.trust``), and what someone asked about or remembers is no place they reported."""
    report.precision_m, report.geo_source, report.geo_kind = geo.precision_m, geo.source, geo.kind
    report.matched, report.zip = geo.matched, geo.zip


def kept_aside(flag: ReportFlag | None = None) -> SelectOfScalar[Report]:
    """The query of reports kept aside as no sighting (of ``flag``, or every kind of
    ``NOT_SIGHTING``), for lists that page through them."""
    flags = [flag] if flag is not None else list(NOT_SIGHTING)
    return select(Report).where(col(Report.flag).in_(flags))


def place_aside(
    session: Session, inbound: InboundMessage, geo: GeoResult, *, followup_min: float
) -> Report | None:
    """When the sender's latest report is a question or past event kept aside without a place
    within ``followup_min``, ``inbound`` (a place alone) is where it was about: the report takes
    the text and the place, and stays what it was. Else None, and nothing changes. (A rumour was
    asked "is it happening now? where?": a place after it is a sighting's.)"""
    latest = session.exec(
        select(Report)
        .where(Report.reporter_hash == inbound.from_hash)
        .order_by(col(Report.updated_at).desc(), col(Report.id).desc())
    ).first()
    if (
        latest is None
        or latest.flag not in (ReportFlag.QUESTION, ReportFlag.PAST)
        or latest.matched is not None
        or latest.updated_at < now() - timedelta(minutes=followup_min)
    ):
        return None
    latest.text = f"{latest.text}\n{inbound.body.strip()}".strip()
    latest.updated_at = now()
    name_place(latest, geo)
    session.add(latest)
    inbound.report_id = latest.id
    session.add(inbound)
    return latest


def _extend(
    session: Session,
    report: Report,
    inbound: InboundMessage,
    geo: GeoResult | None,
    *,
    answering: bool,
) -> Report:
    report.text = f"{report.text}\n{inbound.body.strip()}".strip()
    report.updated_at = now()
    if answering:
        report.awaiting_until = None
        if geo is not None:
            locate(report, geo)
        else:
            report.status = ReportStatus.UNLOCATED
    session.add(report)
    inbound.report_id = report.id
    session.add(inbound)
    return report
