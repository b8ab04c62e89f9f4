"""``/metrics`` beyond the counts: report→alert latency, deliveries by outcome, throttled sends."""

from datetime import timedelta

from core.clock import now
from core.db import session_scope
from core.models import Incident, Message, Report
from workers.ratelimit import RateLimiter


def _incident(session, *, reported_s_ago: float, alerted_after_s: float | None) -> None:
    first = now() - timedelta(seconds=reported_s_ago)
    incident = Incident(lat=33.97, lon=-118.22, precision_m=100)
    session.add(incident)
    session.flush()
    for late_by in (0, 30):  # the latency runs from the first report, not the latest
        at = first + timedelta(seconds=late_by)
        session.add(Report(reporter_hash=f"r{late_by}", incident_id=incident.id, created_at=at))
    if alerted_after_s is not None:
        sent = first + timedelta(seconds=alerted_after_s)
        for n, extra in enumerate((0, 5)):  # the first alert text counts
            session.add(
                Message(
                    dedupe_key=f"alert-{incident.id}-{n}",
                    kind="alert",
                    incident_id=incident.id,
                    to_hash=f"h{n}",
                    body="AVISA",
                    status="sent",
                    sent_at=sent + timedelta(seconds=extra),
                )
            )


def test_report_to_alert_latency_is_read_from_the_database(db, client):
    with session_scope(db) as session:
        _incident(session, reported_s_ago=600, alerted_after_s=1.5)
        _incident(session, reported_s_ago=600, alerted_after_s=45)
        _incident(session, reported_s_ago=600, alerted_after_s=None)  # held: no figure
    text = client.get("/metrics").text
    assert 'avisa_report_to_alert_seconds_bucket{le="1.0"} 0.0' in text
    assert 'avisa_report_to_alert_seconds_bucket{le="2.0"} 1.0' in text
    assert 'avisa_report_to_alert_seconds_bucket{le="60.0"} 2.0' in text
    assert 'avisa_report_to_alert_seconds_bucket{le="+Inf"} 2.0' in text
    assert "avisa_report_to_alert_seconds_count 2.0" in text
    assert "avisa_report_to_alert_seconds_sum 46.5" in text


def test_deliveries_by_status_and_error_code(db, client):
    with session_scope(db) as session:
        for n, (status, code) in enumerate(
            [
                ("delivered", None),
                ("delivered", None),
                ("failed", "21610"),
                ("undelivered", "30003"),
            ]
        ):
            session.add(
                Message(
                    dedupe_key=f"m{n}",
                    kind="reply",
                    to_hash=f"h{n}",
                    body="x",
                    status=status,
                    error_code=code,
                )
            )
    text = client.get("/metrics").text
    assert 'avisa_deliveries{error_code="",status="delivered"} 2.0' in text
    assert 'avisa_deliveries{error_code="21610",status="failed"} 1.0' in text
    assert 'avisa_deliveries{error_code="30003",status="undelivered"} 1.0' in text


def test_throttled_sends_are_counted_in_redis_for_every_replica(db, client, redis):
    assert "avisa_sends_throttled_total 0.0" in client.get("/metrics").text
    limiter = RateLimiter(redis, rate=1, burst=2)
    waits = [limiter.reserve()[1] for _ in range(4)]  # two from the burst, two that must wait
    assert waits[:2] == [0, 0] and all(w > 0 for w in waits[2:])
    assert "avisa_sends_throttled_total 2.0" in client.get("/metrics").text
