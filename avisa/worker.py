"""``avisa worker``: an RQ worker on all Avisa queues in priority order (``ALL_QUEUES``: urgent,
responders, maintenance, community, bulk; RQ takes the first job of the first non-empty one),
with RQ's scheduler (for delayed jobs) and Avisa's periodic-job ticker.

Its health is RQ's own heartbeat: a live worker keeps its ``rq:worker:<name>`` hash in Redis
(refreshed while idle, extended to the job's timeout while busy), and RQ lets it expire when the
heartbeats stop. Workers are named ``<host>.<pid>`` so ``healthcheck()`` can find this host's.
"""

import os
import socket
import threading

from redis import Redis
from rq import SimpleWorker, Worker

from avisa.logs import configure
from core.settings import get_settings
from workers import geocoding, scheduler
from workers.queues import ALL_QUEUES, WORKER_TTL, get_redis, queue, worker_redis


def _name_prefix() -> str:
    return f"{socket.gethostname()}."


def make_worker(connection: Redis) -> SimpleWorker:
    # SimpleWorker runs jobs in this process: no fork per job (milliseconds matter for an alert),
    # and the database pool is never shared across a fork. Scale with more worker processes.
    return SimpleWorker(
        [queue(name, connection) for name in ALL_QUEUES],
        connection=connection,
        name=f"{_name_prefix()}{os.getpid()}",
        worker_ttl=WORKER_TTL,
    )


def run(*, burst: bool = False) -> int:
    configure()
    geocoding.preload(get_settings())
    redis = get_redis()  # jobs and the ticker: short read timeouts
    stop = threading.Event()
    ticker = threading.Thread(
        target=scheduler.run, args=(redis, stop), name="avisa-ticker", daemon=True
    )
    if not burst:
        ticker.start()
        # Load the gazetteer now, not in the first raid's jobs (seconds on a busy machine).
        threading.Thread(target=_warm_up, name="avisa-warm-up", daemon=True).start()
    worker = make_worker(worker_redis(get_settings().redis_url))
    try:
        worker.work(with_scheduler=True, burst=burst, logging_level="WARNING")
    finally:
        stop.set()
    return 0


def _warm_up() -> None:
    from core.geo.gazetteer import load_gazetteer  # noqa: PLC0415 — only for a long-lived worker
    from workers.geocoding import gazetteer_for  # noqa: PLC0415

    gazetteer_for(get_settings())
    load_gazetteer()  # the shipped one, whose ZIP centroids the zones are matched against


def healthcheck() -> int:
    """0 when a worker of this host holds a live RQ heartbeat in Redis, else 1 (a container's
    health check: ``python -c "import avisa.worker as w; raise SystemExit(w.healthcheck())"``)."""
    try:
        workers = Worker.all(connection=get_redis())
    except Exception as exc:  # noqa: BLE001 — any failure to ask Redis is "unhealthy", said once
        print(f"unhealthy: {type(exc).__name__}: {exc}")
        return 1
    mine = [w.name for w in workers if w.name.startswith(_name_prefix())]
    print(f"healthy: {', '.join(mine)}" if mine else "unhealthy: no live RQ worker on this host")
    return 0 if mine else 1
