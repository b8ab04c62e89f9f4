"""A big import never blocks the hotline. It is written in batches, each committed on
its own, and a webhook stores its report first, retrying while the database is busy (503 with
Retry-After if it stays busy — never a 500, never a lost report)."""

import threading

import pytest
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from core import db as core_db
from core import inbound
from core.db import session_scope
from core.models import InboundMessage, Subscriber
from tests.conftest import sms_form
from tests.servers import wait_for
from workers.queues import URGENT, queue

ROWS = 5_000  # ten batches: ten commits for the webhooks to slip between


def test_webhooks_answer_and_store_while_a_big_import_runs(api, twilio_post, db):
    if db.dialect.name != "sqlite":
        # PostgreSQL locks rows, not the database: an import never blocks an unrelated insert.
        pytest.skip("SQLite's one write lock is what this test is about")
    api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]})
    rows = ["phone,name,language,roles,zones"] + [
        f"+1213{5550000 + i:07d},Vol {i},es,responder,HP" for i in range(ROWS)
    ]
    imported = {}

    def run_import() -> None:
        answer = api.post(
            "/api/v1/subscribers/import",
            content="\n".join(rows),
            headers={"content-type": "text/csv"},
        )
        imported.update(answer.json())

    importer = threading.Thread(target=run_import)
    importer.start()
    wait_for(lambda: _subscribers(db) > 0, timeout=60)  # the first batch is in: under way
    answers = []
    while importer.is_alive() or len(answers) < 5:
        form = sms_form(
            f"+1310555{len(answers):04d}", f"migra en Pacific y Florence {len(answers)}"
        )
        during = importer.is_alive()
        status = twilio_post("/twilio/sms", form).status_code
        answers.append((status, during, form["MessageSid"]))
        importer.join(0.1)  # a webhook every tenth of a second until the import is done
    importer.join()

    assert imported["created"] == ROWS and not imported["errors"]
    # A 200 is a report stored within the webhook's own bounded lock wait (a 503 past it); how
    # long the stores take beside an import: bench/subscriber_import.py.
    assert {status for status, _, _ in answers} == {200}
    assert any(during for _, during, _ in answers)
    with session_scope(db) as session:
        stored = set(session.exec(select(InboundMessage.provider_sid)))
    assert {sid for _, _, sid in answers} <= stored
    assert _subscribers(db) == ROWS


def _subscribers(engine) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(Subscriber)).one()


def _inbound_insert_fails(monkeypatch, message: str, times: int | None = None) -> list:
    """Make the webhook's INSERT of an InboundMessage raise ``message`` (``times`` times)."""
    real, calls = Connection.execute, []

    def execute(self, statement, *args, **kwargs):
        if getattr(getattr(statement, "table", None), "name", None) == InboundMessage.__tablename__:
            calls.append(1)
            if times is None or len(calls) <= times:
                raise OperationalError("INSERT", {}, Exception(message))
        return real(self, statement, *args, **kwargs)

    monkeypatch.setattr(Connection, "execute", execute)
    return calls


def test_a_database_that_stays_locked_answers_503_with_retry_after(twilio_post, db, monkeypatch):
    _inbound_insert_fails(monkeypatch, "database is locked")
    monkeypatch.setattr(inbound, "BACKOFF_S", (0.01, 0.01))
    answer = twilio_post("/twilio/sms", sms_form("+13105550001", "migra en Pacific y Florence"))
    assert answer.status_code == 503
    assert answer.headers["Retry-After"]


def test_a_lock_that_clears_is_retried_and_the_report_stored(twilio_post, db, monkeypatch):
    calls = _inbound_insert_fails(monkeypatch, "database is locked", times=1)
    form = sms_form("+13105550001", "migra en Pacific y Florence")
    assert twilio_post("/twilio/sms", form).status_code == 200
    assert len(calls) == 2
    with session_scope(db) as session:
        assert session.exec(
            select(InboundMessage).where(InboundMessage.provider_sid == form["MessageSid"])
        ).one()


def test_other_database_errors_are_not_retried(twilio_post, db, monkeypatch):
    calls = _inbound_insert_fails(monkeypatch, "no such table: inboundmessage")
    with pytest.raises(OperationalError):
        twilio_post("/twilio/sms", sms_form("+13105550001", "migra en Pacific y Florence"))
    assert len(calls) == 1


@pytest.mark.dialects  # INSERT … ON CONFLICT DO NOTHING RETURNING
def test_a_repeated_sid_is_one_row_and_one_job(twilio_post, db, redis):
    form = sms_form("+13105550001", "migra en Pacific y Florence")
    assert twilio_post("/twilio/sms", form).status_code == 200
    assert twilio_post("/twilio/sms", form).status_code == 200
    with session_scope(db) as session:
        rows = session.exec(select(InboundMessage)).all()
    assert len(rows) == 1 and rows[0].enqueued_at is not None
    assert queue(URGENT, redis).count == 1


@pytest.mark.postgres
def test_a_connection_cut_while_idle_is_replaced_not_answered_500(twilio_post, db, monkeypatch):
    if db.dialect.name != "postgresql":
        pytest.skip("a server-side cut of a pooled connection is PostgreSQL's case")
    assert twilio_post("/twilio/sms", sms_form("+13105550001", "uno")).status_code == 200
    with db.connect() as killer:  # the server drops every other connection, as a restart does
        killer.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    monkeypatch.setattr(core_db, "IDLE_PING_S", 0.0)  # every pooled connection now counts as idle
    form = sms_form("+13105550002", "dos")
    assert twilio_post("/twilio/sms", form).status_code == 200
    with session_scope(db) as session:
        assert session.exec(
            select(InboundMessage).where(InboundMessage.provider_sid == form["MessageSid"])
        ).one()
    db.dispose()  # the other cut connections, returned moments ago, must not reach the next test


@pytest.mark.postgres
def test_an_idle_connection_still_alive_is_pinged_and_kept(twilio_post, db, monkeypatch):
    assert twilio_post("/twilio/sms", sms_form("+13105550001", "uno")).status_code == 200
    opened = db.pool.checkedin()
    monkeypatch.setattr(core_db, "IDLE_PING_S", 0.0)  # every pooled connection now counts as idle
    form = sms_form("+13105550002", "dos")
    assert twilio_post("/twilio/sms", form).status_code == 200
    assert db.pool.checkedin() == opened  # the ping answered: no connection was replaced
    with session_scope(db) as session:
        assert session.exec(
            select(InboundMessage).where(InboundMessage.provider_sid == form["MessageSid"])
        ).one()
