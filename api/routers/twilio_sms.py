"""``POST /twilio/sms``: store first (once per MessageSid), enqueue, acknowledge in milliseconds."""

from fastapi import APIRouter, HTTPException, Response

from api.deps import SessionDep, TwilioForm
from api.intake import queue_for_intake, sender_of
from api.twiml import xml_response
from core import inbound
from core.language import detect
from messaging.keywords import parse_keyword, parse_responder_answer
from messaging.templates import render
from messaging.twiml import sms_reply

router = APIRouter(tags=["twilio"])


@router.post("/twilio/sms")
def receive_sms(form: TwilioForm, session: SessionDep) -> Response:
    sid, body = form.get("MessageSid") or form.get("SmsSid"), form.get("Body", "")
    if not sid or not form.get("From"):
        raise HTTPException(400, "MessageSid and From are required")
    row, created = inbound.record(
        session, sid=sid, channel="sms", from_e164=sender_of(form), body=body
    )
    session.commit()
    if not created:
        return xml_response(sms_reply(None))  # a retry: the first answer already went out
    queue_for_intake(session, row.id)
    if parse_keyword(body) or parse_responder_answer(body):
        return xml_response(sms_reply(None))  # commands are answered by the worker
    return xml_response(sms_reply(render("report_ack", detect(body))))
