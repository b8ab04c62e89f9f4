"""``/twilio/voice/detention``: the call line's path for a family whose person was taken.

The greeting's key 3 (Spanish) or 4 (English) — read by ``/twilio/voice/language`` — opens the
call's case (``core.detention_call``) and asks the first question; each question is a
``<Record>`` whose action (a recording) or fall-through (silence: skipped) comes back here with
the question's ``step``, and the answer is the next question, or the goodbye once the case is
offered to legal aid. The call's status callback offers a case whose caller hung up mid-way.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Response
from sqlmodel import Session

from api.deps import SessionDep, SettingsDep, TwilioForm, get_vault
from api.webhooks import sender_of, xml_response
from core import detention_call
from core.detention import STEPS
from core.enums import Language
from core.settings import Settings
from messaging import twiml
from workers.effects import carry_out

router = APIRouter(tags=["twilio"])
PATH = "/twilio/voice/detention"
Step = Annotated[str, Query(pattern="^(" + "|".join(STEPS) + ")$")]


def start(session: Session, settings: Settings, form: dict[str, str], language: Language) -> str:
    """The first question's TwiML, the call's case opened (from ``/twilio/voice/language``)."""
    detention_call.start(
        session,
        get_vault(settings),
        call_sid=form["CallSid"],
        caller=sender_of(form),
        language=language,
        settings=settings,
    )
    session.commit()
    return _ask(settings, language, STEPS[0], intro=True)


@router.post(PATH)
def answered(form: TwilioForm, session: SessionDep, settings: SettingsDep, step: Step) -> Response:
    case, following, decisions = detention_call.hear(
        session,
        get_vault(settings),
        call_sid=form.get("CallSid", ""),
        step=step,
        recording_url=form.get("RecordingUrl", "").strip(),
        line=settings.legal_aid_line,
    )
    carry_out(session, decisions)
    language = case.language if case is not None else Language.ES
    if following is None:
        return xml_response(twiml.detention_goodbye(language))
    return xml_response(_ask(settings, language, following))


def hung_up(session: Session, settings: Settings, form: dict[str, str]) -> None:
    """The call ended (status callback): a case it opened is offered as it stands."""
    decisions = detention_call.hung_up(
        session,
        get_vault(settings),
        call_sid=form.get("CallSid", ""),
        line=settings.legal_aid_line,
    )
    carry_out(session, decisions)


def _ask(settings: Settings, language: str, step: str, *, intro: bool = False) -> str:
    url = settings.public_url.rstrip("/") + PATH + "?" + urlencode({"step": step})
    return twiml.record_detention_answer(language, step, action=url, fallthrough=url, intro=intro)
