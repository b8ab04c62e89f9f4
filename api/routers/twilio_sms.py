"""``POST /twilio/sms``: store first (once per MessageSid), enqueue, acknowledge in milliseconds."""

from fastapi import APIRouter, HTTPException, Response

from api.deps import SessionDep, TwilioForm, VaultDep
from api.schemas import problems
from api.webhooks import busy_response, hand_to_intake, sms_sender, xml_response
from core import channels, inbound, media, routing
from messaging.templates import render
from messaging.twiml import sms_reply

router = APIRouter(tags=["twilio"], responses=problems(400, 403, 422))


@router.post("/twilio/sms")
def receive_sms(form: TwilioForm, session: SessionDep, vault: VaultDep) -> Response:
    sid, body = form.get("MessageSid") or form.get("SmsSid"), form.get("Body", "")
    if not sid or not form.get("From"):
        raise HTTPException(400, "MessageSid and From are required")
    sender = sms_sender(form)
    # The number alone is stored and indexed, its channel beside it: one person on SMS and
    # WhatsApp is one reporter (core.channels).
    channel, number = channels.parse(sender)
    try:
        inbound_id = inbound.store(
            session,
            vault,
            sid=sid,
            channel=channel,
            from_e164=number,
            body=body,
            media=media.from_form(form),
        )
    except inbound.Busy:
        return busy_response()  # not stored: Twilio's retry brings it again, never a 500
    if inbound_id is None:
        return xml_response(sms_reply(None))  # a retry: the first answer already went out
    hand_to_intake(inbound_id)  # stored as enqueued: no second write
    reply = routing.answer_now(session, vault, sender, body)
    return xml_response(sms_reply(render(*reply) if reply else None))
