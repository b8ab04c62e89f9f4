"""Placing the calls of ``core.alert_calls``: one job per call, urgent (a raid does not wait).

The job claims the call (pending → placing) before dialling, so a re-run, a retry or a second
worker never rings twice; a failure before the request left puts it back to pending for RQ's
retry, one after (maybe placed) leaves it ``uncertain``, never retried.
"""

import logging

from core import alert_calls
from core.enums import AlertCallStatus as S
from core.models import Subscriber
from messaging.factory import get_provider
from messaging.provider import PermanentSendError, TransientSendError, UncertainSendError
from workers import runtime
from workers.queues import RETRY, URGENT, queue

log = logging.getLogger(__name__)


def enqueue_call(call_id: int) -> None:
    """At the front of the urgent queue: the text already failed, minutes count."""
    queue(URGENT).enqueue(
        "workers.calls.place_alert_call",
        call_id,
        retry=RETRY,
        job_id=f"alert-call-{call_id}",
        at_front=True,
    )


def call_url(call_id: int) -> str:
    return f"{runtime.settings().public_url.rstrip('/')}{alert_calls.WEBHOOK_PATH}?call={call_id}"


def place_alert_call(call_id: int) -> str:
    """The job: dial call ``call_id`` once; returns its status."""
    settings = runtime.settings()
    with runtime.session() as session:
        call = alert_calls.claim(session, call_id)
        if call is None:
            return "skipped"
        subscriber = session.get(Subscriber, call.subscriber_id)
        to = runtime.vault().open(subscriber.phone_enc)
    try:
        receipt = get_provider(settings).place_call(
            to, call_url(call_id), idempotency_key=f"call:{call_id}"
        )
    except UncertainSendError as exc:
        return _settle(call_id, S.UNCERTAIN, detail=str(exc)[:300])
    except TransientSendError as exc:
        _settle(call_id, S.PENDING, detail=str(exc)[:300])
        raise  # RQ's retry dials again (the claim was released: nothing left the building)
    except PermanentSendError as exc:
        return _settle(call_id, S.FAILED, detail=f"{exc.code}: {str(exc)[:300]}")
    return _settle(call_id, S.PLACED, call_sid=receipt.provider_sid)


def sweep() -> int:
    """Enqueue calls decided while Redis was down (or whose job was lost)."""
    with runtime.session() as session:
        ids = alert_calls.pending(session)
    for call_id in ids:
        enqueue_call(call_id)
    return len(ids)


def _settle(call_id: int, status: S, **values: object) -> str:
    with runtime.session() as session:
        alert_calls.settle(session, call_id, status, **values)
    log.info("alert call %s: %s", call_id, status)
    return status
