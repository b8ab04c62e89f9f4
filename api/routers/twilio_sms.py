"""``POST /twilio/sms``: store first (once per MessageSid), enqueue, acknowledge in milliseconds.

The handler is a coroutine that hands the blocking part (store, enqueue, the one look-up of the
answer) to the thread pool in one hop: each synchronous dependency or endpoint is a hop of its
own, and under load those hops, not the database, were most of a webhook's time.
"""

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, HTTPException, Request, Response
from sqlmodel import Session

from api.deps import TwilioForm
from api.schemas import problems
from api.webhooks import busy_response, hand_to_intake, sms_sender, xml_response
from console.deps import app_settings
from core import channels, inbound, media, routing
from core.db import engine_for
from core.phones import vault_for
from core.settings import Settings
from messaging.templates import render
from messaging.twiml import sms_reply

router = APIRouter(tags=["twilio"], responses=problems(400, 403, 422))
# Webhooks stored at once: fewer than the database pool's connections (core.db), so none waits
# for one or opens one past the pool (then closes it), and fewer threads fight for the GIL. The
# others wait their turn on the event loop, at no cost.
AT_ONCE = CapacityLimiter(8)


@router.post("/twilio/sms")
async def receive_sms(form: TwilioForm, request: Request) -> Response:
    sid = form.get("MessageSid") or form.get("SmsSid")
    if not sid or not form.get("From"):
        raise HTTPException(400, "MessageSid and From are required")
    sender = sms_sender(form)
    settings = app_settings(request)
    return await to_thread.run_sync(_take, settings, form, sid, sender, limiter=AT_ONCE)


def _take(settings: Settings, form: dict[str, str], sid: str, sender: str) -> Response:
    body = form.get("Body", "")
    vault = vault_for(settings.secret_key)
    # The number alone is stored and indexed, its channel beside it: one person on SMS and
    # WhatsApp is one reporter (core.channels).
    channel, number = channels.parse(sender)
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
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
        # A read alone: autocommit spares it a BEGIN and a ROLLBACK, two round trips.
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        reply = routing.answer_now(session, vault, sender, body)
    return xml_response(sms_reply(render(*reply) if reply else None))
