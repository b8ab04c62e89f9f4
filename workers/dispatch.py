"""Fan-out: one alert becomes one stored text per recipient, then the texts are sent.

Re-running is harmless: each text's dedupe key is ``alert:<alert>:<subscriber>``, so a second
run finds the rows of the first and sends only those still pending.
"""

import logging
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.audience import recipients
from core.clock import now
from core.enums import Lane, MessageKind
from core.models import Alert, Incident, Message
from core.outbox import Draft, add_messages, lane_for
from messaging.factory import get_provider
from messaging.segments import count_segments, gsm_safe
from messaging.templates import render
from workers import runtime
from workers.queues import CHUNK, enqueue_lanes, enqueue_send, get_redis, waiting_ahead
from workers.sender import send_messages

log = logging.getLogger(__name__)
# A lane's job waiting this long for tokens (higher lanes on other workers have the whole rate)
# hands its texts back rather than run into its job timeout.
LANE_PATIENCE_S = 60
GIVE_WAY_CHECK_S = 0.02


def dispatch_alert(alert_id: int) -> int:
    """Write the texts of alert ``alert_id`` and send them; returns how many were sent now."""
    settings = runtime.settings()
    with runtime.session() as session:
        alert = session.get(Alert, alert_id)
        incident = session.get(Incident, alert.incident_id) if alert else None
        if alert is None or incident is None:
            return 0
        drafts = []
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
            drafts.append(
                Draft(
                    dedupe_key=f"alert:{alert.id}:{subscriber.id}",
                    kind=MessageKind(recipient.kind),
                    body=body,
                    language=subscriber.language,
                    segments=count_segments(body),
                    subscriber=subscriber,
                    incident_id=incident.id,
                    alert_id=alert.id,
                    lane=lane_for(recipient.kind, audience=alert.audience, subscriber=subscriber),
                )
            )
        # One writer, routed (WhatsApp subscribers) and laned as every other text.
        add_messages(session, runtime.vault(), drafts, settings=settings)
        alert.dispatched_at = alert.dispatched_at or now()
        session.add(alert)
        session.flush()
        pending = session.exec(
            select(Message.id, Message.lane)
            .where(Message.alert_id == alert.id, Message.status == "pending")
            .order_by(col(Message.id))
        ).all()
    first = [message_id for message_id, lane in pending if lane == Lane.FIRST]
    # The first lane's first chunk goes out from this job (no extra hop before the first phones
    # buzz); the rest are queued, each on its lane's queue, so other workers share the fan-out.
    enqueue_lanes(
        [(i, lane) for i, lane in pending if lane != Lane.FIRST]
        + [(i, Lane.FIRST) for i in first[CHUNK:]]
    )
    return send_pending(first[:CHUNK])


def send_pending(message_ids: list[int]) -> int:
    """The job for the first lane's texts (a new raid's alerts, escalations): the whole rate,
    reserved in turn."""
    settings = runtime.settings()
    send_messages(
        message_ids, provider=get_provider(settings), redis=get_redis(), settings=settings
    )
    return len(message_ids)


def send_lane(message_ids: list[int], lane: int) -> int:
    """The job for the texts of a lane after the first: the rate its higher lanes leave, and out
    of the way as soon as a higher queue's work is waiting — the texts not yet started go back to
    the front of their queue, so the worker takes that work next. Returns how many it handled."""
    settings, redis = runtime.settings(), get_redis()
    deadline = time.monotonic() + LANE_PATIENCE_S

    checked = {"at": 0.0, "waiting": False}

    def give_way() -> bool:
        # Asked by every sending thread before each token: Redis is asked at most every
        # GIVE_WAY_CHECK_S, a delay no alert notices.
        moment = time.monotonic()
        if moment - checked["at"] >= GIVE_WAY_CHECK_S:
            checked["at"], checked["waiting"] = moment, waiting_ahead(lane, redis)
        return bool(checked["waiting"]) or moment > deadline

    deferred = send_messages(
        message_ids,
        provider=get_provider(settings),
        redis=redis,
        settings=settings,
        lane=lane,
        give_way=give_way,
    )
    if deferred:
        enqueue_send(deferred, lane=lane, at_front=True)
        log.debug("lane %d job gave way: %d texts queued again", lane, len(deferred))
    return len(message_ids) - len(deferred)


def send_bulk(message_ids: list[int]) -> int:
    """Bulk texts queued by an earlier version: the last lane."""
    return send_lane(message_ids, Lane.BULK)


def _clock_time(moment: datetime) -> str:
    """Local wall-clock time of the sighting, as residents say it ("10:02")."""
    local = moment.astimezone(ZoneInfo("America/Los_Angeles"))
    return local.strftime("%H:%M")
