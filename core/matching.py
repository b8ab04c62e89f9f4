"""Folding reports into incidents by place and time.

A located report joins the nearest open incident within the dedup radius (widened by both
places' own uncertainty) whose last report is within the dedup window; otherwise it opens one.
Callers hold the area lock (``workers.locks``) around ``match_or_create`` so that concurrent
reports of one raid cannot open two incidents.
"""

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

from rapidfuzz import fuzz
from sqlalchemy import or_
from sqlmodel import Session, col, select

from core import policy
from core.clock import now
from core.enums import NOT_SIGHTING, OPEN_INCIDENT, IncidentStatus
from core.geo import bounding_box, haversine_m
from core.models import Incident, Report
from core.text_similarity import MIN_SIMILAR_CHARS, normalised


def candidates(
    session: Session,
    lat: float,
    lon: float,
    reach_m: float,
    since: datetime,
    *,
    coarse: bool | None = None,
) -> list[tuple[int, float, float, float]]:
    """``(id, lat, lon, precision_m)`` of open incidents active since ``since`` inside a box around
    the point (indexed lat/lon); ``coarse`` True/False keeps only incidents less/more precise than
    ``SHARP_INCIDENT_M``. Columns, not ORM objects: most candidates are looked at once and dropped.
    """
    min_lat, min_lon, max_lat, max_lon = bounding_box(lat, lon, reach_m)
    query = select(Incident.id, Incident.lat, Incident.lon, Incident.precision_m).where(
        col(Incident.status).in_(OPEN_INCIDENT),
        col(Incident.drill).is_(False),  # a real report never joins a rehearsal
        Incident.last_seen >= since,
        col(Incident.lat).between(min_lat, max_lat),
        col(Incident.lon).between(min_lon, max_lon),
    )
    if coarse is not None:
        sharp = col(Incident.precision_m) <= SHARP_INCIDENT_M
        query = query.where(~sharp if coarse else sharp)
    # A stored row's id is set; the model types it Optional only for rows not yet inserted.
    return cast(list[tuple[int, float, float, float]], list(session.exec(query)))


# AVISA_FLOOD_SIMILAR_RATIO's default, for callers without settings (merge, split).
SIMILAR_RATIO = 90.0
# The coarsest incident we let a report join (a ZIP or city centroid): bounds the search box.
MAX_INCIDENT_PRECISION_M = 5000.0
# Most incidents are this sharp or sharper (a corner, a station, a place); the few coarser ones (a
# ZIP or city guess) are searched in a box of their own, so a busy day's many corner incidents are
# not all loaded for every report.
SHARP_INCIDENT_M = 500.0


def reach_m(radius_m: float, *precisions: float) -> float:
    return radius_m + sum(precisions)


def search_reach_m(radius_m: float, report_precision_m: float) -> float:
    """How far from a report an incident it could join may lie; the area lock covers this much."""
    return reach_m(radius_m, report_precision_m, MAX_INCIDENT_PRECISION_M)


def match(
    session: Session, report: Report, *, radius_m: float, window_min: float
) -> Incident | None:
    """The nearest open incident this located report belongs to, or None."""
    assert report.lat is not None and report.lon is not None, "only a located report matches"
    return nearest_open(
        session,
        report.lat,
        report.lon,
        report.precision_m or 0,
        radius_m=radius_m,
        window_min=window_min,
    )


def nearest_open(
    session: Session,
    lat: float,
    lon: float,
    precision_m: float,
    *,
    radius_m: float,
    window_min: float,
) -> Incident | None:
    """The nearest open incident a report at (``lat``, ``lon``, ``precision_m``) would join."""
    since = now() - timedelta(minutes=window_min)
    found = candidates(
        session, lat, lon, reach_m(radius_m, precision_m, SHARP_INCIDENT_M), since, coarse=False
    ) + candidates(session, lat, lon, search_reach_m(radius_m, precision_m), since, coarse=True)
    best, best_distance = None, math.inf
    for incident_id, i_lat, i_lon, i_precision in found:
        distance = haversine_m(lat, lon, i_lat, i_lon)
        if distance <= reach_m(radius_m, precision_m, i_precision) and distance < best_distance:
            best, best_distance = incident_id, distance
    return session.get(Incident, best) if best is not None else None


def open_from(
    session: Session,
    report: Report,
    *,
    status: IncidentStatus = IncidentStatus.REPORTED,
    similar_ratio: float = SIMILAR_RATIO,
) -> Incident:
    # A located report: ``locate`` set its place and precision together.
    assert report.lat is not None and report.lon is not None and report.precision_m is not None
    incident = new_incident(
        session,
        status=status,
        lat=report.lat,
        lon=report.lon,
        precision_m=report.precision_m,
        label=report.matched,
        zip_code=report.zip,
    )
    attach(session, incident, report, similar_ratio=similar_ratio)
    return incident


def new_incident(
    session: Session,
    *,
    lat: float,
    lon: float,
    precision_m: float,
    label: str | None,
    zip_code: str | None,
    status: IncidentStatus = IncidentStatus.REPORTED,
    drill: bool = False,
) -> Incident:
    """Store a new incident (flushed: its id is set). The one place incidents are made; their
    status moves on only by ``core.policy.transition``."""
    incident = Incident(
        status=status,
        lat=lat,
        lon=lon,
        precision_m=precision_m,
        label=label,
        zip=zip_code,
        drill=drill,
        first_seen=now(),
        last_seen=now(),
    )
    session.add(incident)
    session.flush()
    return incident


def attach(
    session: Session, incident: Incident, report: Report, *, similar_ratio: float = SIMILAR_RATIO
) -> None:
    """Make ``report`` part of ``incident`` and refine the incident's place and counts."""
    report.incident_id = incident.id
    session.add(report)
    session.flush()
    refine(session, incident, similar_ratio=similar_ratio)
    incident.last_seen = now()
    session.add(incident)


def attach_aside(session: Session, incident: Incident, report: Report) -> None:
    """Show ``report`` (no sighting: a question asked at the incident's place) on ``incident``
    without making it part of the incident's place, counts, voices or last sighting."""
    assert report.flag in NOT_SIGHTING, "a sighting is attached with attach"
    report.incident_id = incident.id
    session.add(report)


def detach(session: Session, report: Report, incident: Incident) -> None:
    """Take ``report`` out of ``incident`` (a coordinator moves it elsewhere); the incident keeps
    the place and counts of the reports left. The incident must keep at least one."""
    report.incident_id = None
    session.add(report)
    session.flush()
    refine(session, incident)
    session.add(incident)


def refine(session: Session, incident: Incident, *, similar_ratio: float = SIMILAR_RATIO) -> None:
    """Place = precision-weighted mean of its reports; precision = the best single report's."""
    sighting = or_(col(Report.flag).is_(None), col(Report.flag).not_in(NOT_SIGHTING))
    reports = session.exec(
        select(Report).where(
            Report.incident_id == incident.id, col(Report.lat).is_not(None), sighting
        )
    ).all()
    if not reports:  # only questions or past events left: nothing to place it by
        return
    weights = [1.0 / (r.precision_m or 1.0) ** 2 for r in reports]
    total = sum(weights)
    # The query keeps located reports only: lat, lon (and precision) are set.
    incident.lat = (
        sum(w * cast(float, r.lat) for w, r in zip(weights, reports, strict=True)) / total
    )
    incident.lon = (
        sum(w * cast(float, r.lon) for w, r in zip(weights, reports, strict=True)) / total
    )
    sharpest = min(reports, key=lambda r: r.precision_m or math.inf)
    incident.precision_m = cast(float, sharpest.precision_m)
    incident.label = sharpest.matched or incident.label
    incident.zip = incident.zip or sharpest.zip
    incident.report_count = len(reports)
    incident.reporter_count = voices(
        session.exec(
            select(Report.reporter_hash, Report.text)
            .where(Report.incident_id == incident.id, col(Report.flag).is_(None))
            .order_by(col(Report.id))
        ).all(),
        similar_ratio=similar_ratio,
    )


def voices(reports: Sequence[tuple[str, str]], *, similar_ratio: float = SIMILAR_RATIO) -> int:
    """Distinct residents whose word counts towards confirmation, from (reporter, text) pairs.

    Flagged reports (a limited number, a responder, a held flood) are left out by the caller.
    Numbers sending the same long text ("ICE at X, pass it on") are one voice however many
    there are: three copies of a chain text must not confirm a raid. People who saw something
    write their own words.
    """
    counted: dict[str, str] = {}
    for reporter, text in reports:
        if reporter in counted:
            continue
        words = normalised(text)
        if len(words) >= MIN_SIMILAR_CHARS and any(
            fuzz.ratio(words, other) >= similar_ratio for other in counted.values()
        ):
            continue
        counted[reporter] = words
    return len(counted)


def match_or_create(
    session: Session,
    report: Report,
    *,
    radius_m: float,
    window_min: float,
    new_status: IncidentStatus | None = IncidentStatus.REPORTED,
) -> tuple[Incident | None, bool]:
    """Attach the located ``report`` to its incident, or open one with ``new_status`` (None: open
    nothing); returns (incident or None, created)."""
    incident = match(session, report, radius_m=radius_m, window_min=window_min)
    if incident is None:
        if new_status is None:
            return None, False
        return open_from(session, report, status=new_status), True
    attach(session, incident, report)
    return incident, False


def expire_quiet(session: Session, *, quiet_min: float) -> list[Incident]:
    """Open incidents with no report for ``quiet_min`` become ``expired`` (audited, no text). Each
    is a conditional transition: one confirmed or released meanwhile is left as it now is."""
    cutoff = now() - timedelta(minutes=quiet_min)
    stale = session.exec(
        select(Incident).where(col(Incident.status).in_(OPEN_INCIDENT), Incident.last_seen < cutoff)
    ).all()
    expired = []
    for incident in stale:
        try:
            policy.transition(session, incident, IncidentStatus.EXPIRED, actor="system")
        except policy.InvalidTransition:
            continue
        expired.append(incident)
    return expired
