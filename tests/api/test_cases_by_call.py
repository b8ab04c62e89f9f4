"""A family reports a detention by phone: key 3 or 4 at the greeting, five recorded answers
(silence skips one), the case offered to legal aid, the caller texted their rights and the line.
Played as Twilio plays a call (tests.api.test_voice.Call)."""

from sqlmodel import col, select

from core.db import session_scope
from core.models import CaseEntry, DetentionCase, InboundMessage, Message, Report
from core.phones import vault_for
from tests.api import test_cases_by_text as by_text
from tests.api.test_voice import RECORDING, Call, spoken

CALLER = "+13235550177"
LEGAL_A, LEGAL_B, texts_to = by_text.LEGAL_A, by_text.LEGAL_B, by_text.texts_to
network, line = by_text.network, by_text.line  # the same fixtures


def test_a_family_reports_a_detention_by_call_with_recorded_answers(
    api,
    twilio_post,
    work,
    db,
    settings,
    network,
    line,
):
    call = Call(twilio_post, CALLER)
    greeting = call.dial()
    assert "oprima 3" in spoken(greeting) and "press 4" in spoken(greeting)
    first = call.press("3")
    assert "cinco preguntas" in spoken(first) and first.find("Record") is not None
    call.leave_recording(RECORDING)  # the name
    call.record_nothing()  # birth date: skipped
    call.leave_recording(RECORDING.replace("RE2", "RE3"))  # where
    call.record_nothing()  # when: skipped
    goodbye = call.leave_recording(RECORDING.replace("RE2", "RE4"))  # the family's number
    assert "Apoyo legal tiene su caso" in spoken(goodbye) and goodbye.find("Hangup") is not None
    call.retry()  # Twilio asking again changes nothing
    call.hang_up()
    work()

    with session_scope(db) as session:
        case = session.exec(select(DetentionCase)).one()
        entries = session.exec(select(CaseEntry).where(CaseEntry.case_id == case.id)).all()
        assert session.exec(select(Report)).all() == []  # not a raid report
        assert session.exec(select(InboundMessage)).all() == []
        assert case.channel == "voice" and case.language == "es" and case.offered_at is not None
    assert sorted(e.author for e in entries) == ["call:contact", "call:name", "call:place"]
    assert all("Recordings" not in (e.text_enc or "") for e in entries)  # sealed
    rights = texts_to(db, settings, CALLER)
    assert len(rights) == 1 and "(213) 555-0199" in rights[0] and "llamada" in rights[0]
    assert f"TOMO {case.id}" in texts_to(db, settings, LEGAL_A)[-1]

    detail = api.get(f"/api/v1/cases/{case.id}").json()  # an admin key hears of recordings
    assert [e["kind"] for e in detail["entries"]] == ["recording"] * 3
    assert all(e["text"] == "" for e in detail["entries"])  # the provider's URL is never shown


def test_a_caller_who_hangs_up_mid_way_still_reaches_legal_aid(
    api,
    twilio_post,
    work,
    db,
    settings,
    network,
):
    call = Call(twilio_post, CALLER)
    call.dial()
    assert "five questions" in spoken(call.press("4"))
    call.leave_recording(RECORDING)
    call.hang_up()
    call.hang_up()  # a second callback: one offer, one text
    work()
    with session_scope(db) as session:
        case = session.exec(select(DetentionCase)).one()
        offers = session.exec(
            select(Message).where(col(Message.dedupe_key).startswith(f"case:{case.id}:offer:"))
        ).all()
    assert case.language == "en" and len(offers) == 2
    [text] = texts_to(db, settings, CALLER)
    assert "we got your call" in text
    index = vault_for(settings.secret_key).index(CALLER)
    assert case.family_hash == index
    assert f"TAKE {case.id}" in texts_to(db, settings, LEGAL_B)[-1]
