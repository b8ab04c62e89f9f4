"""Turning a resident's message into a located report, asking once for the place when missing."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from core.clock import now
from core.enums import Channel, Language, ReportStatus
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
        return self.report.status == "awaiting_location"

    @property
    def located(self) -> bool:
        return self.report.lat is not None


def _latest(
    session: Session, reporter_hash: str, *conditions: ColumnElement[bool] | bool
) -> Report | None:
    query = select(Report).where(Report.reporter_hash == reporter_hash, *conditions)
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
        Report.status == "awaiting_location",
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
            Report.status == "unlocated",
            Report.updated_at >= now() - timedelta(minutes=followup_min),
        )
        if unplaced is not None:
            return ReportOutcome(_extend(session, unplaced, inbound, geo, answering=True), "answer")
    if geo is None:
        recent = _latest(
            session,
            inbound.from_hash,
            Report.status == "located",
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
