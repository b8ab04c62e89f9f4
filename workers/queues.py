"""Redis connection and the RQ queues. Jobs take ids only and open their own session."""

from functools import lru_cache

from redis import Redis
from rq import Queue, Retry

from core.settings import get_settings

INTAKE = "intake"
DISPATCH = "dispatch"
MAINTENANCE = "maintenance"
ALL_QUEUES = (INTAKE, DISPATCH, MAINTENANCE)
# RQ delivers at least once and a job may fail on a passing fault (database locked, provider
# 5xx): retry a few times, soon; every job is idempotent so a re-run does no harm.
RETRY = Retry(max=5, interval=[1, 2, 5, 10, 30])


class RedisNotConfigured(RuntimeError):
    pass


# An RQ worker blocks on its dequeue for ``worker_ttl - 15`` s (RQ's ``dequeue_timeout``) and wants
# a read timeout 10 s longer than that; redis-py's default (5 s) cuts every idle wait short, which
# RQ logs as an ERROR ("could not connect to Redis instance") every few seconds. RQ only raises the
# timeout for connections it opens after the worker starts, so the worker gets its own client.
WORKER_TTL = 420  # rq.defaults.DEFAULT_WORKER_TTL, spelled out: the read timeout below follows it
WORKER_READ_TIMEOUT_S = WORKER_TTL + 30


@lru_cache(maxsize=4)
def redis_for(url: str) -> Redis:
    """The client for the API and for jobs: a stuck server fails a call within seconds."""
    return Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_timeout=5,
        socket_keepalive=True,
        health_check_interval=30,
    )


def worker_redis(url: str) -> Redis:
    """A client for one RQ worker's own loop (dequeue, heartbeats): reads outlast its dequeue."""
    return Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_timeout=WORKER_READ_TIMEOUT_S,
        socket_keepalive=True,
        health_check_interval=30,
    )


def get_redis() -> Redis:
    url = get_settings().redis_url
    if not url:
        raise RedisNotConfigured(
            "AVISA_REDIS_URL is not set (avisa dev starts an embedded Redis and sets it)"
        )
    return redis_for(url)


def queue(name: str, connection: Redis | None = None) -> Queue:
    return Queue(name, connection=connection or get_redis())


def enqueue_intake(inbound_id: int) -> None:
    queue(INTAKE).enqueue(
        "workers.intake.process_inbound", inbound_id, retry=RETRY, job_id=f"intake-{inbound_id}"
    )


def fanout_timeout(texts: int) -> int:
    """Seconds a fan-out job may run: RQ's default 180 s would kill a big alert mid-way at the
    send rate."""
    return max(180, int(2 * texts / get_settings().send_rate) + 60)


# A fan-out is sent in chunks of this many texts, each its own job: any worker can take a chunk,
# and no job runs longer than its timeout allows.
CHUNK = 500


def enqueue_dispatch(alert_id: int) -> None:
    queue(DISPATCH).enqueue(
        "workers.dispatch.dispatch_alert",
        alert_id,
        retry=RETRY,
        job_id=f"alert-{alert_id}",
        job_timeout=fanout_timeout(CHUNK),
    )


def enqueue_send(message_ids: list[int]) -> None:
    for start in range(0, len(message_ids), CHUNK):
        chunk = message_ids[start : start + CHUNK]
        queue(DISPATCH).enqueue(
            "workers.dispatch.send_pending",
            chunk,
            retry=RETRY,
            job_timeout=fanout_timeout(len(chunk)),
        )
