"""``POST /twilio/status``: Twilio's word on a text we sent (sent, delivered, undelivered,
failed)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response

from api.deps import SessionDep, TwilioForm
from api.schemas import Id, problems
from core import alert_calls
from core.delivery import apply_status
from workers.effects import carry_out

router = APIRouter(tags=["twilio"], responses=problems(400, 403, 422))


@router.post("/twilio/status", status_code=204)
def receive_status(
    form: TwilioForm,
    session: SessionDep,
    ref: Annotated[Id | None, Query(description="our message id, set on the callback URL")] = None,
) -> Response:
    """Always 204 once the signature is good, even for a SID we do not know: a non-2xx answer
    only makes Twilio log an error for something we cannot use."""
    sid, status = (
        form.get("MessageSid") or form.get("SmsSid"),
        form.get("MessageStatus") or form.get("SmsStatus"),
    )
    if not sid or not status:
        raise HTTPException(400, "MessageSid and MessageStatus are required")
    message = apply_status(
        session,
        provider_sid=sid,
        status=status,
        error_code=form.get("ErrorCode") or None,
        error_message=form.get("ErrorMessage") or None,
        message_id=ref,
    )
    # An alert that cannot reach the phone is followed by a call (core.alert_calls).
    carry_out(session, alert_calls.after_status(session, message))
    return Response(status_code=204)
