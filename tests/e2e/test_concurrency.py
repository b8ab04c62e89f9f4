"""Simultaneous reports of one raid, handled by several real worker processes at once, make exactly
one incident and one alert per responder."""

import signal
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from rq import Worker
from sqlmodel import Session, col, func, select

from core.models import InboundMessage
from tests.conftest import avisa_env, sms_form
from tests.servers import wait_for

# Both databases: several worker processes race on one database: its locking is the subject.
pytestmark = pytest.mark.dialects

PHRASES = [
    "la migra esta en la Pacific y Florence",
    "ICE at Pacific and Florence",
    "pacific/florence HP!!!",
    "migra en Florence y Pacific",
    "agentes en la esquina de Pacific con Florence",
    "ICE on Florence near Pacific Blvd",
]


def _workers(settings, count: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "avisa", "worker"],
            env=avisa_env(settings),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(count)
    ]


def test_one_raid_many_reports_three_workers(api, twilio_post, settings, redis, db):
    zone = api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]}).json()["id"]
    responders = [
        api.post(
            "/api/v1/subscribers",
            json={
                "phone": f"+1323555{7000 + i:04d}",
                "name": f"R{i}",
                "zone_ids": [zone],
                "confirmed": True,
            },
        ).json()["id"]
        for i in range(5)
    ]
    workers = _workers(settings, 3)
    try:
        # Workers first, all listening; then the burst of reports, posted concurrently.
        wait_for(lambda: Worker.count(connection=redis) == 3, timeout=60)
        with ThreadPoolExecutor(8) as pool:
            posted = pool.map(
                lambda i: twilio_post(
                    "/twilio/sms", sms_form(f"+1310555{1000 + i:04d}", PHRASES[i % len(PHRASES)])
                ),
                range(24),
            )
            assert {r.status_code for r in posted} == {200}
        unprocessed = select(func.count()).where(col(InboundMessage.processed_at).is_(None))
        wait_for(lambda: _count(db, unprocessed) == 0, timeout=120)
        wait_for(lambda: all(q.count == 0 for q in _queues(redis)), timeout=60)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
            worker.stderr.close()

    incidents = api.get("/api/v1/incidents").json()["items"]
    assert len(incidents) == 1, incidents
    assert (
        incidents[0]["report_count"] == 24 and incidents[0]["status"] == "confirmed"
    )  # 3+ distinct reporters
    messages = api.get("/api/v1/messages", params={"limit": 500}).json()["items"]
    per_subscriber = Counter(
        (m["subscriber_id"], m["kind"]) for m in messages if m["subscriber_id"]
    )
    # Each responder hears of the raid, and of each status change, once. With several workers the
    # "confirmed" update can be fanned out before the "new" alert; the new alert then skips whoever
    # the update already reached (one text per incident per 10 minutes, status changes excepted).
    for responder in responders:
        assert per_subscriber[(responder, "update")] == 1
        assert per_subscriber[(responder, "alert")] <= 1
    assert set(per_subscriber) <= {(r, kind) for r in responders for kind in ("alert", "update")}


def _queues(redis):
    from workers.queues import ALL_QUEUES, queue

    return [queue(name, redis) for name in ALL_QUEUES]


def _count(engine, query) -> int:
    with Session(engine) as session:
        return session.exec(query).one()
