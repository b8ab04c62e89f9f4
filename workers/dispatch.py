"""Fan-out: one alert becomes one stored text per recipient, then the texts are sent.

Re-running is harmless: each text's dedupe key is ``alert:<alert>:<subscriber>``, so a second
run finds the rows of the first and sends only those still pending.
"""

import logging
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from core.audience import recipients
from core.clock import now
from core.models import Alert, Incident, Message
from core.outbox import add_message
from messaging.factory import get_provider
from messaging.segments import count_segments, gsm_safe
from messaging.templates import render
from workers import runtime
from workers.queues import CHUNK, enqueue_send, get_redis, urgent_waiting
from workers.sender import send_messages

log = logging.getLogger(__name__)
# A bulk job waiting this long for tokens (urgent sends on other workers have the whole rate)
# hands its texts back rather than run into its job timeout.
BULK_PATIENCE_S = 60


def dispatch_alert(alert_id: int) -> int:
    """Write the texts of alert ``alert_id`` and send them; returns how many were sent now."""
    settings = runtime.settings()
    with runtime.session() as session:
        alert = session.get(Alert, alert_id)
        incident = session.get(Incident, alert.incident_id) if alert else None
        if alert is None or incident is None:
            return 0
        for recipient in recipients(
            session,
            alert,
            incident,
            quiet_min=settings.quiet_minutes,
            escalation_reach_m=2 * settings.dedup_radius_m,
        ):
            subscriber = recipient.subscriber
            body = render(
                recipient.template,
                subscriber.language,
                incident=incident.id,
                place=gsm_safe(incident.label or incident.zip or "?"),
                time=_clock_time(incident.first_seen),
            )
            add_message(
                session,
                runtime.vault(),
                settings=settings,  # the channel: WhatsApp subscribers (core.channels)
                dedupe_key=f"alert:{alert.id}:{subscriber.id}",
                kind=recipient.kind,
                body=body,
                language=subscriber.language,
                segments=count_segments(body),
                subscriber=subscriber,
                incident_id=incident.id,
                alert_id=alert.id,
            )
        alert.dispatched_at = alert.dispatched_at or now()
        session.add(alert)
        session.flush()
        pending = list(
            session.exec(
                select(Message.id).where(Message.alert_id == alert.id, Message.status == "pending")
            )
        )
    # The first chunk goes out from this job (no extra hop before the first phones buzz); the rest
    # are queued so other workers share the fan-out.
    enqueue_send(pending[CHUNK:])
    return send_pending(pending[:CHUNK])


def send_pending(message_ids: list[int]) -> int:
    """The job for urgent texts (alerts, updates, replies): the whole send rate."""
    settings = runtime.settings()
    send_messages(
        message_ids, provider=get_provider(settings), redis=get_redis(), settings=settings
    )
    return len(message_ids)


def send_bulk(message_ids: list[int]) -> int:
    """The job for bulk texts (confirmations, broadcasts): their share of the rate, and out of the
    way as soon as urgent work is queued — the texts not yet started go back to the front of the
    bulk queue, so the worker takes the urgent job next. Returns how many it handled."""
    settings, redis = runtime.settings(), get_redis()
    deadline = time.monotonic() + BULK_PATIENCE_S

    def give_way() -> bool:
        return urgent_waiting(redis) or time.monotonic() > deadline

    deferred = send_messages(
        message_ids,
        provider=get_provider(settings),
        redis=redis,
        settings=settings,
        give_way=give_way,
    )
    if deferred:
        enqueue_send(deferred, bulk=True, at_front=True)
        log.info("bulk job gave way to urgent work: %d texts queued again", len(deferred))
    return len(message_ids) - len(deferred)


def _clock_time(moment: datetime) -> str:
    """Local wall-clock time of the sighting, as residents say it ("10:02")."""
    local = moment.astimezone(ZoneInfo("America/Los_Angeles"))
    return local.strftime("%H:%M")
