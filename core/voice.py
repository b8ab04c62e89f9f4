"""Reports by phone call: what a caller said so far, kept between Twilio's requests.

A call walks language → place → description, or falls back to a recording when speech fails
twice. Each answer lands on the call's ``VoiceCall`` row (one per CallSid), so any API replica can
take the next request and the status callback can finish a call whose caller hung up. Finishing
(``finalise``) turns the call into one ``InboundMessage`` (channel "voice", Sid = CallSid) on the
same intake pipeline as a text: the place on the first line, the description on the next, so the
geocoder reads the place first.

The caller's number is not kept here: every Twilio request carries it, and the InboundMessage
stores it sealed and blind-indexed as it does for texts. Every function is safe to repeat with the
same arguments (Twilio retries webhooks), and none commits: the caller owns the transaction.
"""

from datetime import datetime
from typing import Literal, NamedTuple

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core import inbound
from core.clock import now
from core.enums import Channel, Language
from core.models import InboundMessage, Report, VoiceCall
from core.phones import PhoneVault
from core.speech import spoken_place

Step = Literal["place", "description", "record", "done"]
MAX_FAILURES = 2  # the call's second failed prompt (place or description) switches to <Record>
MAX_TEXT = 800  # one answer; speech results are a sentence or two, never this long


class Next(NamedTuple):
    """What the caller hears next: ``step`` in ``language``; ``again`` when the last answer was
    empty.

    ``failures`` (failed prompts so far) travels in the next action URL as the ``attempt``.
    """

    step: Step
    language: str
    failures: int
    again: bool = False


def get_call(session: Session, call_sid: str) -> VoiceCall | None:
    return session.exec(select(VoiceCall).where(VoiceCall.call_sid == call_sid)).first()


def open_call(session: Session, call_sid: str) -> VoiceCall:
    """The call's row, created on first sight. Concurrent copies of one request end as one row."""
    existing = get_call(session, call_sid)
    if existing is not None:
        return existing
    call = VoiceCall(call_sid=call_sid, created_at=now())
    try:
        with session.begin_nested():
            session.add(call)
    except IntegrityError:  # another request created it first; the rollback already dropped ours
        return session.exec(select(VoiceCall).where(VoiceCall.call_sid == call_sid)).one()
    return call


def set_language(session: Session, call_sid: str, language: Language) -> Next:
    call = open_call(session, call_sid)
    if call.finalised_at is None:
        call.language = language
        session.add(call)
    return Next("place", call.language, call.speech_failures)


def hear_place(session: Session, call_sid: str, *, speech: str, digits: str, attempt: int) -> Next:
    """Keep the place the caller said or typed; an empty or partial answer counts as a failure.

    ``attempt`` is the number of failures when the prompt was played (it travels in the action
    URL), so a retried request sets the same count instead of adding one more. Twilio's
    Confidence is not used: its scale changes with the speech model Twilio picks, and words we
    cannot place are the geocoder's to judge (an unplaced report still reaches coordinators),
    not a reason to keep a frightened caller repeating.
    """
    call = open_call(session, call_sid)
    zip_code, said = typed_zip(digits), speech.strip()[:MAX_TEXT]
    if not (zip_code or said):
        return _failed(session, call, attempt, retry="place")
    if call.finalised_at is None:
        call.digits, call.place_text = (zip_code, None) if zip_code else (None, said)
        session.add(call)
    return Next("description", call.language, call.speech_failures)


def hear_description(session: Session, call_sid: str, *, speech: str, attempt: int) -> Next:
    """Keep what the caller says is happening; then the call is ready to finalise ("done")."""
    call = open_call(session, call_sid)
    said = speech.strip()[:MAX_TEXT]
    if not said:
        return _failed(session, call, attempt, retry="description")
    if call.finalised_at is None:
        call.description = said
        session.add(call)
    return Next("done", call.language, call.speech_failures)


def _failed(session: Session, call: VoiceCall, attempt: int, *, retry: Step) -> Next:
    call.speech_failures = max(call.speech_failures, attempt + 1)
    session.add(call)
    step = "record" if call.speech_failures >= MAX_FAILURES else retry
    return Next(step, call.language, call.speech_failures, again=True)


def keep_recording(session: Session, call_sid: str, url: str) -> Next:
    """Keep the fallback recording's URL for coordinators (a Twilio URL, fetched with our
    credentials).

    It may arrive after the call was finalised (the caller hung up while recording and the status
    callback came first): then it goes straight onto the report if the intake already made one.
    """
    call = open_call(session, call_sid)
    if url:
        call.recording_url = url
        session.add(call)
        report = _report_of(session, call_sid)
        if report is not None and not report.recording_url:
            report.recording_url = url
            session.add(report)
    return Next("done", call.language, call.speech_failures)


def current(session: Session, call_sid: str) -> Next:
    """The call's language and failures, for a step that only ends the call."""
    call = open_call(session, call_sid)
    return Next("done", call.language, call.speech_failures)


def finalise(
    session: Session, vault: PhoneVault, call_sid: str, *, caller: str
) -> tuple[InboundMessage | None, bool]:
    """Turn the call into its InboundMessage; returns (row, created).

    (None, False) when the caller gave nothing yet (no place, description or recording): the call
    stays open, so a recording that arrives after the hang-up can still finish it. Once per call
    however often and concurrently it runs: the message is stored by ``inbound.store`` (the one
    writer of inbound messages, with its busy-database retries), whose unique Sid decides which
    request created it; then the call is marked finalised. Commits. ``caller`` is the From number
    (E.164). The row is stored as enqueued: the caller hands it to intake (or the sweep does).
    """
    call = get_call(session, call_sid)
    if call is None or not _has_content(call):
        return None, False
    if call.finalised_at is not None:
        return _inbound_of(session, call_sid), False
    body = report_text(call)  # with the answer this request just heard
    session.commit()  # the call's answers are kept whatever the store below meets
    inbound_id = inbound.store(
        session, vault, sid=call_sid, channel=Channel.VOICE, from_e164=caller, body=body
    )
    session.exec(
        update(VoiceCall)
        .where(col(VoiceCall.id) == call.id, col(VoiceCall.finalised_at).is_(None))
        .values(finalised_at=now())
    )
    session.commit()
    if inbound_id is None:  # another request for this call stored it first
        return _inbound_of(session, call_sid), False
    return session.get(InboundMessage, inbound_id), True


def _has_content(call: VoiceCall) -> bool:
    return bool(call.digits or call.place_text or call.description or call.recording_url)


def report_text(call: VoiceCall) -> str:
    """The InboundMessage body: the place (a typed ZIP wins), then the description on its own
    line."""
    place = call.digits or spoken_place(call.place_text or "")
    return "\n".join(part for part in (place, (call.description or "").strip()) if part)


def typed_zip(digits: str) -> str | None:
    """Keypad digits that are a ZIP code (exactly five), else None."""
    digits = digits.strip().rstrip("#")
    return digits if len(digits) == 5 and digits.isdigit() else None


def complete_report(session: Session, inbound_message: InboundMessage, report: Report) -> None:
    """Copy what only the call knows onto the report the intake made of it (call from the intake
    job for channel "voice"): the recording, and the language the caller chose, which beats a
    guess from a few recognised words. Idempotent."""
    call = get_call(session, inbound_message.provider_sid)
    if call is None:
        return
    if call.recording_url and not report.recording_url:
        report.recording_url = call.recording_url
    if report.channel == Channel.VOICE:
        report.language = call.language
    session.add(report)


def _inbound_of(session: Session, call_sid: str) -> InboundMessage | None:
    return session.exec(
        select(InboundMessage).where(InboundMessage.provider_sid == call_sid)
    ).first()


def _report_of(session: Session, call_sid: str) -> Report | None:
    query = select(Report).join(InboundMessage, col(InboundMessage.report_id) == col(Report.id))
    return session.exec(query.where(InboundMessage.provider_sid == call_sid)).first()


def purge(session: Session, *, before: datetime) -> int:
    """Delete calls started before ``before``: their words and recording URL are a resident's data.
    Returns how many rows went."""
    return session.exec(delete(VoiceCall).where(col(VoiceCall.created_at) < before)).rowcount
