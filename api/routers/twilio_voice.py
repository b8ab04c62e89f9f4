"""``POST /twilio/voice`` and its follow-ups: a bilingual phone call that ends in a report.

Twilio walks the call by following the action URLs in our TwiML::

    /twilio/voice              greeting; a key picks the language      → /language
    /twilio/voice/language     Digits 1 English, else Spanish          → /place
                               (3 or 4: a family reporting a detention → /twilio/voice/detention,
                               api.routers.twilio_detention)
    /twilio/voice/place        SpeechResult, or a 5-digit ZIP typed    → /description
                                                                         (again, or record)
    /twilio/voice/description  SpeechResult                            → report; goodbye
    /twilio/voice/recording    RecordingUrl, after speech failed twice → report; goodbye
    /twilio/voice/done         <Record> heard nothing                  → goodbye
    /twilio/voice/status       call status callback: a hang-up still leaves a report

Configure the number: "A call comes in" → ``AVISA_PUBLIC_URL/twilio/voice`` (POST) and "Call status
changes" → ``AVISA_PUBLIC_URL/twilio/voice/status``. Action URLs are absolute from AVISA_PUBLIC_URL
(the base the signature check rebuilds) and carry ``try``, the failed prompts so far, so a
retried request gets the same answer.
"""

import logging
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Response
from sqlmodel import Session

from api.deps import SessionDep, SettingsDep, TwilioForm, get_vault
from api.routers import twilio_detention
from api.webhooks import hand_to_intake, sender_of, xml_response
from core import voice
from core.settings import Settings
from messaging import twiml as voice_twiml
from messaging.voice_prompts import DETENTION_KEYS, LANGUAGE_KEYS

router = APIRouter(tags=["twilio"])
log = logging.getLogger(__name__)

LANGUAGE, PLACE, DESCRIPTION = (
    "/twilio/voice/language",
    "/twilio/voice/place",
    "/twilio/voice/description",
)
RECORDING, DONE = "/twilio/voice/recording", "/twilio/voice/done"
# An inbound call ends in one of these; "completed" is the one a caller's hang-up produces.
ENDED = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
Attempt = Annotated[int, Query(alias="try", ge=0, le=9)]


@router.post("/twilio/voice")
def incoming_call(form: TwilioForm, session: SessionDep, settings: SettingsDep) -> Response:
    voice.open_call(session, call_sid(form))
    session.commit()
    return xml_response(
        voice_twiml.greeting(action=_url(settings, LANGUAGE), name=settings.hotline_name)
    )


@router.post(LANGUAGE)
def language_chosen(form: TwilioForm, session: SessionDep, settings: SettingsDep) -> Response:
    digits = form.get("Digits", "").strip()
    if digits in DETENTION_KEYS:  # a family whose person was taken: their own questions
        call_sid(form)
        return xml_response(twilio_detention.start(session, settings, form, DETENTION_KEYS[digits]))
    language = LANGUAGE_KEYS.get(digits, "es")
    return _answer(voice.set_language(session, call_sid(form), language), form, session, settings)


@router.post(PLACE)
def place_heard(
    form: TwilioForm, session: SessionDep, settings: SettingsDep, attempt: Attempt = 0
) -> Response:
    turn = voice.hear_place(
        session,
        call_sid(form),
        speech=form.get("SpeechResult", ""),
        digits=form.get("Digits", ""),
        attempt=attempt,
    )
    return _answer(turn, form, session, settings)


@router.post(DESCRIPTION)
def description_heard(
    form: TwilioForm, session: SessionDep, settings: SettingsDep, attempt: Attempt = 0
) -> Response:
    turn = voice.hear_description(
        session, call_sid(form), speech=form.get("SpeechResult", ""), attempt=attempt
    )
    return _answer(turn, form, session, settings)


@router.post(RECORDING)
def recording_made(form: TwilioForm, session: SessionDep, settings: SettingsDep) -> Response:
    turn = voice.keep_recording(session, call_sid(form), form.get("RecordingUrl", "").strip())
    return _answer(turn, form, session, settings)


@router.post(DONE)
def nothing_recorded(form: TwilioForm, session: SessionDep, settings: SettingsDep) -> Response:
    return _answer(voice.current(session, call_sid(form)), form, session, settings)


@router.post("/twilio/voice/status")
def call_status(form: TwilioForm, session: SessionDep, settings: SettingsDep) -> Response:
    """The caller may hang up after giving the place: the end of the call finalises it if no step
    did."""
    if form.get("CallStatus", "") in ENDED:
        _finish(session, form, settings)
        twilio_detention.hung_up(session, settings, form)
    return xml_response(voice_twiml.empty())


def call_sid(form: dict[str, str]) -> str:
    sid = form.get("CallSid", "").strip()
    if not sid:
        raise HTTPException(400, "CallSid is required")
    return sid


def _answer(
    turn: voice.Next, form: dict[str, str], session: Session, settings: Settings
) -> Response:
    """Keep what this request heard, then the TwiML for the caller's next step."""
    if turn.step == "done":
        return xml_response(
            voice_twiml.goodbye(turn.language, received=_finish(session, form, settings))
        )
    session.commit()
    if turn.step == "place":
        action = _url(settings, PLACE, attempt=turn.failures)
        return xml_response(voice_twiml.ask_place(turn.language, action=action, again=turn.again))
    if turn.step == "description":
        action = _url(settings, DESCRIPTION, attempt=turn.failures)
        return xml_response(
            voice_twiml.ask_description(turn.language, action=action, again=turn.again)
        )
    return xml_response(
        voice_twiml.record_report(
            turn.language, action=_url(settings, RECORDING), fallthrough=_url(settings, DONE)
        )
    )


def _finish(session: Session, form: dict[str, str], settings: Settings) -> bool:
    """Finalise the call (once) and queue its report; True when we hold the caller's report."""
    row, created = voice.finalise(
        session, get_vault(settings), call_sid(form), caller=sender_of(form)
    )
    if created:
        log.info("call %s became inbound %s", call_sid(form), row.id)
        hand_to_intake(row.id)  # stored as enqueued: Redis down, the sweep takes it up
    return row is not None


def _url(settings: Settings, path: str, *, attempt: int | None = None) -> str:
    """Absolute, from the public URL: Twilio signs the URL it requests, and we check against this
    base."""
    query = f"?{urlencode({'try': attempt})}" if attempt is not None else ""
    return settings.public_url.rstrip("/") + path + query
