"""Periodic jobs: pick up what a crash or a Redis outage left behind, expire, purge.

Each is idempotent and safe to run on several hosts at once.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlmodel import col, select

from core import broadcasts, case_privacy, inbound, matching, privacy, signup, subscribers
from core.clock import now
from core.enums import Lane
from core.models import Alert, Message
from messaging.factory import get_provider
from messaging.provider import SendError
from workers import runtime
from workers.effects import Effects
from workers.queues import (
    LANE_QUEUE,
    enqueue_dispatch,
    enqueue_import,
    enqueue_intake,
    enqueue_send,
    enqueue_write,
    queue,
)
from workers.sender import sweep_stale

log = logging.getLogger(__name__)
GRACE_S = 20  # leave a job this long to run on its own before a sweep steps in


def sweep_inbound() -> int:
    """Enqueue messages stored while Redis was down, or whose job was lost."""
    with runtime.session() as session:
        ids = inbound.unprocessed(session, older_than_s=GRACE_S)
        for inbound_id in ids:
            inbound.mark_enqueued(session, inbound_id)
    for inbound_id in ids:
        enqueue_intake(inbound_id)
    return len(ids)


def sweep_outbound() -> int:
    """Re-dispatch alerts never fanned out, write broadcasts and run imports whose job was lost,
    re-send texts left pending or half-sent."""
    settings = runtime.settings()
    # Stale claims first: those it puts back to pending are picked up by the query below.
    sweep_stale(
        runtime.engine(), lease_seconds=GRACE_S, provider=get_provider(settings), settings=settings
    )
    cutoff = now() - timedelta(seconds=GRACE_S)
    with runtime.session() as session:
        alert_ids = list(
            session.exec(
                select(Alert.id).where(
                    col(Alert.dispatched_at).is_(None), Alert.created_at <= cutoff
                )
            )
        )
        pending = session.exec(
            select(Message.id, Message.lane)
            .where(Message.status == "pending", Message.created_at <= cutoff)
            .order_by(col(Message.id))
        ).all()
        unwritten = broadcasts.unwritten(session, older_than=cutoff)
        imports = subscribers.unfinished_imports(session, older_than=cutoff)
    for alert_id in alert_ids:
        enqueue_dispatch(alert_id)
    for broadcast_id in unwritten:
        enqueue_write(broadcast_id)  # its job was lost (a dead worker), or is still running
    for import_id in imports:
        enqueue_import(import_id)
    by_lane: dict[int, list[int]] = {}
    for message_id, lane in pending:
        by_lane.setdefault(lane, []).append(message_id)
    for lane, ids in sorted(by_lane.items()):
        # A backlog of the lower lanes is pending by design (it drains at what the higher lanes
        # leave): while its queue holds jobs they hold these texts, and queuing them again every
        # sweep would grow the queue without end. Once that queue is idle, what is still pending
        # was lost: send it again.
        if lane <= Lane.RESPONDERS or not _busy(LANE_QUEUE[Lane(lane)]):
            enqueue_send(ids, lane=lane)
    return len(alert_ids) + len(pending)


def _busy(name: str) -> bool:
    lane_queue = queue(name)
    return lane_queue.count > 0 or lane_queue.started_job_registry.count > 0


def expire_incidents() -> int:
    with runtime.session() as session:
        expired = matching.expire_quiet(session, quiet_min=runtime.settings().expire_after_min)
    return len(expired)


def release_signups() -> int:
    """Send the confirmations of sign-ups a burst held, as their zones' windows free up."""
    with runtime.session() as session:
        decisions = signup.release_held(session, settings=runtime.settings())
        effects = Effects.record(session, decisions)
    effects.enqueue()
    return len(decisions.texts)


def purge() -> dict[str, int]:
    """Erase what is past retention (``core.privacy``): recordings and residents' photos at the
    provider first, then the rows, then (SQLite) the write-ahead log. A file the provider could
    not delete now keeps its reference for the next run."""
    settings = runtime.settings()
    with runtime.session() as session:
        urls = privacy.recordings_due(session, retention_days=settings.retention_days)
        urls += case_privacy.recordings_due(
            session, runtime.vault(), purge_days=settings.case_purge_days
        )
        media = privacy.media_due(session, retention_days=settings.retention_days)
    provider = get_provider(settings)
    recordings = {sid: url for url in urls if (sid := privacy.recording_sid(url)) is not None}
    kept_recordings = _delete_at_provider(
        getattr(provider, "delete_recording", None), {sid: (sid,) for sid in recordings}
    )
    kept_media = _delete_at_provider(
        getattr(provider, "delete_media", None),
        {m.media_sid: (m.message_sid, m.media_sid) for m in media},
    )
    with runtime.session() as session:
        counts = privacy.purge(
            session,
            retention_days=settings.retention_days,
            opted_out_grace_days=settings.opted_out_grace_days,
            keep_recordings=[recordings[sid] for sid in kept_recordings],
            keep_media=kept_media,
            case_purge_days=settings.case_purge_days,
        )
    privacy.checkpoint(runtime.engine())
    counts["recordings_kept"], counts["media_kept"] = len(kept_recordings), len(kept_media)
    return counts


def _delete_at_provider(
    delete: Callable[..., bool] | None, files: dict[str, tuple[str, ...]]
) -> list[str]:
    """Call ``delete(*args)`` for each file (sid → the provider's arguments); returns the sids it
    could not delete now, to keep and try again. No ``delete``: a local backend holds nothing."""
    if delete is None:
        return []
    kept = []
    for sid, args in files.items():
        try:
            delete(*args)
        except SendError as exc:
            log.warning("%s not deleted at the provider (%s); retried next purge", sid, exc)
            kept.append(sid)
    return kept
