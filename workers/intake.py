"""The intake job: one inbound message becomes a subscriber command, or part of a report.

Idempotent: a message already processed is skipped, and everything it causes is written in the
same transaction that marks it processed.
"""

import logging

from sqlmodel import Session

from core import incidents, policy, voice
from core.clock import now
from core.db import session_scope
from core.geo import GeoResult
from core.language import detect
from core.models import InboundMessage
from core.phones import get_vault
from core.reports import intake
from core.settings import Settings, get_settings
from core.subscribers import find_by_phone
from messaging.keywords import parse_keyword, parse_responder_answer
from workers import commands
from workers.effects import Effects
from workers.geocoding import geocoder_for
from workers.locks import area_keys, held, reporter_key
from workers.queues import get_redis

log = logging.getLogger(__name__)


def process_inbound(inbound_id: int) -> str:
    """Handle stored inbound message ``inbound_id``; returns what it turned out to be."""
    settings = get_settings()
    with session_scope() as session:
        inbound = session.get(InboundMessage, inbound_id)
        if inbound is None or inbound.processed_at is not None:
            return "skipped"
        # Read the place before taking locks: it decides which area to lock, and takes no lock itself.
        geo = geocoder_for(session, settings).geocode(inbound.body)
        keys = [reporter_key(inbound.from_hash)]
    if geo is not None:
        keys += area_keys(
            geo.lat, geo.lon, incidents.search_reach_m(settings.dedup_radius_m, geo.precision_m)
        )
    effects = Effects()
    with held(get_redis(), keys), session_scope() as session:
        inbound = session.get(InboundMessage, inbound_id)
        if inbound.processed_at is not None:
            return "skipped"  # a concurrent run of this job finished first
        inbound.outcome = _route(session, inbound, geo, settings, effects)
        inbound.processed_at = now()
        session.add(inbound)
    effects.enqueue()
    log.info("inbound %s processed: %s", inbound_id, inbound.outcome)
    return inbound.outcome


def _route(
    session: Session,
    inbound: InboundMessage,
    geo: GeoResult | None,
    settings: Settings,
    effects: Effects,
) -> str:
    sender = get_vault().open(inbound.from_enc)
    if inbound.channel == "voice":  # a call is always a report: spoken words are not commands
        return _report(session, inbound, geo, sender, settings, effects)
    subscriber = find_by_phone(session, sender)
    keyword = parse_keyword(inbound.body)
    if subscriber is not None:
        answer = keyword or parse_responder_answer(inbound.body)
        if answer is not None:
            return commands.handle(session, subscriber, answer, inbound, settings, effects)
    elif keyword is not None and keyword.name != "yes":
        return commands.handle_resident(session, sender, keyword, inbound, effects)
    return _report(session, inbound, geo, sender, settings, effects)


def _report(
    session: Session,
    inbound: InboundMessage,
    geo: GeoResult | None,
    sender: str,
    settings: Settings,
    effects: Effects,
) -> str:
    language = detect(inbound.body)
    outcome = intake(
        session,
        inbound,
        geo,
        language=language,
        followup_min=settings.followup_minutes,
        addition_min=settings.dedup_window_min,
        channel=inbound.channel,
    )
    report = outcome.report
    if inbound.channel == "voice":
        voice.complete_report(session, inbound, report)
    if outcome.needs_location and inbound.channel == "sms":
        effects.reply(
            session,
            dedupe_key=f"reply:{inbound.id}",
            template="ask_location",
            language=report.language,
            to_e164=sender,
        )
        return "report:asked_location"
    if outcome.step == "addition":
        if report.incident_id is not None:
            incidents.touch(session, report.incident_id)
        return "report:addition"
    if not outcome.located:
        return "report:unlocated"
    incident, created = incidents.match_or_create(
        session, report, radius_m=settings.dedup_radius_m, window_min=settings.dedup_window_min
    )
    if created:
        effects.alerts(policy.on_new_incident(session, incident))
        effects.escalation_timers.append(incident.id)
    if policy.corroborated(incident, reporters_needed=settings.confirm_reporters):
        effects.alerts(
            policy.transition_if_still(session, incident, "confirmed", actor="reporters")
        )
    return f"report:incident:{incident.id}"
