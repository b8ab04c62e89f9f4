"""Subscriber commands by SMS: YES/SI, STOP/PARA, START/ALTA, HELP/AYUDA, and answers to alerts.

Each handler changes the subscriber or the incident and returns the outcome's name with the
texts and alerts that follow (``Decisions``); the caller stores and sends them after commit.

STOP, START and HELP cost a text each, so a number cycling them is answered once per
``window_min`` per command (``AVISA_COMMAND_WINDOW_MIN``; the sent texts are the memory, by the
number's blind index, so WhatsApp and SMS share it). What a command does is never throttled:
STOP opts out at once, every time — an opt-out must never wait — and START re-subscribes.
"""

from collections.abc import Iterable
from typing import cast

from sqlmodel import Session, col, select

from core import drills, policy
from core.audience import legal_aid_told
from core.decisions import Decisions
from core.enums import (
    ALERTED_INCIDENT,
    IncidentStatus,
    Language,
    MessageKind,
    SubscriberRole,
    SubscriberStatus,
)
from core.keywords import Command, fold
from core.models import Acknowledgement, InboundMessage, Incident, Message, Subscriber
from core.outbox import texted_within
from core.subscribers import set_status

# A responder's answer moves the incident: their verification is what the state machine waits for.
ACTION_STATUS = {
    "confirm": IncidentStatus.CONFIRMED,
    "false": IncidentStatus.DISMISSED,
    "clear": IncidentStatus.RESOLVED,
}
ANSWERS = ("yes", "confirm", "false", "on_my_way", "clear")
# Commands answered at most once per window per number, and the template (also the start of the
# answer's dedupe key, which is how the window remembers it).
THROTTLED = {"opt_out": "opted_out", "opt_in": "opted_in_again", "help": "help"}
DEFAULT_WINDOW_MIN = 10.0  # AVISA_COMMAND_WINDOW_MIN's default


def handle(
    session: Session,
    subscriber: Subscriber,
    command: Command,
    inbound: InboundMessage,
    *,
    window_min: float = DEFAULT_WINDOW_MIN,
) -> tuple[str, Decisions]:
    """What ``command`` from ``subscriber`` does; returns (outcome, decisions)."""
    decisions = Decisions()
    key, lang = f"reply:{inbound.id}", subscriber.language

    def reply(template: str, **params: object) -> None:
        decisions.text(template, lang, dedupe_key=key, subscriber=subscriber, **params)

    def reply_once(template: str) -> bool:
        """Answer unless this number had this answer within the window; whether it did now."""
        if texted_within(session, subscriber.phone_hash, f"{template}:", minutes=window_min):
            return False
        decisions.text(template, lang, dedupe_key=f"{template}:{inbound.id}", subscriber=subscriber)
        return True

    if command.name in THROTTLED:
        if command.name == "opt_out":  # obeyed before anything else is looked at
            set_status(session, subscriber, SubscriberStatus.OPTED_OUT)
        elif command.name == "opt_in":
            set_status(session, subscriber, SubscriberStatus.ACTIVE)
        answered = reply_once(THROTTLED[command.name])
        return f"command:{command.name}" + ("" if answered else ":quiet"), decisions
    elif subscriber.status == SubscriberStatus.PENDING and command.name in ("yes", "confirm"):
        set_status(session, subscriber, SubscriberStatus.ACTIVE)
        reply("join_done" if _community_only(subscriber) else "opt_in_done")
    elif (
        subscriber.status == SubscriberStatus.ACTIVE
        and command.name in ANSWERS
        and not _community_only(subscriber)  # residents hear of raids; they do not move them
    ):
        return _answer(session, subscriber, command, inbound)
    else:
        return "command:ignored", decisions
    return f"command:{command.name}", decisions


def _community_only(subscriber: Subscriber) -> bool:
    return set(subscriber.roles) <= {SubscriberRole.COMMUNITY}


def handle_resident(
    session: Session,
    sender: str,
    command: Command,
    inbound: InboundMessage,
    *,
    window_min: float = DEFAULT_WINDOW_MIN,
) -> tuple[str, Decisions]:
    """Keywords from someone who is not a subscriber: HELP is answered (once a window);
    STOP/START need no record."""
    decisions = Decisions()
    if command.name == "help":
        if texted_within(session, inbound.from_hash, "help:", minutes=window_min):
            return "command:help:quiet", decisions
        # Answer in the word's language.
        language = Language.EN if fold(inbound.body) in ("HELP", "INFO") else Language.ES
        decisions.text("help", language, dedupe_key=f"help:{inbound.id}", to_e164=sender)
    return f"command:{command.name}", decisions


def _answer(
    session: Session, subscriber: Subscriber, command: Command, inbound: InboundMessage
) -> tuple[str, Decisions]:
    decisions = Decisions()
    action = "confirm" if command.name == "yes" else command.name
    key, lang = f"reply:{inbound.id}", subscriber.language
    open_ids = open_incidents_alerted(session, subscriber)
    incident_id = command.incident_id
    if incident_id is None:
        if len(open_ids) != 1:
            word = "SI" if lang == Language.ES else "YES"
            example = f"{max(open_ids) if open_ids else 12} {word}"
            template = "ack_which_incident" if open_ids else "ack_no_incident"
            decisions.text(template, lang, dedupe_key=key, subscriber=subscriber, example=example)
            return "command:ambiguous", decisions
        incident_id = open_ids[0]
    incident = session.get(Incident, incident_id)
    if incident is None or incident.id not in open_ids:
        decisions.text("ack_no_incident", lang, dedupe_key=key, subscriber=subscriber)
        return "command:unknown_incident", decisions
    session.add(
        Acknowledgement(
            incident_id=incident.id, subscriber_id=cast(int, subscriber.id), action=action
        )  # a stored subscriber: its id is set
    )
    status = ACTION_STATUS.get(action)
    template = "ack_recorded"
    if status:
        actor = f"subscriber:{subscriber.id}"
        decisions.alerts(policy.transition_if_still(session, incident, status, actor=actor))
        if action == "confirm" and incident.status == IncidentStatus.CONFIRMED:
            # This reply is the one text they get (core.audience leaves whoever answered SI out
            # of the confirmed update), so it says what the update would, and only what happened.
            told = legal_aid_told(session, incident)
            template = "ack_confirmed_legal" if told else "ack_confirmed"
    decisions.text(
        drills.template(incident, template),  # SIMULACRO / DRILL for a drill
        lang,
        dedupe_key=key,
        subscriber=subscriber,
        incident_id=incident.id,
        action=action,
        incident=incident.id,
    )
    return f"command:{action}:{incident.id}", decisions


def open_incidents_alerted(session: Session, subscriber: Subscriber) -> list[int]:
    """Open incidents this subscriber was alerted about: the ones an answer can refer to."""
    alerted = select(Message.incident_id).where(
        Message.subscriber_id == subscriber.id,
        col(Message.kind).in_((MessageKind.ALERT, MessageKind.UPDATE)),
    )
    rows = session.exec(
        select(Incident.id).where(
            col(Incident.id).in_(alerted), col(Incident.status).in_(ALERTED_INCIDENT)
        )
    )
    # Stored rows' ids are set; the model types them Optional only for rows not yet inserted.
    return sorted(cast(Iterable[int], rows))
