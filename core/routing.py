"""What an inbound text or call is, decided once for every front door: a subscriber's command,
a responder's note, a resident's keyword or sign-up, (part of) a report, or none of these — and
what follows from it.

The webhook uses ``answer_now`` to answer Twilio at once; the intake job uses ``route`` to act.
Both read the same parsers, and ``route`` knows what the webhook already said (the same pure
``immediate_reply``), so a resident gets one honest answer: the webhook only says "we got your
message" to a text that speaks of a sighting; anything the job finds out — it went to the
responders, it was held, it was not a report, where is it — the job says.
"""

from collections.abc import Callable
from typing import cast

from sqlalchemy import Table, bindparam
from sqlmodel import Session, select

from core import (
    channels,
    commands,
    detention,
    flood_holds,
    floods,
    incidents,
    matching,
    policy,
    responder_notes,
    signup,
    trust,
    voice,
)
from core.audience import responders_told
from core.decisions import Decisions
from core.enums import (
    ALERTED_INCIDENT,
    RESPONDING_ROLES,
    Channel,
    IncidentStatus,
    ReportFlag,
    SubscriberStatus,
)
from core.geo import GeoResult
from core.intent import Intent, affirms, classify
from core.keywords import (
    Command,
    parse_join,
    parse_keyword,
    parse_responder_answer,
    zip_in,
)
from core.language import detect
from core.matching import SHARP_INCIDENT_M
from core.models import Alert, InboundMessage, Incident, Report, Subscriber
from core.phones import PhoneVault
from core.reports import keep_aside, place_aside, receive
from core.settings import Settings
from core.subscribers import find_by_phone


def immediate_reply(body: str, *, responder: bool = False) -> tuple[str, str] | None:
    """The (template, language) the webhook answers with at once, or None when the intake job
    answers instead: commands and sign-ups after they take effect, a responder's note once it is
    attached, and texts only the job can read (a place, an answer, a greeting)."""
    if responder or parse_keyword(body) or parse_responder_answer(body) or parse_join(body):
        return None
    if detention.starts(body) or detention.parse_command(body):  # a family's or legal aid's case
        return None
    if classify(body) == Intent.SIGHTING:
        return "report_received", detect(body)
    return None


def answer_now(
    session: Session, vault: PhoneVault, sender: str, body: str
) -> tuple[str, str] | None:
    """``immediate_reply`` for ``sender``: the webhook's one look-up (is it a responder, or a
    family answering a case's question?), made only when the words alone would be answered (a
    responder's are not), and of two columns, not the subscriber: it is on every webhook's path."""
    reply = immediate_reply(body)
    if reply is None:
        return None
    phone_hash = vault.index(channels.number(sender))
    if detention.in_conversation(session, phone_hash):  # answering a case's question
        return None
    found = session.connection().execute(_STANDING, {"phone_hash": phone_hash}).first()
    if found is not None and found.status == SubscriberStatus.ACTIVE:
        if set(RESPONDING_ROLES) & set(found.roles):
            return None
    return reply


# A subscriber's standing by number, built once: on the table, not the ORM entity (the ORM's
# bookkeeping cost more than the query on the webhook's path).
_SUBSCRIBER = cast(Table, Subscriber.__table__)  # type: ignore[attr-defined]
_STANDING = (
    select(_SUBSCRIBER.c.status, _SUBSCRIBER.c.roles)
    .where(_SUBSCRIBER.c.phone_hash == bindparam("phone_hash"))
    .limit(1)
)


def _responding(subscriber: Subscriber | None) -> bool:
    return (
        subscriber is not None
        and subscriber.status == SubscriberStatus.ACTIVE
        and bool(set(RESPONDING_ROLES) & set(subscriber.roles))
    )


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
        return _report(session, inbound, geo, sender, settings, vault)
    subscriber = find_by_phone(session, vault, number)
    case = detention.route(  # a detention: the family's words or legal aid's, about a case
        session,
        inbound,
        geo,
        subscriber=subscriber,
        sender=sender,
        settings=settings,
        vault=vault,
        report=lambda: _report(session, inbound, geo, sender, settings, vault),
    )
    if case is not None:
        return case
    keyword = parse_keyword(inbound.body)
    join = parse_join(inbound.body)
    responding = _responding(subscriber)
    # A responder's free words are notes or their own sightings; anyone else's are read for
    # what they are (a question, a sign-up in their own words, a rumour, a past event).
    intent = Intent.SIGHTING if responding else classify(inbound.body)
    if inbound.media_count > 0 and intent in (Intent.QUESTION, Intent.ASKS):
        intent = Intent.SIGHTING  # "¿es la migra?" with their own photo: they are there
    if join is None and intent == Intent.JOIN:
        join = Command("join", zip_code=zip_in(inbound.body), language=detect(inbound.body))
    flag = None
    window = settings.command_window_min
    if subscriber is not None:
        if join is not None:
            return signup.join_again(session, subscriber, join, inbound, settings=settings)
        answer = keyword or parse_responder_answer(inbound.body)
        if (
            answer is not None
            and answer.name in ("yes", "confirm", "opt_in")
            and signup.is_held(subscriber)
        ):
            return signup.held_answer(subscriber)  # a held sign-up cannot confirm itself
        if answer is not None:
            return commands.handle(session, subscriber, answer, inbound, window_min=window)
        if responding:
            noted = responder_notes.add(
                session, subscriber, inbound, geo, radius_m=settings.dedup_radius_m
            )
            if noted is not None:
                return noted
            flag = ReportFlag.RESPONDER  # their own sighting: alerted, never corroborating
    elif keyword is not None and keyword.name != "yes":
        return commands.handle_resident(session, sender, keyword, inbound, window_min=window)
    elif join is not None:
        language = join.language or detect(inbound.body)
        return signup.join(
            session, vault, sender, join, inbound, language=language, settings=settings
        )
    elif intent != Intent.SIGHTING:
        asked = signup.question_answered(session, inbound, followup_min=settings.followup_minutes)
        if asked is not None:
            command = Command("join", zip_code=zip_in(inbound.body))
            return signup.join(
                session, vault, sender, command, inbound, language=asked, settings=settings
            )
    return _report(session, inbound, geo, sender, settings, vault, flag=flag, intent=intent)


def _report(
    session: Session,
    inbound: InboundMessage,
    geo: GeoResult | None,
    sender: str,
    settings: Settings,
    vault: PhoneVault,
    *,
    flag: ReportFlag | None = None,
    intent: Intent = Intent.SIGHTING,
) -> tuple[str, Decisions]:
    decisions = Decisions()
    sms = inbound.channel in channels.MESSAGING  # texts: SMS or WhatsApp, answered alike
    acked = sms and immediate_reply(inbound.body, responder=flag is not None) is not None
    language = detect(inbound.body)
    key = f"reply:{inbound.id}"

    def reply(template: str, **params: object) -> None:
        if sms:
            decisions.text(template, language, dedupe_key=key, to_e164=sender, **params)

    if sms and intent == Intent.OTHER and geo is not None and not affirms(inbound.body):
        # "ya se fueron?" then "atlantic y florence": the place of their question, no sighting.
        # A yes or a now ("si, en la Gage") answers our "is it happening now?": a report.
        placed = place_aside(session, inbound, geo, followup_min=settings.followup_minutes)
        if placed is not None:
            return f"aside:{placed.flag}{_show_aside(session, placed, geo, settings)}", decisions
    outcome = receive(
        session,
        inbound,
        geo,
        language=language,
        followup_min=settings.followup_minutes,
        addition_min=settings.dedup_window_min,
        channel=inbound.channel,
        # A photo is a sign of a sighting too: people send the picture first, then say where.
        # A question, a rumour or a past event starts none, place or photo or not.
        may_start=not sms
        or intent == Intent.SIGHTING
        or (intent == Intent.OTHER and (geo is not None or inbound.media_count > 0)),
    )
    if outcome is None and intent in ASIDE and (intent != Intent.ASKS or geo is not None):
        return _aside(session, inbound, geo, ASIDE[intent], settings, reply), decisions
    if outcome is None:  # no place, no word of agents, no report of theirs it continues
        line = settings.legal_aid_line.strip()
        reply("not_report_legal" if line else "not_report", line=line)
        return "not_report", decisions
    report = outcome.report
    if flag is not None:
        report.flag = flag
    if inbound.channel == Channel.VOICE:
        voice.complete_report(session, inbound, report)
    if outcome.needs_location and sms:
        reply("ask_location")
        return "report:asked_location", decisions
    if outcome.step == "addition":
        if report.incident_id is not None:
            incidents.touch(session, report.incident_id)
        return "report:addition", decisions
    if not outcome.located:
        return "report:unlocated", decisions
    incident, created, verdict = place(session, report, decisions, settings=settings, vault=vault)
    if verdict.first_limit and sms:
        decisions.text("reporter_limited", language, dedupe_key=key, to_e164=sender, bilingual=True)
    elif not acked and not verdict.limited:
        reply("report_alerted" if _reaches_responders(session, incident) else "report_received")
    if incident is None:
        return "report:limited", decisions
    if created and incident.status == IncidentStatus.HELD:
        return f"report:held:{incident.id}", decisions
    return f"report:incident:{incident.id}", decisions


def place(
    session: Session,
    report: Report,
    decisions: Decisions,
    *,
    settings: Settings,
    vault: PhoneVault,
) -> tuple[Incident | None, bool, trust.Verdict]:
    """Fold the located ``report`` into its incident, or open one, as every door does (intake,
    a coordinator's pin): the per-number verdict, the flood hold, matching, a new incident's
    alert and escalation timer, confirmation by enough reporters — alerts and timers added to
    ``decisions``. Returns (incident or None, created, verdict). The caller holds the reporter's
    and the area's locks (``workers.locks.matching_keys``)."""
    incident, created, verdict, changes = _match(session, report, settings, vault)
    decisions.alerts(changes)
    if incident is not None and any(a.reason == "new" for a in changes):  # released: it is new
        decisions.escalation_timers.append(cast(int, incident.id))
    if incident is None or (created and incident.status == IncidentStatus.HELD):
        return incident, created, verdict
    if created:
        decisions.alerts(policy.on_new_incident(session, incident))
        decisions.escalation_timers.append(cast(int, incident.id))  # flushed: id set
    if policy.corroborated(incident, reporters_needed=settings.confirm_reporters):
        decisions.alerts(
            policy.transition_if_still(
                session, incident, IncidentStatus.CONFIRMED, actor="reporters"
            )
        )
    return incident, created, verdict


# What is kept aside, not made a report of a sighting, and the answer each gets.
ASIDE = {
    Intent.QUESTION: ReportFlag.QUESTION,
    Intent.ASKS: ReportFlag.QUESTION,  # with a place only: else the help answer
    Intent.RUMOUR: ReportFlag.RUMOUR,
    Intent.PAST: ReportFlag.PAST,
}
ASIDE_REPLY = {
    ReportFlag.QUESTION: "question_help",
    ReportFlag.RUMOUR: "rumour_now_where",
    ReportFlag.PAST: "past_recorded",
}


def _aside(
    session: Session,
    inbound: InboundMessage,
    geo: GeoResult | None,
    flag: ReportFlag,
    settings: Settings,
    reply: Callable[..., None],
) -> str:
    """Keep a question, rumour or past event for coordinators, with its answer; a question asked
    at the place of an open incident is shown on it (never counted: ``attach_aside``)."""
    report = keep_aside(
        session, inbound, geo, flag=flag, language=detect(inbound.body), channel=inbound.channel
    )
    # A rumour was forwarded by someone who may read either language: both, short.
    reply(ASIDE_REPLY[flag], bilingual=flag == ReportFlag.RUMOUR)
    return f"aside:{flag}{_show_aside(session, report, geo, settings)}"


def _show_aside(session: Session, report: Report, geo: GeoResult | None, settings: Settings) -> str:
    """A question placed at a corner or a street is shown on the open incident there, if any
    (":<id>" for the outcome); one about a whole town is not about that incident, and a rumour or
    past event never is (it is not about what happens there now)."""
    if report.flag != ReportFlag.QUESTION or geo is None or geo.precision_m > SHARP_INCIDENT_M:
        return ""
    # The question keeps no coordinates (``name_place``): its place is matched, not stored.
    incident = matching.nearest_open(
        session,
        geo.lat,
        geo.lon,
        geo.precision_m,
        radius_m=settings.dedup_radius_m,
        window_min=settings.dedup_window_min,
    )
    if incident is None:
        return ""
    matching.attach_aside(session, incident, report)
    return f":{incident.id}"


def _match(
    session: Session, report: Report, settings: Settings, vault: PhoneVault
) -> tuple[Incident | None, bool, trust.Verdict, list[Alert]]:
    """(incident or None, created, verdict, alerts of status changes it caused): the report joins
    its incident (which may hold or release it, ``core.flood_holds.after_join``), or opens one —
    ``held`` when the limits or a flood say so (and a flood's earlier incidents with it), none
    at all past its number's limit."""
    verdict = trust.assess(session, report, settings=settings)
    # A number past its limit is a flood of one: what it alone opened is held with it.
    limited = (
        flood_holds.hold_limited(session, report, settings=settings) if verdict.limited else []
    )
    if verdict.limited:
        report.flag = ReportFlag.LIMITED
    incident = matching.match(
        session, report, radius_m=settings.dedup_radius_m, window_min=settings.dedup_window_min
    )
    if incident is not None:
        if incident.status == IncidentStatus.HELD:
            report.flag = report.flag or ReportFlag.HELD
        matching.attach(session, incident, report, similar_ratio=settings.flood_similar_ratio)
        changed = flood_holds.after_join(
            session, incident, report, verdict, settings=settings, vault=vault
        )
        return incident, False, verdict, limited + changed
    if verdict.limited:
        session.add(report)
        return None, False, verdict, limited
    # Read even when the number's own limits hold it: a flood's mark holds its earlier incidents.
    flood = floods.flood_reason(session, report, settings=settings, vault=vault)
    hold = verdict.hold or (flood.reason if flood else None)
    ratio = settings.flood_similar_ratio
    if hold is None:
        return matching.open_from(session, report, similar_ratio=ratio), True, verdict, []
    report.flag = report.flag or ReportFlag.HELD
    incident = matching.open_from(session, report, status=IncidentStatus.HELD, similar_ratio=ratio)
    trust.audit_hold(session, incident, hold)
    stand_by = flood_holds.hold_earlier(session, flood, settings=settings) if flood else []
    return incident, True, verdict, stand_by


def _reaches_responders(session: Session, incident: Incident | None) -> bool:
    """The incident was (or is being) told to responders, and someone other than its reporters
    gets it: only then may a resident read "we alerted the response network"."""
    if incident is None or incident.status not in ALERTED_INCIDENT:
        return False
    return responders_told(session, incident)
