"""Carrying out what a core service decided (``core.decisions.Decisions``).

Texts are stored in the caller's transaction (``Effects.record``), so they commit or roll back
with the change that caused them; the jobs — fan-out, sends, escalation timers — are enqueued
only after commit (``Effects.enqueue``). If Redis is down at that moment nothing is lost: the
maintenance sweeps find undispatched alerts, pending texts and overdue escalations.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from redis.exceptions import RedisError
from sqlalchemy import insert
from sqlmodel import Session, col, select

from core.clock import now
from core.decisions import Decisions, Text
from core.enums import MessageStatus
from core.models import Message
from core.outbox import add_message
from core.phones import PhoneVault
from messaging.segments import count_segments
from messaging.templates import render, render_bilingual
from workers import calls, escalation
from workers.queues import RedisNotConfigured, enqueue_dispatch, enqueue_send, is_bulk
from workers.runtime import settings, vault

log = logging.getLogger(__name__)
# Above this many texts in one decision (an import's confirmations) they are written as one batch.
BATCH = 20


@dataclass
class Effects:
    alert_ids: list[int] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)  # urgent: alerts, updates, replies
    escalation_timers: list[int] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)  # AlertCall ids (workers.calls)
    bulk_message_ids: list[int] = field(default_factory=list)  # confirmations, broadcasts

    @classmethod
    def record(cls, session: Session, decisions: Decisions) -> "Effects":
        """Store the decided texts (each once per dedupe key) in ``session``; nothing is sent
        yet."""
        effects = cls(list(decisions.alert_ids), [], list(decisions.escalation_timers))
        effects.calls = list(decisions.calls)
        texts = decisions.texts
        if len(texts) > BATCH:
            stored = _store_batch(session, texts, vault())
        else:
            stored = []
            for text in texts:
                message = add_message(session, vault(), settings=settings(), **_fields(text))
                if message is not None:
                    session.flush()
                    stored.append(message)
        for message in stored:
            # Each text to the queue of its kind: an import's confirmations never delay an alert.
            ids = effects.bulk_message_ids if is_bulk(message.kind) else effects.message_ids
            ids.append(message.id)
        return effects

    def enqueue(self) -> None:
        """After commit: hand the work to the queues. Redis down → logged; the sweeps catch up."""
        try:
            for alert_id in self.alert_ids:
                enqueue_dispatch(alert_id)
            enqueue_send(self.message_ids)
            for incident_id in self.escalation_timers:
                escalation.schedule(incident_id)
            for call_id in self.calls:
                calls.enqueue_call(call_id)
            enqueue_send(self.bulk_message_ids, bulk=True)
        except (RedisError, RedisNotConfigured) as exc:
            log.warning(
                "%d alerts, %d texts stored but not enqueued (%s); the sweep will send them",
                len(self.alert_ids),
                len(self.message_ids) + len(self.bulk_message_ids),
                type(exc).__name__,
            )


def carry_out(session: Session, decisions: Decisions) -> Effects:
    """Store the texts, commit ``session``, then enqueue: the one way a front door acts."""
    effects = Effects.record(session, decisions)
    session.commit()
    effects.enqueue()
    return effects


def segments_of(template: str) -> Callable[[str, str], int]:
    """For a service that prices a text before deciding it (``core.broadcasts``' ``segments_of``):
    (language, body) → the SMS segments of ``template`` rendered with ``body=``, exactly as
    ``Effects.record`` will store it. Every front door counts with this one."""

    def count(language: str, body: str) -> int:
        return count_segments(render(template, language, body=body))

    return count


def _fields(text: Text) -> dict:
    render_text = render_bilingual if text.bilingual else render
    body = render_text(text.template, text.language, **text.params)
    return dict(
        dedupe_key=text.dedupe_key,
        kind=text.kind,
        body=body,
        language=text.language,
        segments=count_segments(body),
        to_e164=text.to_e164,
        subscriber=text.subscriber,
        incident_id=text.incident_id,
    )


def _store_batch(session: Session, texts: list[Text], phone_vault: PhoneVault) -> list[Message]:
    """Many texts with one look-up and one INSERT … RETURNING (no model instances to build: on
    SQLite an import's batch holds the write lock meanwhile). If two runs race, the unique dedupe
    key fails the later batch, whose retry then finds every text already there."""
    keys = [t.dedupe_key for t in texts]
    done = set(session.exec(select(Message.dedupe_key).where(col(Message.dedupe_key).in_(keys))))
    at = now()
    values = [_row(phone_vault, t, at) for t in texts if t.dedupe_key not in done]
    if not values:
        return []
    return list(
        session.scalars(insert(Message).returning(Message, sort_by_parameter_order=True), values)
    )


def _row(phone_vault: PhoneVault, text: Text, at: datetime) -> dict:
    """The columns ``new_message`` would give ``text``, with the defaults a bulk INSERT skips."""
    fields = _fields(text)
    subscriber = fields.pop("subscriber")
    to_e164 = fields.pop("to_e164")
    if subscriber is not None:
        to_enc, to_hash = subscriber.phone_enc, subscriber.phone_hash
    else:
        to_enc, to_hash = phone_vault.seal(to_e164), phone_vault.index(to_e164)
    return fields | dict(
        subscriber_id=subscriber.id if subscriber is not None else None,
        to_enc=to_enc,
        to_hash=to_hash,
        alert_id=None,
        status=MessageStatus.PENDING,
        attempts=0,
        created_at=at,
        updated_at=at,
    )
