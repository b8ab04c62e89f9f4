"""``/twilio/voice/alert…``: the call placed when an alert text came back unreachable.

    /twilio/voice/alert?call=N          Twilio fetches the call's TwiML when it is answered
    /twilio/voice/alert/answer?call=N   Digits 1 → their answer, as texting ``N SI``
    /twilio/voice/alert/status?call=N   the call ended (no answer, busy, completed)

Signed like every webhook (``TwilioForm``); the rule is ``core.alert_calls``.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import SessionDep, SettingsDep, TwilioForm
from api.webhooks import xml_response
from core import alert_calls
from core.enums import MessageKind
from messaging import twiml
from workers.effects import carry_out

router = APIRouter(tags=["twilio"])
CallId = Annotated[int, Query(alias="call", ge=1)]
ANSWER = alert_calls.WEBHOOK_PATH + "/answer"


@router.post(alert_calls.WEBHOOK_PATH)
def alert_call(
    form: TwilioForm, session: SessionDep, settings: SettingsDep, call_id: CallId
) -> Response:
    words = alert_calls.script(session, call_id)
    session.commit()
    action = f"{settings.public_url.rstrip('/')}{ANSWER}?call={call_id}"
    ask = "alert_call_press" if words.kind == MessageKind.ALERT else "alert_call_heard"
    return xml_response(twiml.alert_call(words.language, words.body, action=action, ask=ask))


@router.post(ANSWER)
def alert_call_answer(
    form: TwilioForm, session: SessionDep, settings: SettingsDep, call_id: CallId
) -> Response:
    if form.get("Digits", "").strip() != "1":  # another key: read it again
        return alert_call(form, session, settings, call_id)
    words = alert_calls.script(session, call_id)
    recorded, decisions = alert_calls.acknowledge(session, call_id)
    carry_out(session, decisions)
    return xml_response(twiml.alert_call_answered(words.language, recorded=recorded))


@router.post(alert_calls.WEBHOOK_PATH + "/status")
def alert_call_status(form: TwilioForm, session: SessionDep, call_id: CallId) -> Response:
    alert_calls.call_ended(session, call_id, form.get("CallStatus", ""))
    session.commit()
    return xml_response(twiml.empty())
