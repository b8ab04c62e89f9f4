"""``POST /twilio/sms``: store first (once per MessageSid), enqueue, acknowledge in milliseconds."""

import logging

from fastapi import APIRouter, HTTPException, Response
from redis.exceptions import RedisError

from api.deps import SessionDep, TwilioForm
from api.twiml import xml_response
from core import inbound
from core.language import detect
from core.phones import InvalidPhone, normalize
from messaging.keywords import parse_keyword, parse_responder_answer
from messaging.templates import render
from messaging.twiml import sms_reply
from workers.queues import RedisNotConfigured, enqueue_intake

router = APIRouter(tags=["twilio"])
log = logging.getLogger(__name__)


def sender_of(form: dict[str, str]) -> str:
    raw = form.get("From", "")
    try:
        return normalize(raw)
    except InvalidPhone:
        return raw.strip()  # short codes, channel prefixes: still a sender, still encrypted


@router.post("/twilio/sms")
def receive_sms(form: TwilioForm, session: SessionDep) -> Response:
    sid, body = form.get("MessageSid") or form.get("SmsSid"), form.get("Body", "")
    if not sid or not form.get("From"):
        raise HTTPException(400, "MessageSid and From are required")
    row, created = inbound.record(session, sid=sid, channel="sms", from_e164=sender_of(form), body=body)
    session.commit()
    if not created:
        return xml_response(sms_reply(None))  # a retry: the first answer already went out
    queue_for_intake(session, row.id)
    if parse_keyword(body) or parse_responder_answer(body):
        return xml_response(sms_reply(None))  # commands are answered by the worker
    return xml_response(sms_reply(render("report_ack", detect(body))))


def queue_for_intake(session, inbound_id: int) -> None:
    """Enqueue, and remember we did; if Redis is down the sweep enqueues it later."""
    try:
        enqueue_intake(inbound_id)
    except (RedisError, RedisNotConfigured) as exc:
        log.warning("inbound %s stored but not enqueued (%s); the sweep will pick it up", inbound_id, type(exc).__name__)
        return
    inbound.mark_enqueued(session, inbound_id)
    session.commit()
