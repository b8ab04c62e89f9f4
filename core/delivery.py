"""What the provider tells us about a text after it left: delivered, undelivered, failed — and what
that means for the person (opted out at the carrier, a number a coordinator should look at).

Callbacks arrive out of order and more than once, possibly on two API replicas at the same time,
so every change is one conditional UPDATE that only moves a text *forward*:

    pending/sending  <  accepted/queued  <  sent  <  delivered | undelivered | failed

The one exception is our own give-up, ``failed`` with error ``uncertain`` (the sender never heard
back from the provider, see workers/sender.py): any word from the provider overrides it.
"""

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from core.clock import now
from core.enums import MessageStatus
from core.models import Message, Subscriber

UNCERTAIN = "uncertain"  # error_code of a text the provider may or may not have taken

_RANK = {
    MessageStatus.PENDING: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.ACCEPTED: 2,
    MessageStatus.QUEUED: 2,
    MessageStatus.SENT: 3,
    MessageStatus.DELIVERED: 4,
    MessageStatus.UNDELIVERED: 4,
    MessageStatus.FAILED: 4,
    MessageStatus.SKIPPED: 5,
}
# Twilio's vocabulary → ours. Twilio's "sending" must not become ours: to us it means "claimed".
PROVIDER_STATUS = {
    "accepted": MessageStatus.ACCEPTED,
    "scheduled": MessageStatus.ACCEPTED,
    "queued": MessageStatus.QUEUED,
    "sending": MessageStatus.QUEUED,
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.DELIVERED,
    "partially_delivered": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.UNDELIVERED,
    "failed": MessageStatus.FAILED,
    "canceled": MessageStatus.FAILED,
}
ERROR_STATUSES = (MessageStatus.UNDELIVERED, MessageStatus.FAILED)

OPTED_OUT_CODE = "21610"
FLAG_CODES = {  # the number itself is the problem: a coordinator should look at the subscriber
    "21211": "invalid number (21211)",
    "21614": "not a mobile number (21614)",
}
CAUSES = {  # readable causes for the carrier errors a hotline meets
    "21610": "recipient replied STOP to this sender",
    "21211": "invalid phone number",
    "21408": "sending to this region is not enabled on the account",
    "21614": "not a mobile number (landline?)",
    "21617": "message body too long",
    "30003": "phone unreachable: switched off or out of coverage",
    "30004": "blocked by the recipient or their carrier",
    "30005": "unknown number: no longer in service",
    "30006": "landline or a carrier that cannot take texts",
    "30007": "filtered by the carrier as spam",
    "30008": "unknown carrier error",
    "30034": "sender not registered for US A2P 10DLC",
}


# The text never reached the phone, and a call might: switched off or out of coverage (30003),
# unknown (30005), a landline (30006), filtered by the carrier (30007), unknown error (30008), our
# sender unregistered (30034). An alert or update failing so is followed by a call
# (core.alert_calls).
REACHABILITY_CODES = frozenset({"30003", "30005", "30006", "30007", "30008", "30034"})


def cause(code: str | None, fallback: str | None = None) -> str | None:
    """A readable reason for provider error ``code`` (``fallback`` when we have none)."""
    return CAUSES.get(code or "", fallback)


def apply_status(
    session: Session,
    *,
    provider_sid: str,
    status: str,
    error_code: str | None = None,
    error_message: str | None = None,
    message_id: int | None = None,
) -> Message | None:
    """Record a provider status for the text ``provider_sid``; returns it, or None if unknown.

    ``message_id`` (from the callback URL) finds a text whose SID we never learned because the
    answer to our send was lost; the SID is attached to it. Idempotent, order-independent; the
    caller commits. Side effects on the subscriber: see ``apply_error_code``.
    """
    ours = PROVIDER_STATUS.get(status)
    message = _find(session, provider_sid, message_id)
    if ours is None or message is None:
        return None
    code = str(error_code) if error_code else None
    values = {"status": ours, "provider_sid": provider_sid, "updated_at": now()}
    if ours in ERROR_STATUSES:
        values |= {"error_code": code, "error_message": cause(code, error_message)}
    else:
        values |= {"error_code": None, "error_message": None}
    behind = [s for s, rank in _RANK.items() if rank < _RANK[ours]]
    session.exec(
        update(Message)
        .where(
            col(Message.id) == message.id,
            or_(
                col(Message.status).in_(behind),
                and_(
                    col(Message.status) == MessageStatus.FAILED,
                    col(Message.error_code) == UNCERTAIN,
                ),
            ),
        )
        .values(**values)
    )
    if code:
        apply_error_code(session, subscriber_id=message.subscriber_id, code=code)
    session.refresh(message)
    return message


def apply_error_code(session: Session, *, subscriber_id: int | None, code: str) -> None:
    """What a provider error says about the person: 21610 → opted out; 21211/21614 → flagged."""
    if subscriber_id is None:
        return  # a reply to a resident: nobody to update
    if code == OPTED_OUT_CODE:
        session.exec(
            update(Subscriber)
            .where(col(Subscriber.id) == subscriber_id)
            .values(status="opted_out", updated_at=now())
        )
    elif code in FLAG_CODES:
        session.exec(
            update(Subscriber)
            .where(col(Subscriber.id) == subscriber_id)
            .values(flag=FLAG_CODES[code], updated_at=now())
        )


def _find(session: Session, provider_sid: str, message_id: int | None) -> Message | None:
    message = session.exec(select(Message).where(Message.provider_sid == provider_sid)).first()
    if message is None and message_id is not None:
        candidate = session.get(Message, message_id)
        if candidate is not None and candidate.provider_sid in (None, provider_sid):
            message = candidate
    return message
