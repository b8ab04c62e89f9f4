"""``GET /metrics`` in Prometheus' text format: queue depths and counters from Redis, and what the
database holds. Everything is computed per scrape (no process-local counters, which would
disagree across replicas): any replica answers the same."""

from bisect import bisect_right

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily
from prometheus_client.utils import floatToGoString
from redis.exceptions import RedisError
from sqlmodel import Session

from core.stats import counts, deliveries, report_to_alert_seconds
from workers.queues import ALL_QUEUES, RedisNotConfigured, get_redis, queue
from workers.ratelimit import throttled_key

# Seconds. The target is about a second of our own time; past a minute something is wrong.
LATENCY_BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)


class _Scraped:
    """A collector handing over metric families built for this one scrape."""

    def __init__(self, *families):
        self.families = families

    def collect(self):
        return iter(self.families)


def latency_histogram(seconds: list[float]) -> HistogramMetricFamily:
    ordered = sorted(seconds)
    buckets = [(floatToGoString(le), bisect_right(ordered, le)) for le in LATENCY_BUCKETS]
    return HistogramMetricFamily(
        "avisa_report_to_alert_seconds",
        "first report of an incident to its first alert text handed to the provider",
        buckets=[*buckets, ("+Inf", len(ordered))],
        sum_value=sum(ordered),
    )


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
    by_outcome = Gauge(
        "avisa_deliveries",
        "outbound texts by status and provider error code (empty when none)",
        ["status", "error_code"],
        registry=registry,
    )
    for (status, code), count in deliveries(session).items():
        by_outcome.labels(status, code).set(count)
    # Counters read back from the audit table: every replica reports the same totals.
    trust = Counter(
        "avisa_trust_events",
        "automatic holds and limits, and releases "
        "(incident.held, reporter.limited, incident.release)",
        ["action"],
        registry=registry,
    )
    for action, count in stats["trust"].items():
        trust.labels(action).inc(count)
    jobs = Gauge("avisa_queue_jobs", "jobs waiting in each RQ queue", ["queue"], registry=registry)
    up = Gauge("avisa_redis_up", "1 when Redis answered this scrape", registry=registry)
    throttled = CounterMetricFamily(
        "avisa_sends_throttled", "texts that waited for the shared send rate (AVISA_SEND_RATE)"
    )
    scraped = [latency_histogram(report_to_alert_seconds(session))]
    try:
        redis = get_redis()
        for name in ALL_QUEUES:
            jobs.labels(name).set(queue(name, redis).count)
        throttled.add_metric([], int(redis.get(throttled_key()) or 0))
        scraped.append(throttled)  # absent, not 0, when Redis does not answer
        up.set(1)
    except (RedisError, RedisNotConfigured):
        up.set(0)
    registry.register(_Scraped(*scraped))
    return generate_latest(registry)
