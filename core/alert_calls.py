"""A phone call when an alert text cannot reach a responder.

When Twilio reports an ``alert`` or ``update`` text ``undelivered``/``failed`` with a reachability
error (``core.delivery.REACHABILITY_CODES``), the subscriber is called once: the call reads the
text in their language and pressing 1 is their answer, as if they had texted ``N SI``.

    status callback ─▶ after_status  → AlertCall pending (unique per message) + Decisions.calls
    worker          ─▶ claim          → placing (conditional: one dialler, once ever)
                    ─▶ placed / failed / uncertain   (the provider's answer)
    Twilio          ─▶ script         → the TwiML's words;  acknowledge (Digits=1) → confirm

Never for a ``reply``, ``opt_in`` or ``broadcast``; never twice for one message (the unique
``message_id`` and the claim); never to someone opted out.
"""

from dataclasses import dataclass
from typing import TypeGuard, cast

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core import policy
from core.clock import now
from core.decisions import Decisions
from core.delivery import ERROR_STATUSES, REACHABILITY_CODES
from core.enums import OPEN_INCIDENT, AlertCallStatus, IncidentStatus, MessageKind
from core.enums import SubscriberStatus as Sub
from core.errors import NotFound
from core.models import Acknowledgement, AlertCall, Incident, Message, Subscriber

S = AlertCallStatus
WEBHOOK_PATH = "/twilio/voice/alert"  # Twilio fetches a call's TwiML here (?call=<id>)
CALLED_KINDS = (MessageKind.ALERT, MessageKind.UPDATE)
# A call that was picked up, or ended unanswered: what Twilio's call status means for us.
CALL_ENDED = {"busy": S.UNANSWERED, "no-answer": S.UNANSWERED, "failed": S.UNANSWERED}


def after_status(session: Session, message: Message | None) -> Decisions:
    """A call for ``message`` when its text failed unreachably (once per message, ever)."""
    decisions = Decisions()
    if not _calls_for(message):
        return decisions
    subscriber = session.get(Subscriber, message.subscriber_id)
    if subscriber is None or subscriber.status != Sub.ACTIVE:
        return decisions
    call = AlertCall(
        message_id=cast(int, message.id),  # a stored message: its status came back
        subscriber_id=cast(int, subscriber.id),  # a stored subscriber
        incident_id=message.incident_id,
        error_code=message.error_code,
    )
    try:
        with session.begin_nested():
            session.add(call)
    except IntegrityError:
        return decisions  # this message's call exists (a repeated callback): never a second
    decisions.calls.append(cast(int, call.id))  # flushed by the savepoint's commit: id set
    return decisions


def _calls_for(message: Message | None) -> TypeGuard[Message]:
    return (
        message is not None
        and message.subscriber_id is not None
        and message.kind in CALLED_KINDS
        and message.status in ERROR_STATUSES
        and message.error_code in REACHABILITY_CODES
    )


def claim(session: Session, call_id: int) -> AlertCall | None:
    """Take the call to dial it: pending → placing, for exactly one worker. None when it is not
    pending any more (placed, claimed elsewhere) — the caller must then not dial."""
    claimed = session.exec(
        update(AlertCall)
        .where(col(AlertCall.id) == call_id, col(AlertCall.status) == S.PENDING)
        .values(status=S.PLACING, attempts=AlertCall.attempts + 1)
    ).rowcount
    return session.get(AlertCall, call_id) if claimed == 1 else None


def settle(session: Session, call_id: int, status: AlertCallStatus, **values: object) -> None:
    """Record the provider's answer to our dialling (placed, failed, uncertain, or back to
    pending for a retry); only a call still ``placing`` changes."""
    moment = {"placed_at": now()} if status == S.PLACED else {}
    session.exec(
        update(AlertCall)
        .where(col(AlertCall.id) == call_id, col(AlertCall.status) == S.PLACING)
        .values(status=status, **moment, **values)
    )


def pending(session: Session, *, limit: int = 100) -> list[int]:
    """Calls decided but never placed (their job was lost): for the sweep."""
    query = select(AlertCall.id).where(AlertCall.status == S.PENDING).limit(limit)
    return [i for i in session.exec(query) if i is not None]


@dataclass(frozen=True)
class Script:
    """What the call says: the undelivered text, in the subscriber's language."""

    language: str
    body: str
    kind: str
    incident_id: int | None


def script(session: Session, call_id: int) -> Script:
    """The words of call ``call_id`` (NotFound if there is no such call); marks it answered."""
    call = _get(session, call_id)
    message = session.get(Message, call.message_id)
    subscriber = session.get(Subscriber, call.subscriber_id)
    session.exec(
        update(AlertCall)
        .where(col(AlertCall.id) == call_id, col(AlertCall.status).in_((S.PLACING, S.PLACED)))
        .values(status=S.ANSWERED)
    )
    return Script(
        language=subscriber.language if subscriber else "es",
        body=message.body if message else "",
        kind=message.kind if message else MessageKind.ALERT,
        incident_id=call.incident_id,
    )


def acknowledge(session: Session, call_id: int) -> tuple[bool, Decisions]:
    """They pressed 1: the answer ``N SI`` would give — an ``Acknowledgement`` ``confirm`` and the
    incident confirmed (legal aid alerted) if it still awaits verification. Once per call;
    returns (recorded, decisions). An incident no longer open records nothing."""
    decisions = Decisions()
    call = _get(session, call_id)
    claimed = session.exec(
        update(AlertCall)
        .where(col(AlertCall.id) == call_id, col(AlertCall.acknowledged_at).is_(None))
        .values(status=S.ACKNOWLEDGED, acknowledged_at=now())
    ).rowcount
    if claimed != 1:
        return True, decisions  # a repeated request: the first one answered
    incident = _open_incident(session, call.incident_id)
    if incident is None:
        return False, decisions
    session.add(
        Acknowledgement(
            incident_id=cast(int, incident.id),  # a stored incident
            subscriber_id=call.subscriber_id,
            action="confirm",
        )
    )
    actor = f"subscriber:{call.subscriber_id}"
    decisions.alerts(
        policy.transition_if_still(session, incident, IncidentStatus.CONFIRMED, actor=actor)
    )
    return True, decisions


def call_ended(session: Session, call_id: int, call_status: str) -> None:
    """Twilio's call status callback: a call that ended without a key press is unanswered."""
    ours = CALL_ENDED.get(call_status)
    if call_status == "completed":
        ours = S.UNANSWERED  # picked up (or voicemail) but no 1 pressed: only if still so
    if ours is None:
        return
    session.exec(
        update(AlertCall)
        .where(
            col(AlertCall.id) == call_id,
            col(AlertCall.status).in_((S.PLACING, S.PLACED, S.ANSWERED)),
        )
        .values(status=ours)
    )


def _open_incident(session: Session, incident_id: int | None) -> Incident | None:
    incident = session.get(Incident, incident_id) if incident_id is not None else None
    return incident if incident is not None and incident.status in OPEN_INCIDENT else None


def _get(session: Session, call_id: int) -> AlertCall:
    call = session.get(AlertCall, call_id)
    if call is None:
        raise NotFound("no such alert call {id}", id=call_id)
    return call
