"""What an inbound text or call is, decided once for every front door: a subscriber's command,
a resident's keyword, or (part of) a report — and what follows from it.

The webhook uses ``immediate_reply`` to answer Twilio at once; the intake job uses ``route``
to act. Both read the same keyword parsers, so they never disagree about what a text is.
"""

from sqlmodel import Session

from core import channels, commands, incidents, matching, policy, voice
from core.decisions import Decisions
from core.enums import Channel
from core.geo import GeoResult
from core.keywords import parse_keyword, parse_responder_answer
from core.language import detect
from core.models import InboundMessage
from core.phones import PhoneVault
from core.reports import receive
from core.settings import Settings
from core.subscribers import find_by_phone


def immediate_reply(body: str) -> tuple[str, str] | None:
    """The (template, language) the webhook answers with at once, or None when the intake job
    answers instead (commands are answered after they take effect)."""
    if parse_keyword(body) or parse_responder_answer(body):
        return None
    return "report_ack", detect(body)


def route(
    session: Session,
    inbound: InboundMessage,
    geo: GeoResult | None,
    *,
    settings: Settings,
    vault: PhoneVault,
) -> tuple[str, Decisions]:
    """Act on ``inbound`` (whose place, if any, is ``geo``); returns (outcome, decisions).

    The caller holds the reporter's and the area's locks (``workers.locks``) and marks the
    message processed in the same transaction.
    """
    number = vault.open(inbound.from_enc) if inbound.from_enc else ""
    sender = channels.address(inbound.channel, number)  # answers go back where it came from
    if inbound.channel == Channel.VOICE:  # a call is always a report: spoken words are not commands
        return _report(session, inbound, geo, sender, settings)
    subscriber = find_by_phone(session, vault, number)
    keyword = parse_keyword(inbound.body)
    if subscriber is not None:
        answer = keyword or parse_responder_answer(inbound.body)
        if answer is not None:
            return commands.handle(session, subscriber, answer, inbound)
    elif keyword is not None and keyword.name != "yes":
        return commands.handle_resident(sender, keyword, inbound)
    return _report(session, inbound, geo, sender, settings)


def _report(
    session: Session,
    inbound: InboundMessage,
    geo: GeoResult | None,
    sender: str,
    settings: Settings,
) -> tuple[str, Decisions]:
    decisions = Decisions()
    outcome = receive(
        session,
        inbound,
        geo,
        language=detect(inbound.body),
        followup_min=settings.followup_minutes,
        addition_min=settings.dedup_window_min,
        channel=inbound.channel,
    )
    report = outcome.report
    if inbound.channel == Channel.VOICE:
        voice.complete_report(session, inbound, report)
    if outcome.needs_location and inbound.channel in channels.MESSAGING:
        decisions.text(
            "ask_location", report.language, dedupe_key=f"reply:{inbound.id}", to_e164=sender
        )
        return "report:asked_location", decisions
    if outcome.step == "addition":
        if report.incident_id is not None:
            incidents.touch(session, report.incident_id)
        return "report:addition", decisions
    if not outcome.located:
        return "report:unlocated", decisions
    incident, created = matching.match_or_create(
        session, report, radius_m=settings.dedup_radius_m, window_min=settings.dedup_window_min
    )
    if created:
        decisions.alerts(policy.on_new_incident(session, incident))
        decisions.escalation_timers.append(incident.id)
    if policy.corroborated(incident, reporters_needed=settings.confirm_reporters):
        decisions.alerts(
            policy.transition_if_still(session, incident, "confirmed", actor="reporters")
        )
    return f"report:incident:{incident.id}", decisions
