"""``avisa text``: sign an SMS webhook the way Twilio would and post it to a running server."""

import secrets

import httpx
from twilio.request_validator import RequestValidator

from core.phones import normalize
from core.settings import get_settings


def send_text(
    sender: str, body: str, *, url: str | None = None, sid: str | None = None
) -> tuple[int, str]:
    """Post ``body`` from ``sender`` to ``url`` (default AVISA_PUBLIC_URL), signed for that URL;
    returns (HTTP status, response text: TwiML or the error)."""
    settings = get_settings()
    base = (url or settings.public_url).rstrip("/")
    form = {
        "MessageSid": sid or "SM" + secrets.token_hex(16),
        "AccountSid": "AC" + "0" * 32,
        "From": normalize(sender),
        "To": "+13235550000",
        "Body": body,
        "NumMedia": "0",
        "ApiVersion": "2010-04-01",
    }
    # Twilio signs the URL it posts to (the one configured for the number), so do we: with
    # ``--url`` that is the URL given, which the server checks against its AVISA_PUBLIC_URL.
    target = f"{base}/twilio/sms"
    signature = RequestValidator(settings.signing_token).compute_signature(target, form)
    response = httpx.post(target, data=form, headers={"X-Twilio-Signature": signature}, timeout=10)
    return response.status_code, response.text
