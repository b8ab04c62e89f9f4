"""Purge: opted-out subscribers after the grace period, recordings at the provider, and (SQLite)
no erased word left in the database file or its write-ahead log."""

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

from core import privacy
from core.clock import now
from core.db import session_scope
from core.enums import SubscriberStatus
from core.models import InboundMessage, Message, Report, Subscriber, SubscriberZone, Zone
from core.phones import vault_for
from core.subscribers import SubscriberInput, create
from messaging.provider import TransientSendError
from workers import maintenance

# Both databases: the purge has a branch per dialect (secure_delete, the WAL checkpoint).
pytestmark = pytest.mark.dialects

OLD = timedelta(days=40)
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC{acct}/Recordings/RE{sid}"


def _report(session, text: str, recording_url: str | None = None) -> Report:
    report = Report(reporter_hash="h" * 64, text=text, recording_url=recording_url)
    session.add(report)
    session.add(InboundMessage(provider_sid="SM" + text[:8], from_hash="h" * 64, body=text))
    session.flush()
    return report


def _age_everything(db) -> None:
    past = now() - OLD
    with session_scope(db) as session:
        session.exec(update(Report).values(updated_at=past))
        session.exec(update(InboundMessage).values(received_at=past))
        session.exec(update(Subscriber).values(updated_at=past))
        session.exec(update(Message).values(created_at=past))


def test_opted_out_subscribers_are_forgotten_after_the_grace_period(db, settings):
    vault = vault_for(settings.secret_key)
    with session_scope(db) as session:
        zone = Zone(name="North", zips=["90255"])
        session.add(zone)
        session.flush()
        gone, _ = create(
            session, vault, SubscriberInput("+13235550101", "Ana", zone_ids=(zone.id,)), actor="t"
        )
        kept, _ = create(
            session, vault, SubscriberInput("+13235550102", "Bea", zone_ids=(zone.id,)), actor="t"
        )
        session.add(
            Message(
                dedupe_key="x:1",
                kind="alert",
                subscriber_id=gone.id,
                to_enc=gone.phone_enc,
                to_hash=gone.phone_hash,
                body="AVISA #1 at Pacific",
            )
        )
        gone.status = SubscriberStatus.OPTED_OUT
    _age_everything(db)
    counts = maintenance.purge()
    assert counts["opted_out"] == 1
    with session_scope(db) as session:
        ana = session.get(Subscriber, gone.id)
        assert (ana.name, ana.phone_enc, ana.flag) == ("", "", "purged")
        assert "3235550101" not in ana.phone_hash and ana.phone_hash != gone.phone_hash
        assert (
            session.exec(select(SubscriberZone).where(SubscriberZone.subscriber_id == ana.id)).all()
            == []
        )
        text = session.exec(select(Message).where(Message.subscriber_id == ana.id)).one()
        assert (text.body, text.to_enc, text.to_hash) == ("", None, "purged")
        assert session.get(Subscriber, kept.id).name == "Bea"  # still subscribed: kept
    assert maintenance.purge()["opted_out"] == 0  # once


def test_recent_opt_outs_wait_for_the_grace_period(db, settings):
    vault = vault_for(settings.secret_key)
    with session_scope(db) as session:
        ana, _ = create(session, vault, SubscriberInput("+13235550101", "Ana"), actor="t")
        ana.status = SubscriberStatus.OPTED_OUT
    assert maintenance.purge()["opted_out"] == 0


def test_recordings_are_deleted_at_twilio_then_locally(db, twilio_backend):
    twilio_fake = twilio_backend
    sid = "RE" + "ab" * 16
    with session_scope(db) as session:
        report = _report(session, "el audio", RECORDING.format(acct="f" * 32, sid="ab" * 16))
    _age_everything(db)
    counts = maintenance.purge()
    assert twilio_fake.deleted_recordings == [sid]
    assert counts["recordings"] == 1 and counts["recordings_kept"] == 0
    with session_scope(db) as session:
        assert session.get(Report, report.id).recording_url is None


def test_a_recording_twilio_could_not_delete_is_kept_for_the_next_purge(db, settings, monkeypatch):
    url = RECORDING.format(acct="f" * 32, sid="cd" * 16)

    class Down:
        def delete_recording(self, recording_sid):
            raise TransientSendError("503", code="503")

    monkeypatch.setattr(maintenance, "get_provider", lambda settings: Down())
    with session_scope(db) as session:
        report = _report(session, "otra", url)
    _age_everything(db)
    assert maintenance.purge()["recordings_kept"] == 1
    with session_scope(db) as session:
        purged = session.get(Report, report.id)
        assert (purged.text, purged.recording_url) == ("", url)
        assert privacy.recordings_due(session, retention_days=30) == [url]


def test_recording_sid_is_read_from_the_url():
    assert privacy.recording_sid(RECORDING.format(acct="1" * 32, sid="ef" * 16) + ".mp3") == (
        "RE" + "ef" * 16
    )
    assert privacy.recording_sid("https://example.org/a.mp3") is None


def test_erased_words_leave_the_sqlite_file_and_its_log(db, settings):
    if db.dialect.name != "sqlite":
        pytest.skip("the write-ahead log is SQLite's")
    secret = "Zanzibar-" + "q" * 24
    with session_scope(db) as session:
        _report(session, f"ICE at {secret}")
    _age_everything(db)
    path = Path(db.url.database)
    maintenance.purge()
    for file in (path, path.with_name(path.name + "-wal")):
        # Read from another process: closing any descriptor of the file in this one would drop
        # SQLite's POSIX locks on it, and the test database with them.
        found = subprocess.run(["grep", "-c", "-a", secret, str(file)], capture_output=True)
        assert found.stdout.strip() in (b"0", b""), file
