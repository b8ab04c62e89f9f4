"""``avisa text`` and ``avisa call``: play a resident against a running server, signing each
webhook the way Twilio would.

The server is the one given with ``--url``; else the ``avisa dev`` started from this folder
(``avisa.devrun``); else ``AVISA_PUBLIC_URL``. When none answers, ``NoServer`` says in one line
how to point at one.
"""

import mimetypes
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import httpx
from twilio.request_validator import RequestValidator

from avisa import devrun
from core.phones import normalize
from core.settings import get_settings

ACCOUNT = "AC" + "0" * 32
HOTLINE = "+13235550000"
# Twilio's own media URL for a message's attachment: the only kind Avisa accepts and fetches.
MEDIA_URL = "https://api.twilio.com/2010-04-01/Accounts/{account}/Messages/{message}/Media/{media}"


class NoServer(Exception):
    """No Avisa server answered where we looked; the message says how to point at one."""


@dataclass(frozen=True)
class Target:
    url: str  # where requests go
    public_url: str  # what the server signs and checks against (its AVISA_PUBLIC_URL)
    media: Path  # where an attachment is left for a local server to hand back


def target(url: str | None = None) -> Target:
    """Where to post: ``url``, else the ``avisa dev`` running from here, else AVISA_PUBLIC_URL."""
    if url:
        base = url.rstrip("/")
        return Target(base, base, devrun.media_folder(None))
    running = devrun.read()
    if running:
        return Target(running.url, running.public_url, devrun.media_folder(running))
    base = get_settings().public_url.rstrip("/")
    return Target(base, base, devrun.media_folder(None))


def _post(where: Target, path: str, form: dict[str, str]) -> httpx.Response:
    """Post ``form`` to ``path`` signed for the URL the server rebuilds (its public URL)."""
    if path.startswith(where.public_url):  # an absolute action URL from our own TwiML
        path = path[len(where.public_url) :]
    signature = RequestValidator(get_settings().signing_token).compute_signature(
        where.public_url + path, form
    )
    try:
        return httpx.post(
            where.url + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=10
        )
    except httpx.TransportError:
        raise NoServer(
            f"no Avisa server answers at {where.url}: start one with `make run` (or `avisa dev`) "
            "in this folder, or point at it with --url http://127.0.0.1:PORT"
        ) from None


def _address(number: str, whatsapp: bool) -> str:
    return f"whatsapp:{number}" if whatsapp else number


def send_text(
    sender: str,
    body: str,
    *,
    url: str | None = None,
    sid: str | None = None,
    whatsapp: bool = False,
    media: Path | None = None,
) -> tuple[int, str]:
    """Post ``body`` from ``sender`` (by SMS, or WhatsApp) with an optional photo or clip;
    returns (HTTP status, response text: TwiML or the error)."""
    where = target(url)
    message_sid = sid or ("MM" if media else "SM") + secrets.token_hex(16)
    form = {
        "MessageSid": message_sid,
        "AccountSid": ACCOUNT,
        "From": _address(normalize(sender), whatsapp),
        "To": _address(HOTLINE, whatsapp),
        "Body": body,
        "NumMedia": "0",
        "ApiVersion": "2010-04-01",
    }
    if media is not None:
        kind = mimetypes.guess_type(media.name)[0] or "application/octet-stream"
        media_sid = "ME" + secrets.token_hex(16)
        # Left where the local backend looks, as Twilio would hold it; a real Twilio account
        # is never asked for it (the account id is all zeros).
        folder = where.media / message_sid
        folder.mkdir(parents=True, exist_ok=True)
        (folder / media_sid).write_bytes(media.read_bytes())
        (folder / media_sid).with_suffix(".type").write_text(kind)
        url_of = MEDIA_URL.format(account=ACCOUNT, message=message_sid, media=media_sid)
        form |= {"NumMedia": "1", "MediaUrl0": url_of, "MediaContentType0": kind}
    response = _post(where, "/twilio/sms", form)
    return response.status_code, response.text


def _said(twiml: str) -> list[str]:
    try:
        root = ElementTree.fromstring(twiml)
    except ElementTree.ParseError:
        return [twiml.strip()]
    return [" ".join((say.text or "").split()) for say in root.iter("Say") if say.text]


def _next(twiml: str) -> str | None:
    """The action URL the call goes on to (a Gather's or a Record's), if any."""
    try:
        root = ElementTree.fromstring(twiml)
    except ElementTree.ParseError:
        return None
    for element in root.iter():
        if element.tag in ("Gather", "Record", "Redirect"):
            return element.get("action") or (element.text or "").strip() or None
    return None


def play_call(
    sender: str,
    place: str,
    what: str,
    *,
    language: str = "es",
    url: str | None = None,
    say=print,
) -> int:
    """Call the hotline from ``sender``: press the language key, say ``place``, then ``what``,
    hang up. Each step is posted to the voice webhooks as Twilio would, following the action
    URLs of our own TwiML; what the caller hears is passed to ``say``. Returns the last status."""
    where = target(url)
    base = {
        "CallSid": "CA" + secrets.token_hex(16),
        "AccountSid": ACCOUNT,
        "From": normalize(sender),
        "To": HOTLINE,
        "ApiVersion": "2010-04-01",
    }
    answers = [
        {"Digits": "1" if language == "en" else "2"},
        {"SpeechResult": place, "Confidence": "0.9"},
        {"SpeechResult": what, "Confidence": "0.9"},
    ]
    path: str | None = "/twilio/voice"
    status = 0
    for _ in range(8):  # a call asks at most a few questions; never loop on a misheard one
        if not path:
            break
        response = _post(where, path, base | {"CallStatus": "in-progress"} | _answer(path, answers))
        status = response.status_code
        for line in _said(response.text):
            say(f"☎ {line}")
        if status != 200:
            say(response.text)
            return status
        path = _next(response.text)
    ended = _post(where, "/twilio/voice/status", base | {"CallStatus": "completed"})
    return ended.status_code if status == 200 else status


def _answer(path: str, answers: list[dict[str, str]]) -> dict[str, str]:
    """What the caller does at this step: the first step only listens."""
    step = re.sub(r"[?#].*$", "", path).rstrip("/").rsplit("/", 1)[-1]
    if step == "voice":
        return {}
    if step == "language":
        return answers[0]
    if step == "place":
        return answers[1]
    if step == "description":
        return answers[2]
    return {}
