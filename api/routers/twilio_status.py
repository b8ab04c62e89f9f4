"""``POST /twilio/status``: Twilio's word on a text we sent (sent, delivered, undelivered, failed)."""

from fastapi import APIRouter, HTTPException, Request, Response

from api.deps import SessionDep, TwilioForm
from core.delivery import apply_status
from messaging.twilio_backend import REF_PARAM

router = APIRouter(tags=["twilio"])


@router.post("/twilio/status", status_code=204)
def receive_status(form: TwilioForm, request: Request, session: SessionDep) -> Response:
    """Always 204 once the signature is good, even for a SID we do not know: a non-2xx answer
    only makes Twilio log an error and retry something we cannot use."""
    sid, status = form.get("MessageSid") or form.get("SmsSid"), form.get("MessageStatus") or form.get("SmsStatus")
    if not sid or not status:
        raise HTTPException(400, "MessageSid and MessageStatus are required")
    ref = request.query_params.get(REF_PARAM, "")
    apply_status(session, provider_sid=sid, status=status, error_code=form.get("ErrorCode") or None,
                 error_message=form.get("ErrorMessage") or None, message_id=int(ref) if ref.isdigit() else None)
    session.commit()
    return Response(status_code=204)
