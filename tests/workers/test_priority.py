"""Raid alerts first: a text's lane (``core.enums.Lane``) decides when it may take a token of the
shared send rate. The first lane reserves; every other lane takes only a token that is free now and
that no sender of a higher lane is waiting for; a backlog of a lower lane never holds an alert back.
"""

import threading
import time

from rq import Queue
from rq.scheduler import RQScheduler
from sqlmodel import select

from core.db import session_scope
from core.geo.gazetteer import nearest_zip
from core.models import Message
from core.settings import get_settings
from tests.conftest import InProcessWorker, sms_form
from tests.servers import wait_for
from workers import escalation
from workers.geocoding import geocoder_for
from workers.queues import ALL_QUEUES, BULK, URGENT, queue
from workers.ratelimit import DEFAULT_KEY, GaveUp, LaneRateLimiter, RateLimiter

RATE = 20.0


def test_a_lower_lane_waits_while_a_higher_lane_waits(redis_client):
    responders = LaneRateLimiter(redis_client, RATE, 1)
    community = LaneRateLimiter(redis_client, RATE, 2)
    bulk = LaneRateLimiter(redis_client, RATE, 3)
    first = RateLimiter(redis_client, RATE)
    for _ in range(10):
        first.reserve()  # the first lane holds the bucket's next half second
    assert responders.reserve(member="r")[0] is False  # it waits, and says so
    assert community.reserve(member="c")[0] is False
    redis_client.delete(DEFAULT_KEY)  # the reservations are served: a full bucket again
    assert community.reserve(member="c")[0] is False  # a responders' text is still waiting
    assert bulk.reserve()[0] is False
    assert responders.reserve(member="r")[0] is True  # served, it no longer waits
    assert bulk.reserve()[0] is False  # the community text waits before it
    assert community.reserve(member="c")[0] is True
    redis_client.delete(DEFAULT_KEY)  # (a bucket's burst is two tokens at this rate)
    assert bulk.reserve()[0] is True  # what the higher lanes leave is the last lane's


def test_a_waiting_sender_gives_way_without_taking_a_token(redis_client):
    bulk = LaneRateLimiter(redis_client, RATE, 3)
    urgent = RateLimiter(redis_client, RATE)
    for _ in range(10):
        urgent.reserve()  # urgent texts hold the shared bucket's next half second
    started = time.monotonic()
    try:
        bulk.acquire(give_up=lambda: time.monotonic() - started > 0.05)
    except GaveUp:
        pass
    else:
        raise AssertionError("bulk took a token while urgent texts were waiting")
    assert redis_client.zcard("avisa:ratelimit:sms:waiting:3") == 0  # no longer holds others back


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
    assert nearest_zip(33.97, -118.22)  # and the ZIP centroids the audience's zones look up
    _import(api, 120)  # 6 s of confirmations at the whole rate
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
