"""Runs the periodic jobs. Any number of schedulers may run (one per worker host): a Redis key per
job and period lets exactly one of them enqueue each tick."""

import logging
import threading
import time

from redis import Redis

from workers.queues import MAINTENANCE, queue

log = logging.getLogger(__name__)

PERIODIC = {  # job → seconds between runs
    "workers.maintenance.sweep_inbound": 10,
    "workers.maintenance.sweep_outbound": 10,
    "workers.escalation.sweep": 30,
    "workers.cases.sweep": 30,
    "workers.calls.sweep": 10,
    "workers.maintenance.expire_incidents": 60,
    "workers.maintenance.release_signups": 60,
    "workers.maintenance.purge": 3600,
}


def tick(redis: Redis, at: float | None = None) -> list[str]:
    """Enqueue each periodic job whose period has begun and no scheduler has claimed yet."""
    at = time.time() if at is None else at
    enqueued = []
    for job, every in PERIODIC.items():
        period = int(at // every)
        if redis.set(f"avisa:tick:{job}:{period}", 1, nx=True, ex=every * 2):
            queue(MAINTENANCE, redis).enqueue(job, job_timeout=600)
            enqueued.append(job)
    return enqueued


def run(redis: Redis, stop: threading.Event, interval_s: float = 1.0) -> None:
    while not stop.is_set():
        try:
            tick(redis)
        except Exception:  # noqa: BLE001 — a Redis blip must not end the scheduler; it ticks again
            log.exception("scheduler tick failed")
        stop.wait(interval_s)
