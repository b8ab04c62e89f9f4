"""What every Twilio webhook shares: who sent it, handing it to the workers, answering in TwiML."""

import logging

from fastapi import HTTPException, Response
from redis.exceptions import RedisError

from core import channels
from core.enums import Channel
from core.phones import InvalidPhone, normalize
from workers.queues import RedisNotConfigured, enqueue_intake

log = logging.getLogger(__name__)


def xml_response(document: str) -> Response:
    """A TwiML document (Twilio wants an XML content type, never an empty 200)."""
    return Response(content=document, media_type="application/xml")


RETRY_AFTER_S = 2


def busy_response() -> Response:
    """503 with Retry-After: the message was not stored (the database stayed locked); the provider
    is asked to send it again rather than given a 500."""
    return Response(status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})


def sender_of(form: dict[str, str]) -> str:
    """The sender's number (E.164), whatever channel it wrote on (``channel_of``)."""
    raw = channels.number(form.get("From", ""))
    try:
        return normalize(raw)
    except InvalidPhone:
        return raw.strip()  # short codes, channel prefixes: still a sender, still encrypted


def channel_of(form: dict[str, str]) -> Channel:
    """SMS, or WhatsApp for ``From: whatsapp:+1…`` (the same webhook serves both)."""
    return channels.parse(form.get("From", ""))[0]


CHANNEL_PREFIXES = ("whatsapp:",)


def sms_sender(form: dict[str, str]) -> str:
    """The texter's address: a phone number in E.164, or a channel address of its own
    (``whatsapp:+13235550101``). Anything else raises HTTPException 400, before anything is
    stored: a made-up ``From`` must not count as one more reporter."""
    raw = form.get("From", "").strip()
    prefix = next((p for p in CHANNEL_PREFIXES if raw.lower().startswith(p)), "")
    try:
        return prefix + normalize(raw[len(prefix) :])
    except InvalidPhone:
        raise HTTPException(400, "From is not a phone number or a known channel address") from None


def hand_to_intake(inbound_id: int) -> bool:
    """Enqueue the intake job; False if Redis is down (logged: the sweep enqueues it later)."""
    try:
        enqueue_intake(inbound_id)
    except (RedisError, RedisNotConfigured) as exc:
        log.warning(
            "inbound %s stored but not enqueued (%s); the sweep will pick it up",
            inbound_id,
            type(exc).__name__,
        )
        return False
    return True
