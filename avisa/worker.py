"""``avisa worker``: an RQ worker on all Avisa queues, with RQ's scheduler (for delayed jobs) and
Avisa's periodic-job ticker."""

import threading

from rq import SimpleWorker

from avisa.logs import configure
from workers import scheduler
from workers.queues import ALL_QUEUES, get_redis, queue


def run(*, burst: bool = False) -> int:
    configure()
    redis = get_redis()
    stop = threading.Event()
    ticker = threading.Thread(
        target=scheduler.run, args=(redis, stop), name="avisa-ticker", daemon=True
    )
    if not burst:
        ticker.start()
    # SimpleWorker runs jobs in this process: no fork per job (milliseconds matter for an alert),
    # and the database pool is never shared across a fork. Scale with more worker processes.
    worker = SimpleWorker([queue(name, redis) for name in ALL_QUEUES], connection=redis)
    try:
        worker.work(with_scheduler=True, burst=burst, logging_level="WARNING")
    finally:
        stop.set()
    return 0
