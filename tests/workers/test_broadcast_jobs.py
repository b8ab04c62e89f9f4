"""A broadcast answers at once and its texts are written by a job: progress in the API, each text
once however often the job runs, and a job lost with its worker is queued again by the sweep."""

from datetime import timedelta

from sqlmodel import select

from core import broadcasts
from core.clock import now
from core.db import session_scope
from core.enums import Lane
from core.models import Broadcast, Message
from tests.api.test_broadcasts import _people
from workers import broadcasts as broadcast_jobs
from workers import maintenance
from workers.queues import MAINTENANCE, broadcast_alive_key, queue


def _texts(db) -> list[Message]:
    with session_scope(db) as session:
        return list(session.exec(select(Message).where(Message.kind == "broadcast")).all())


def test_a_broadcast_is_answered_queued_and_written_by_its_job(api, db, work, monkeypatch):
    monkeypatch.setattr(broadcasts, "WRITE_BATCH", 1)  # one commit per text: batches resume
    north, _, _ = _people(api)
    sent = api.post(
        "/api/v1/broadcasts",
        json={"zone_ids": [north], "roles": ["responder"], "body": {"es": "Hola", "en": "Hi"}},
    )
    assert sent.status_code == 201, sent.text
    answer = sent.json()
    assert answer["status"] == "queued" and answer["recipients"] == 2 and answer["stored"] == 0
    assert answer["segments"] == 2
    assert _texts(db) == []  # nothing written in the request
    work()
    [listed] = api.get("/api/v1/broadcasts").json()["items"]
    assert listed["status"] == "written" and listed["stored"] == 2
    texts = _texts(db)
    assert len(texts) == 2 and {m.lane for m in texts} == {Lane.BULK}
    assert broadcast_jobs.write(answer["id"]) == 2  # again: nothing more
    assert len(_texts(db)) == 2


def test_a_lost_write_job_is_queued_again_by_the_sweep(api, db, redis, work):
    north, _, _ = _people(api)
    with session_scope(db) as session:
        request = broadcasts.BroadcastRequest(
            zone_ids=(north,), roles=("responder",), body={"es": "Hola"}
        )
        broadcast = broadcasts.queue(session, request, actor="t", segments_of=lambda lang, t: 1)
        broadcast.created_at = now() - timedelta(minutes=5)  # its job never ran
        broadcast_id = broadcast.id
    redis.set(broadcast_alive_key(broadcast_id), 1)  # a worker says it is on it
    maintenance.sweep_outbound()
    assert queue(MAINTENANCE, redis).count == 0  # left to it
    redis.delete(broadcast_alive_key(broadcast_id))  # that worker died: its mark expired
    maintenance.sweep_outbound()
    maintenance.sweep_outbound()
    assert queue(MAINTENANCE, redis).count == 1  # queued once
    work()
    with session_scope(db) as session:
        assert session.get(Broadcast, broadcast_id).status == "written"
    assert len(_texts(db)) == 2
