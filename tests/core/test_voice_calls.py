"""core.voice: a call's answers between requests, and the one InboundMessage it becomes."""

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, select

from alembic import command
from avisa.migrations import alembic_config, upgrade
from core import voice
from core.clock import frozen_at, now
from core.db import make_engine, session_scope
from core.models import InboundMessage, Report, VoiceCall
from core.speech import spoken_place
from workers import runtime

CALLER = "+13235550177"


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        ("pacific en florence", "pacific en florence"),  # corner words are the geocoder's job
        ("la gage y la estate", "la gage y la estate"),
        ("nueve cero dos cinco cinco", "90255"),
        ("9 0 2 5 5", "90255"),
        ("Nine oh two five five.", "90255"),
        ("seis cinco cero cero pacific", "6500 pacific"),
        ("dos camionetas en la pacific", "dos camionetas en la pacific"),  # a short run stays words
        ("oh no", "oh no"),
        ("", ""),
    ],
)
def test_spoken_place_joins_digits_read_one_by_one(heard, expected):
    assert spoken_place(heard) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("90255", "90255"),
        ("90255#", "90255"),
        (" 90280 ", "90280"),
        ("9025", None),
        ("902555", None),
        ("", None),
        ("12#", None),
        ("9*255", None),
    ],
)
def test_typed_zip_is_exactly_five_digits(typed, expected):
    assert voice.typed_zip(typed) == expected


def test_report_text_puts_the_place_first_and_a_typed_zip_wins():
    assert (
        voice.report_text(
            VoiceCall(call_sid="CA1", place_text="gage y miles", description="  tres carros ")
        )
        == "gage y miles\ntres carros"
    )
    assert (
        voice.report_text(VoiceCall(call_sid="CA1", digits="90255", description="redada"))
        == "90255\nredada"
    )
    assert voice.report_text(VoiceCall(call_sid="CA1", description="redada")) == "redada"
    assert voice.report_text(VoiceCall(call_sid="CA1")) == ""


def test_failures_count_once_per_prompt_and_the_second_one_records(db):
    with session_scope(db) as session:
        assert voice.set_language(session, "CA1", "en") == voice.Next("place", "en", 0)
        first = voice.hear_place(session, "CA1", speech="  ", digits="", attempt=0)
        assert first == voice.Next("place", "en", 1, again=True)
        assert voice.hear_place(session, "CA1", speech="", digits="", attempt=0) == first  # a retry
        assert voice.hear_place(session, "CA1", speech="", digits="", attempt=1).step == "record"
        assert voice.get_call(session, "CA1").speech_failures == 2


def test_finalise_waits_for_content_then_makes_one_inbound_message(db):
    with session_scope(db) as session:
        voice.open_call(session, "CA2")
        assert voice.finalise(session, runtime.vault(), "CA2", caller=CALLER) == (None, False)
        assert (
            voice.get_call(session, "CA2").finalised_at is None
        )  # a late recording can still finish it
        voice.hear_place(session, "CA2", speech="pacific y florence", digits="", attempt=0)
        voice.hear_description(session, "CA2", speech="tres camionetas", attempt=0)
        row, created = voice.finalise(session, runtime.vault(), "CA2", caller=CALLER)
        assert created and row.channel == "voice" and row.provider_sid == "CA2"
        assert row.body == "pacific y florence\ntres camionetas"
        assert runtime.vault().open(
            row.from_enc
        ) == CALLER and row.from_hash == runtime.vault().index(CALLER)
    with session_scope(db) as session:  # the status callback, later, in another request
        again, created = voice.finalise(session, runtime.vault(), "CA2", caller=CALLER)
        assert not created and again.id == row.id
        voice.hear_description(
            session, "CA2", speech="otra cosa", attempt=0
        )  # after the end: ignored
        assert voice.get_call(session, "CA2").description == "tres camionetas"
    with Session(db) as session:
        assert len(session.exec(select(InboundMessage)).all()) == 1


def test_a_recording_after_the_report_goes_onto_the_report(db):
    with session_scope(db) as session:
        voice.hear_place(session, "CA3", speech="gage y miles", digits="", attempt=0)
        row, _ = voice.finalise(session, runtime.vault(), "CA3", caller=CALLER)
        report = Report(channel="voice", reporter_hash=row.from_hash, text=row.body)
        session.add(report)
        session.flush()
        row.report_id = report.id
        session.add(row)
        voice.keep_recording(session, "CA3", "https://api.twilio.com/Recordings/RE1")
        assert report.recording_url == "https://api.twilio.com/Recordings/RE1"


def test_complete_report_copies_the_recording_and_the_chosen_language(db):
    with session_scope(db) as session:
        voice.set_language(session, "CA4", "en")
        voice.keep_recording(session, "CA4", "https://api.twilio.com/Recordings/RE4")
        row, _ = voice.finalise(session, runtime.vault(), "CA4", caller=CALLER)
        report = Report(channel="voice", reporter_hash=row.from_hash, language="es")
        voice.complete_report(session, row, report)
        assert (report.recording_url, report.language) == (
            "https://api.twilio.com/Recordings/RE4",
            "en",
        )

        earlier = Report(
            channel="sms", reporter_hash=row.from_hash, language="es", recording_url="https://x/RE0"
        )
        voice.complete_report(session, row, earlier)  # a call that added to a texted report
        assert (earlier.recording_url, earlier.language) == ("https://x/RE0", "es")


def test_concurrent_first_requests_make_one_call_row(db, monkeypatch):
    with session_scope(db) as session:
        voice.open_call(session, "CA5")
    monkeypatch.setattr(voice, "get_call", lambda session, sid: None)  # both saw no row yet
    with session_scope(db) as session:
        assert voice.open_call(session, "CA5").call_sid == "CA5"
    with Session(db) as session:
        assert len(session.exec(select(VoiceCall)).all()) == 1


def test_purge_forgets_old_calls(db):
    with session_scope(db) as session:
        with frozen_at(now() - timedelta(days=40)):
            voice.hear_place(session, "CA6", speech="pacific y florence", digits="", attempt=0)
        voice.hear_place(session, "CA7", speech="gage y miles", digits="", attempt=0)
    with session_scope(db) as session:
        assert voice.purge(session, before=now() - timedelta(days=30)) == 1
        assert [c.call_sid for c in session.exec(select(VoiceCall))] == ["CA7"]


def test_migration_matches_the_model(db):
    with db.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert [d for d in diff if "voicecall" in str(d)] == []


def test_migration_downgrades_and_upgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'voice.db'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "0001")
    assert "voicecall" not in _tables(url)
    upgrade(url)
    assert "voicecall" in _tables(url)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
