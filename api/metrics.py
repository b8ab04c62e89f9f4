"""``GET /metrics`` in Prometheus' text format: queue depths from Redis, and what the database
holds. Gauges computed per scrape (no process-local counters, which would disagree across
replicas)."""

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from redis.exceptions import RedisError
from sqlmodel import Session

from core.stats import counts
from workers.queues import ALL_QUEUES, RedisNotConfigured, get_redis, queue


def render(session: Session) -> bytes:
    registry = CollectorRegistry()
    stats = counts(session)
    for name, label, help_text in [
        ("incidents", "status", "incidents by status"),
        ("messages", "status", "outbound texts by status"),
        ("subscribers", "status", "subscribers by status"),
    ]:
        gauge = Gauge(f"avisa_{name}", help_text, [label], registry=registry)
        for value, count in stats[name].items():
            gauge.labels(value).set(count)
    Gauge(
        "avisa_inbound_unprocessed",
        "stored inbound messages not yet handled by a worker",
        registry=registry,
    ).set(stats["inbound_unprocessed"])
    # Counters read back from the audit table: every replica reports the same totals.
    trust = Counter(
        "avisa_trust_events",
        "automatic holds and limits, and releases (incident.held, reporter.limited, incident.release)",
        ["action"],
        registry=registry,
    )
    for action, count in stats["trust"].items():
        trust.labels(action).inc(count)
    jobs = Gauge("avisa_queue_jobs", "jobs waiting in each RQ queue", ["queue"], registry=registry)
    up = Gauge("avisa_redis_up", "1 when Redis answered this scrape", registry=registry)
    try:
        redis = get_redis()
        for name in ALL_QUEUES:
            jobs.labels(name).set(queue(name, redis).count)
        up.set(1)
    except (RedisError, RedisNotConfigured):
        up.set(0)
    return generate_latest(registry)
