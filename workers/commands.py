"""Subscriber commands by SMS: YES/SI, STOP/PARA, START/ALTA, HELP/AYUDA, and answers to alerts."""

from sqlmodel import Session, col, select

from core import policy
from core.models import (
    OPEN_INCIDENT,
    Acknowledgement,
    InboundMessage,
    Incident,
    Message,
    Subscriber,
)
from core.settings import Settings
from core.subscribers import set_status
from messaging.keywords import Command, fold
from messaging.templates import ACTION_NAMES
from workers.effects import Effects

# A responder's answer moves the incident: their verification is what the state machine waits for.
ACTION_STATUS = {"confirm": "confirmed", "false": "dismissed", "clear": "resolved"}


def handle(
    session: Session,
    subscriber: Subscriber,
    command: Command,
    inbound: InboundMessage,
    settings: Settings,
    effects: Effects,
) -> str:
    key = f"reply:{inbound.id}"
    lang = subscriber.language
    if command.name == "opt_out":
        set_status(session, subscriber, "opted_out")
        effects.reply(
            session, dedupe_key=key, template="opted_out", language=lang, subscriber=subscriber
        )
    elif command.name == "opt_in":
        set_status(session, subscriber, "active")
        effects.reply(
            session, dedupe_key=key, template="opted_in_again", language=lang, subscriber=subscriber
        )
    elif command.name == "help":
        effects.reply(
            session, dedupe_key=key, template="help", language=lang, subscriber=subscriber
        )
    elif subscriber.status == "pending" and command.name in ("yes", "confirm"):
        set_status(session, subscriber, "active")
        effects.reply(
            session, dedupe_key=key, template="opt_in_done", language=lang, subscriber=subscriber
        )
    elif subscriber.status == "active" and command.name in (
        "yes",
        "confirm",
        "false",
        "on_my_way",
        "clear",
    ):
        return _answer(session, subscriber, command, inbound, effects)
    else:
        return "command:ignored"
    return f"command:{command.name}"


def handle_resident(
    session: Session, sender: str, command: Command, inbound: InboundMessage, effects: Effects
) -> str:
    """Keywords from someone who is not a subscriber: HELP is answered; STOP/START need no record."""
    if command.name == "help":
        language = (
            "en" if fold(inbound.body) in ("HELP", "INFO") else "es"
        )  # answer in the word's language
        effects.reply(
            session,
            dedupe_key=f"reply:{inbound.id}",
            template="help",
            language=language,
            to_e164=sender,
        )
    return f"command:{command.name}"


def _answer(
    session: Session,
    subscriber: Subscriber,
    command: Command,
    inbound: InboundMessage,
    effects: Effects,
) -> str:
    action = "confirm" if command.name == "yes" else command.name
    key, lang = f"reply:{inbound.id}", subscriber.language
    open_ids = _open_incidents_alerted(session, subscriber)
    incident_id = command.incident_id
    if incident_id is None:
        if len(open_ids) != 1:
            template = "ack_which_incident" if open_ids else "ack_no_incident"
            example = (
                f"{max(open_ids) if open_ids else 12} SI"
                if lang == "es"
                else f"{max(open_ids) if open_ids else 12} YES"
            )
            effects.reply(
                session,
                dedupe_key=key,
                template=template,
                language=lang,
                subscriber=subscriber,
                example=example,
            )
            return "command:ambiguous"
        incident_id = open_ids[0]
    incident = session.get(Incident, incident_id)
    if incident is None or incident.id not in open_ids:
        effects.reply(
            session,
            dedupe_key=key,
            template="ack_no_incident",
            language=lang,
            subscriber=subscriber,
        )
        return "command:unknown_incident"
    session.add(
        Acknowledgement(incident_id=incident.id, subscriber_id=subscriber.id, action=action)
    )
    status = ACTION_STATUS.get(action)
    if status:
        effects.alerts(
            policy.transition_if_still(
                session, incident, status, actor=f"subscriber:{subscriber.id}"
            )
        )

    effects.reply(
        session,
        dedupe_key=key,
        template="ack_recorded",
        language=lang,
        subscriber=subscriber,
        incident_id=incident.id,
        action=ACTION_NAMES[action][lang],
        incident=incident.id,
    )
    return f"command:{action}:{incident.id}"


def _open_incidents_alerted(session: Session, subscriber: Subscriber) -> list[int]:
    """Open incidents this subscriber was alerted about: the ones an answer can refer to."""
    alerted = select(Message.incident_id).where(
        Message.subscriber_id == subscriber.id, col(Message.kind).in_(("alert", "update"))
    )
    rows = session.exec(
        select(Incident.id).where(
            col(Incident.id).in_(alerted), col(Incident.status).in_(OPEN_INCIDENT)
        )
    )
    return sorted(rows)
