"""A family's report of a detention by phone: the call line's menu key (3 Spanish, 4 English)
opens a case, and the caller answers the same five questions as a text does (name, birth date or
A-number, where, when, a number to reach the family), each as a short recording; silence skips
one. When the questions end — or the caller hangs up — the case is offered to legal aid, and the
caller gets by SMS the know-your-rights text and the legal aid line, then each change of the
case (``core.cases``). Recordings stay at the provider; the case keeps their URLs sealed.

Every function is safe to repeat with the same arguments (Twilio retries webhooks) and none
commits: the caller owns the transaction.
"""

from datetime import timedelta
from typing import cast

from sqlmodel import Session, select

from core import case_offers, cases
from core.clock import now
from core.decisions import Decisions
from core.detention import STEPS
from core.enums import Channel, Language
from core.models import CaseEntry, DetentionCase
from core.phones import PhoneVault
from core.settings import Settings


def start(
    session: Session,
    vault: PhoneVault,
    *,
    call_sid: str,
    caller: str,
    language: Language,
    settings: Settings,
) -> DetentionCase:
    """The call's case, opened on first sight; its first question is the name."""
    case, _ = cases.open_case(
        session,
        vault,
        source_sid=call_sid,
        family=caller,
        language=language,
        channel=Channel.VOICE,
        step=STEPS[0],
        step_until=now() + timedelta(minutes=settings.case_answer_minutes),
    )
    return case


def hear(
    session: Session,
    vault: PhoneVault,
    *,
    call_sid: str,
    step: str,
    recording_url: str,
    line: str,
) -> tuple[DetentionCase | None, str | None, Decisions]:
    """Keep the caller's recorded answer to ``step`` (none: skipped); returns (case, the next
    step or None when the questions are over, decisions). (None, None, empty) for an unknown
    call. ``line``: the legal aid line (``AVISA_LEGAL_AID_LINE``) the caller's text names."""
    case = _of_call(session, call_sid)
    if case is None or step not in STEPS:
        return None, None, Decisions()
    author = f"call:{step}"
    kept = session.exec(
        select(CaseEntry.id).where(
            CaseEntry.case_id == case.id,
            CaseEntry.kind == cases.RECORDING,
            CaseEntry.author == author,
        )
    ).first()
    if recording_url and kept is None:
        session.add(
            CaseEntry(
                case_id=cast(int, case.id),  # a stored case
                kind=cases.RECORDING,
                author=author,
                text_enc=vault.seal(recording_url),
            )
        )
    following = STEPS[STEPS.index(step) + 1 :]
    case.updated_at = now()
    if following:
        case.step = following[0]
        session.add(case)
        return case, following[0], Decisions()
    return case, None, finish(session, vault, case, line=line)


def hung_up(session: Session, vault: PhoneVault, *, call_sid: str, line: str) -> Decisions:
    """The call ended: a case it opened is offered as it stands (once)."""
    case = _of_call(session, call_sid)
    if case is None:
        return Decisions()
    return finish(session, vault, case, line=line)


def finish(session: Session, vault: PhoneVault, case: DetentionCase, *, line: str) -> Decisions:
    """Offer the case and text the caller their rights and the legal aid line (each once)."""
    decisions = Decisions()
    if case.offered_at is not None:
        return decisions
    line = line.strip()
    decisions.text(
        "case_opened_call" if line else "case_opened_call_no_line",
        case.language,
        dedupe_key=cases.key(case, "opened"),
        to_e164=cases.family_address(vault, case),
        case=case.id,
        line=line,
    )
    case.step, case.step_until = "done", None
    session.add(case)
    session.flush()
    return decisions.extend(case_offers.offer(session, case))


def _of_call(session: Session, call_sid: str) -> DetentionCase | None:
    return session.exec(
        select(DetentionCase).where(
            DetentionCase.source_sid == call_sid, DetentionCase.channel == Channel.VOICE
        )
    ).first()
