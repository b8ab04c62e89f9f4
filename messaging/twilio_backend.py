"""Twilio's Programmable Messaging behind ``SmsProvider``, with the synchronous SDK.

One ``TwilioProvider`` is shared by a sender's thread pool: the SDK's ``TwilioHttpClient`` keeps
one ``requests`` session whose connection pool we size to the number of threads, so texts reuse
warm TLS connections instead of opening one each.

Every failure is translated in ``translate`` (and only there) into ``messaging.provider``'s tree:

    429 / 20429, 5xx, 401/403, refused or timed-out connect  → TransientSendError (never processed)
    read timeout, connection dropped after the request left   → UncertainSendError (maybe sent)
    any other 4xx (21610, 21211, 21614, 21408, 21617 …)        → PermanentSendError(code=…)

Twilio has no idempotency key for Messages, so ``idempotency_key`` rides along in the status
callback URL (``?ref=…``): if the answer to a create is lost, the status callbacks Twilio sends for
that text still name it, and ``core.delivery.apply_status`` learns its SID from them. Failing
that, ``find_sent`` asks Twilio for recent texts to the number (workers.sender's sweep uses it).
"""

import json
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote

import requests
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from core.phones import mask
from core.settings import Settings
from messaging.provider import (
    Fetched,
    PermanentSendError,
    Receipt,
    SendError,
    TransientSendError,
    UncertainSendError,
)

STATUS_PATH = "/twilio/status"
WHATSAPP_PREFIX = "whatsapp:"  # core.channels' address form
REF_PARAM = "ref"  # query parameter of the status callback URL naming our message
TIMEOUT_S = 10.0  # connect and read; the SDK's default is to wait forever
MAX_FETCH_BYTES = 20 * 1024 * 1024  # WhatsApp carries up to 16 MB; Twilio MMS 5 MB
CALL_RING_S = 30  # then Twilio gives up on an unanswered alert call (voicemail aside)
LOOKUP_LIMIT = 20  # recent texts to one number searched for a lost answer
CLOCK_SKEW = timedelta(minutes=2)  # our clock vs Twilio's date_created
# Credentials or account problems: every text fails the same way until an operator fixes it, so
# keep the texts pending (retried, then swept) rather than mark a whole fan-out failed.
_RETRY_STATUSES = {401, 403, 429}
# "+1 (323) 555-0101", "+13235550101", or a bare run of 10–15 digits; not dates, IPs or SIDs.
_PHONE_LIKE = re.compile(r"\+\d[\d\s().-]{6,}\d|(?<!\w)\d{10,15}(?!\w)")


class _ScrubNumbers(logging.Filter):
    """A lookup puts ``To=+1…`` in the query string, which the SDK (INFO) and urllib3 (DEBUG)
    log."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(unquote(record.getMessage())), None
        return True


_http_log = logging.getLogger(__name__ + ".http")
for _logger in (_http_log, logging.getLogger("urllib3.connectionpool")):
    _logger.addFilter(_ScrubNumbers())


class TwilioProvider:
    """Sends through Twilio's REST API. Thread-safe; create one per process and share it."""

    def __init__(
        self, settings: Settings, *, timeout_s: float = TIMEOUT_S, pool_size: int | None = None
    ):
        if not (settings.twilio_messaging_service_sid or settings.twilio_from_number):
            raise ValueError("set TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER")
        # The SDK's request lines (several per text) only when asked for.
        _http_log.setLevel(logging.INFO if settings.twilio_http_log else logging.WARNING)
        self.http = TwilioHttpClient(timeout=timeout_s, logger=_http_log)
        size = pool_size or max(settings.send_concurrency, 10)
        for scheme in ("http://", "https://"):
            # max_retries=0: a POST must never be re-sent by the transport behind our back.
            self.http.session.mount(
                scheme, HTTPAdapter(pool_connections=1, pool_maxsize=size, max_retries=0)
            )
        # environment={}: TWILIO_REGION / TWILIO_EDGE would rewrite the host we point at.
        self.client = Client(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            http_client=self.http,
            environment={},
        )
        self.client.api.base_url = settings.twilio_api_url.rstrip("/")
        # Build the lazily created resource chain now, not racily in the first few threads.
        self._account = self.client.api.v2010.accounts(settings.twilio_account_sid)
        self._messages = self._account.messages
        self._sender = (
            {"messaging_service_sid": settings.twilio_messaging_service_sid}
            if settings.twilio_messaging_service_sid
            else {"from_": settings.twilio_from_number}
        )
        # WhatsApp goes through the same Messaging API, from our WhatsApp-enabled sender.
        whatsapp_from = settings.whatsapp_from_number or settings.twilio_from_number
        self._whatsapp_sender = (
            self._sender
            if settings.twilio_messaging_service_sid
            else {"from_": f"{WHATSAPP_PREFIX}{whatsapp_from}"}
        )
        self.status_callback = settings.public_url.rstrip("/") + STATUS_PATH
        self._calls = self.client.api.v2010.accounts(settings.twilio_account_sid).calls
        # A call needs a voice number (a Messaging Service cannot ring anyone).
        self._caller = settings.call_from_number or settings.twilio_from_number
        # Files (photos, recordings) are fetched with the same pool and credentials.
        self._account_url = (
            f"{self.client.api.base_url}/2010-04-01/Accounts/{settings.twilio_account_sid}"
        )
        self._credentials = (settings.twilio_account_sid, settings.twilio_auth_token)
        self._timeout_s = timeout_s

    def callback_url(self, idempotency_key: str) -> str:
        return f"{self.status_callback}?{REF_PARAM}={quote(idempotency_key, safe='')}"

    def send(
        self, to: str, body: str, *, idempotency_key: str, content_sid: str | None = None
    ) -> Receipt:
        """POST one Messages create. ``to`` is E.164 or ``whatsapp:+1…`` (then sent from our
        WhatsApp sender); ``content_sid`` sends that approved template with ``body`` as its
        variable 1 instead of free text. Raises Transient/Uncertain/PermanentSendError (see module
        doc)."""
        whatsapp = to.startswith(WHATSAPP_PREFIX)
        content = (
            {"content_sid": content_sid, "content_variables": json.dumps({"1": body})}
            if content_sid
            else {"body": body}
        )
        try:
            message = self._messages.create(
                to=to,
                status_callback=self.callback_url(idempotency_key),
                **content,
                **(self._whatsapp_sender if whatsapp else self._sender),
            )
        except (TwilioException, requests.RequestException) as exc:
            raise translate(exc) from None  # from None: the SDK's text may quote the number
        return Receipt(provider_sid=message.sid, status=message.status or "accepted")

    def find_sent(self, to: str, body: str, *, since: datetime) -> Receipt | None:
        """The text with exactly ``body`` Twilio holds for ``to``, created after ``since`` (naive
        UTC, less a clock-skew margin), or None: how a send whose answer was lost is settled.
        Raises a ``SendError`` when Twilio cannot be asked."""
        floor = since.replace(tzinfo=UTC) - CLOCK_SKEW
        try:
            for message in self._messages.stream(to=to, limit=LOOKUP_LIMIT, page_size=LOOKUP_LIMIT):
                recent = message.date_created is None or message.date_created >= floor
                if recent and message.body == body and message.direction != "inbound":
                    return Receipt(provider_sid=message.sid, status=message.status or "accepted")
        except (TwilioException, requests.RequestException) as exc:
            raise translate(exc) from None
        return None

    def place_call(self, to: str, url: str, *, idempotency_key: str) -> Receipt:
        """POST one Calls create; Twilio fetches the call's TwiML from ``url`` when it is answered
        and reports its end to ``url``'s ``/status`` sibling. Errors as for ``send``; no number
        to call from is a PermanentSendError (nothing to retry until an operator sets one)."""
        if not self._caller:
            raise PermanentSendError("no number to call from", code="no_caller_number")
        base, _, query = url.partition("?")
        status_url = f"{base}/status" + (f"?{query}" if query else "")
        try:
            call = self._calls.create(
                to=to,
                from_=self._caller,
                url=url,
                status_callback=status_url,
                status_callback_event=["completed"],
                timeout=CALL_RING_S,
            )
        except (TwilioException, requests.RequestException) as exc:
            raise translate(exc) from None
        # Calls have no idempotency key: the AlertCall claim (core.alert_calls) is the guard.
        return Receipt(provider_sid=call.sid, status=call.status or "queued")

    def delete_recording(self, recording_sid: str) -> bool:
        """Delete a call recording at Twilio (``DELETE …/Recordings/{sid}.json``): the purge's
        other half. True when it is gone (a 404 means it already was); raises a ``SendError``
        when Twilio cannot be asked, so the purge keeps the URL and tries again."""
        return _delete(self._account.recordings(recording_sid))

    def delete_media(self, message_sid: str, media_sid: str) -> bool:
        """Delete a resident's photo or clip at Twilio (``DELETE …/Messages/{MM}/Media/{ME}.json``),
        as ``delete_recording``."""
        return _delete(self._messages(message_sid).media(media_sid))

    def fetch_media(self, message_sid: str, media_sid: str) -> Fetched:
        """The file itself: ``GET …/Messages/{MM}/Media/{ME}`` (no extension) with our
        credentials. Twilio may redirect to its media store; requests drops the credentials on
        a redirect to another host, so only Twilio's API ever sees them."""
        return self._fetch(f"Messages/{message_sid}/Media/{media_sid}")

    def fetch_recording(self, recording_sid: str) -> Fetched:
        return self._fetch(f"Recordings/{recording_sid}.mp3")

    def _fetch(self, path: str) -> Fetched:
        """GET a file under our account, at most ``MAX_FETCH_BYTES``. The URL is always built
        here, from our own API base and account: never one a webhook handed us."""
        url = f"{self._account_url}/{path}"
        try:
            with self.http.session.get(
                url, auth=self._credentials, timeout=self._timeout_s, stream=True
            ) as answer:
                if answer.status_code != 200:
                    raise _fetch_error(answer.status_code)
                content = b""
                for chunk in answer.iter_content(64 * 1024):
                    content += chunk
                    if len(content) > MAX_FETCH_BYTES:
                        raise PermanentSendError("file too large", code="too_large", status=413)
                kind = answer.headers.get("Content-Type", "application/octet-stream")
                return Fetched(content=content, content_type=kind)
        except requests.RequestException as exc:
            raise translate(exc) from None


def _delete(resource: Any) -> bool:
    """``resource.delete()`` (an SDK context): True once it is gone, a 404 included."""
    try:
        return bool(resource.delete())
    except TwilioException as exc:
        if getattr(exc, "status", None) == 404:
            return True
        raise translate(exc) from None
    except requests.RequestException as exc:
        raise translate(exc) from None


def _fetch_error(status: int) -> SendError:
    """A file GET's refusal: 404 (gone, or never ours) is permanent; the rest may pass."""
    if status == 404:
        return PermanentSendError("not held by the provider", code="20404", status=404)
    if status in _RETRY_STATUSES or status >= 500:
        return TransientSendError(f"provider answered {status}", status=status)
    return PermanentSendError(f"provider answered {status}", status=status)


def translate(exc: Exception) -> SendError:
    """The one place Twilio's and requests' errors become ours. Messages never hold a number."""
    if isinstance(exc, requests.ConnectTimeout):
        return TransientSendError("connect timeout", code="connect_timeout")
    if isinstance(exc, requests.ReadTimeout):
        return UncertainSendError("no answer after the request was sent", code="read_timeout")
    if isinstance(exc, requests.exceptions.SSLError) or _refused(exc):
        return TransientSendError("could not connect", code="connect_error")
    if isinstance(exc, requests.RequestException):
        # Reset or garbled answer after the bytes left: Twilio may have queued the text.
        return UncertainSendError(f"connection lost ({type(exc).__name__})", code="connection_lost")
    status = getattr(exc, "status", None)
    code = getattr(exc, "code", None) or status
    text = scrub(getattr(exc, "msg", None) or getattr(exc, "detail", None) or str(exc))
    if not isinstance(status, int):
        return TransientSendError(text, code=str(code) if code else None)
    if status in _RETRY_STATUSES or code == 20429 or status >= 500:
        return TransientSendError(text, code=str(code), status=status)
    return PermanentSendError(text, code=str(code), status=status)


def _refused(exc: Exception) -> bool:
    """True when the connection failed before any byte of the request was sent."""
    if not isinstance(exc, requests.ConnectionError):
        return False
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3 MaxRetryError wraps the cause
    return isinstance(reason, NewConnectionError)


def scrub(text: str) -> str:
    """Twilio's error text can quote the 'To' number ("The 'To' number +1… is not valid")."""
    return _PHONE_LIKE.sub(lambda m: mask(re.sub(r"[^\d+]", "", m.group())), text)
