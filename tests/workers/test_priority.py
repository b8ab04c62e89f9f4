"""Raid alerts first. Urgent texts take the whole send rate and go first; bulk texts
(confirmations, broadcasts) never exceed their share, and a bulk backlog never holds an alert back.
"""

import threading
import time

from rq import Queue
from rq.scheduler import RQScheduler
from sqlmodel import select

from core.db import session_scope
from core.models import Message
from core.settings import get_settings
from tests.conftest import InProcessWorker, sms_form
from tests.servers import wait_for
from workers import escalation
from workers.geocoding import geocoder_for
from workers.queues import ALL_QUEUES, BULK, URGENT, queue
from workers.ratelimit import BulkGaveUp, BulkRateLimiter, RateLimiter

RATE = 20.0


def _grants(limiter, until: float, out: list[float], **kwargs) -> None:
    while time.monotonic() < until:
        limiter.acquire(**kwargs)
        out.append(time.monotonic())


def test_bulk_stays_within_its_share_and_pauses_while_urgent_texts_wait(redis_client):
    urgent = RateLimiter(redis_client, RATE)
    bulk = BulkRateLimiter(redis_client, RATE, 0.5)
    start = time.monotonic()
    bulk_at, urgent_at = [], []
    threads = [
        threading.Thread(target=_grants, args=(bulk, start + 2.0, bulk_at)),
        threading.Thread(target=_grants, args=(bulk, start + 2.0, bulk_at)),  # two bulk senders
        threading.Thread(target=_grants, args=(urgent, start + 1.0, urgent_at)),  # urgent, 1st s
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    during_urgent = [t for t in bulk_at if t < start + 1.0]
    after_urgent = [t for t in bulk_at if t >= start + 1.1]
    # Upper bounds with a token of slack for the buckets' bursts; a slow machine only lowers them.
    assert len(bulk_at) <= 0.5 * RATE * 2.0 + 2
    assert len(during_urgent) + len(urgent_at) <= RATE * 1.0 + 2  # never above the whole rate
    assert len(urgent_at) >= 0.8 * RATE  # urgent got (nearly) the whole rate…
    assert len(during_urgent) <= 2  # …while bulk waited
    assert after_urgent  # and bulk went on once urgent was done


def test_a_waiting_bulk_send_gives_way_without_taking_a_token(redis_client):
    bulk = BulkRateLimiter(redis_client, RATE, 0.5)
    urgent = RateLimiter(redis_client, RATE)
    for _ in range(10):
        urgent.reserve()  # urgent texts hold the shared bucket's next half second
    started = time.monotonic()
    try:
        bulk.acquire(give_up=lambda: time.monotonic() - started > 0.05)
    except BulkGaveUp:
        pass
    else:
        raise AssertionError("bulk took a token while urgent texts were waiting")


def _zone_and_responder(api) -> int:
    zone = api.post(
        "/api/v1/zones",
        json={"name": "HP", "center": {"lat": 33.9745, "lon": -118.2253}, "radius_m": 500},
    ).json()["id"]
    body = {"phone": "+13235558001", "name": "Ana", "zone_ids": [zone], "confirmed": True}
    assert api.post("/api/v1/subscribers", json=body).status_code in (200, 201)
    return zone


def _import(api, n: int) -> None:
    rows = ["phone,name,language,roles,zones"] + [
        f"+1626555{i:04d},Vol {i},es,responder,HP" for i in range(n)
    ]
    answer = api.post(
        "/api/v1/subscribers/import", content="\n".join(rows), headers={"content-type": "text/csv"}
    )
    assert answer.json()["created"] == n


def _sent(engine, kind: str) -> list:
    with session_scope(engine) as session:
        return sorted(
            session.exec(
                select(Message.sent_at).where(
                    Message.kind == kind,
                    Message.sent_at.is_not(None),  # type: ignore[union-attr]
                )
            )
        )


def test_an_alert_goes_out_before_a_confirmation_backlog_drains(
    api, twilio_post, redis, db, monkeypatch
):
    monkeypatch.setenv("AVISA_SEND_RATE", str(RATE))
    get_settings.cache_clear()
    _zone_and_responder(api)
    with session_scope(db) as session:  # load the gazetteer, as a running worker has
        assert geocoder_for(session, get_settings()).geocode("Pacific y Florence")
    _import(api, 120)  # 6 s of confirmations at the bulk share (10/s)
    assert queue(BULK, redis).count == 120 // 50 + 1
    outcome = {}

    def report_then_stop() -> None:
        try:
            # The worker is inside a bulk job, a few confirmations out (a rate's worth of them).
            wait_for(lambda: len(_sent(db, "opt_in")) >= 3, timeout=30)
            posted = twilio_post(
                "/twilio/sms", sms_form("+13105550001", "migra en Pacific y Florence")
            )
            outcome["status"] = posted.status_code
            wait_for(lambda: _sent(db, "alert"), timeout=30)
            outcome["opt_ins_sent"] = len(_sent(db, "opt_in"))
        finally:
            queue(BULK, redis).empty()  # the rest of the backlog is not this test's business

    side = threading.Thread(target=report_then_stop)
    side.start()
    worker = InProcessWorker([queue(name, redis) for name in ALL_QUEUES], connection=redis)
    worker.work(burst=True, logging_level="WARNING")
    side.join()

    assert outcome["status"] == 200
    alert_sent = _sent(db, "alert")
    assert alert_sent, "no alert handed to the provider"
    # How soon after the report: bench/priority.py (report to alert behind a backlog).
    assert outcome["opt_ins_sent"] < 120  # handed over before the backlog drained
    opt_ins = _sent(db, "opt_in")
    assert len(opt_ins) >= 2
    span = (opt_ins[-1] - opt_ins[0]).total_seconds()
    assert len(opt_ins) - 1 <= 0.5 * RATE * span + 2  # bulk within its share throughout
    with session_scope(db) as session:
        pending = session.exec(select(Message).where(Message.status == "pending")).all()
    assert all(m.kind == "opt_in" and m.attempts == 0 for m in pending)  # handed back untouched


def test_a_due_escalation_timer_is_taken_before_a_bulk_backlog(db, redis, monkeypatch):
    monkeypatch.setenv("AVISA_ACK_MINUTES", "0.0005")  # due in 30 ms
    get_settings.cache_clear()
    for _ in range(3):
        queue(BULK, redis).enqueue("workers.dispatch.send_bulk", [1, 2, 3])
    escalation.schedule(42)
    registry = queue(URGENT, redis).scheduled_job_registry
    assert "escalate-42" in registry.get_job_ids()
    wait_for(lambda: "escalate-42" in registry.get_jobs_to_schedule())  # due, by RQ's clock
    # What the worker's RQ scheduler does each second: move due jobs onto their queue.
    scheduler = RQScheduler([queue(n, redis) for n in ALL_QUEUES], connection=redis)
    scheduler.acquire_locks()
    scheduler.enqueue_scheduled_jobs()
    scheduler.release_locks()
    job, _ = Queue.dequeue_any([queue(n, redis) for n in ALL_QUEUES], None, connection=redis)
    assert job.id == "escalate-42"
