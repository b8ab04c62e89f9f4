"""An import sent with ``Prefer: respond-async`` answers at once and runs in a job: progress in the
API, the sealed file erased once read, and a job lost with its worker queued again by the sweep."""

from datetime import timedelta

from sqlmodel import select

from core.clock import now
from core.db import session_scope
from core.models import Subscriber, SubscriberImport
from workers import maintenance
from workers.queues import MAINTENANCE, import_alive_key, queue

ASYNC = {"content-type": "text/csv", "prefer": "respond-async"}


def _csv(n: int, zone: str = "North") -> str:
    rows = [f"+1626555{i:04d},Vol {i},es,responder,{zone}" for i in range(n)]
    return "\n".join(["phone,name,language,roles,zones", *rows, "+1,Bad,es,responder,North"])


def test_an_import_answers_queued_and_its_job_runs_it(api, db, work):
    api.post("/api/v1/zones", json={"name": "North", "zips": ["90255"]}).raise_for_status()
    answer = api.post("/api/v1/subscribers/import", content=_csv(30), headers=ASYNC)
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["status"] == "queued" and job["rows"] == 31 and job["processed"] == 0
    with session_scope(db) as session:
        assert len(session.exec(select(Subscriber.id)).all()) == 0  # nothing read in the request
    work()
    done = api.get(f"/api/v1/subscribers/imports/{job['id']}").json()
    assert done["status"] == "done" and done["created"] == 30 and done["processed"] == 31
    assert [e["row"] for e in done["errors"]] == [32]
    with session_scope(db) as session:
        assert session.get(SubscriberImport, job["id"]).csv_enc is None  # numbers not kept
        assert len(session.exec(select(Subscriber.id)).all()) == 30
    assert api.get("/api/v1/subscribers/imports/999").status_code == 404


def test_a_bad_header_is_refused_at_once(api, db):
    answer = api.post("/api/v1/subscribers/import", content="name,zones\nA,B", headers=ASYNC)
    assert answer.status_code == 400


def test_a_lost_import_job_is_queued_again_and_finishes(api, db, redis, work):
    api.post("/api/v1/zones", json={"name": "North", "zips": ["90255"]}).raise_for_status()
    job_id = api.post("/api/v1/subscribers/import", content=_csv(5), headers=ASYNC).json()["id"]
    queue(MAINTENANCE, redis).empty()  # the job was lost with Redis or its worker
    with session_scope(db) as session:
        session.get(SubscriberImport, job_id).created_at = now() - timedelta(minutes=5)
    redis.set(import_alive_key(job_id), 1)  # a live worker says it runs it
    maintenance.sweep_outbound()
    assert queue(MAINTENANCE, redis).count == 0
    redis.delete(import_alive_key(job_id))  # it died: its mark expired
    maintenance.sweep_outbound()
    maintenance.sweep_outbound()
    assert queue(MAINTENANCE, redis).count == 1
    work()
    assert api.get(f"/api/v1/subscribers/imports/{job_id}").json()["created"] == 5


def test_a_purge_can_be_left_to_a_worker(db, redis, capsys):
    from avisa.cli import main

    assert main(["purge", "--queue"]) == 0
    assert '"queued": "purge-now"' in capsys.readouterr().out
    assert queue(MAINTENANCE, redis).get_job_ids() == ["purge-now"]
