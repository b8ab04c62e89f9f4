"""Carrying out what a core service decided (``core.decisions.Decisions``).

Texts are stored in the caller's transaction (``Effects.record``), so they commit or roll back
with the change that caused them; the jobs — fan-out, sends, escalation timers — are enqueued
only after commit (``Effects.enqueue``). If Redis is down at that moment nothing is lost: the
maintenance sweeps find undispatched alerts, pending texts and overdue escalations.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from redis.exceptions import RedisError
from sqlmodel import Session

from core.decisions import Decisions, Text
from core.enums import MessageKind
from core.outbox import Draft, add_message, add_messages
from messaging.segments import count_segments
from messaging.templates import render, render_bilingual
from workers import calls, escalation
from workers.queues import RedisNotConfigured, enqueue_dispatch, enqueue_lanes
from workers.runtime import settings, vault

log = logging.getLogger(__name__)
# Above this many texts in one decision (an import's confirmations) they are written as one batch.
BATCH = 20


@dataclass
class Effects:
    alert_ids: list[int] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)  # the texts stored, in order
    escalation_timers: list[int] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)  # AlertCall ids (workers.calls)
    lanes: list[int] = field(default_factory=list)  # each stored text's lane (core.enums.Lane)

    @classmethod
    def record(cls, session: Session, decisions: Decisions) -> "Effects":
        """Store the decided texts (each once per dedupe key) in ``session``; nothing is sent
        yet."""
        effects = cls(list(decisions.alert_ids), [], list(decisions.escalation_timers))
        effects.calls = list(decisions.calls)
        drafts = [_draft(text) for text in decisions.texts]
        if len(drafts) > BATCH:
            stored = add_messages(session, vault(), drafts, settings=settings())
        else:
            stored = []
            for draft in drafts:
                message = add_message(session, vault(), settings=settings(), **_fields(draft))
                if message is not None:
                    session.flush()
                    stored.append(message)
        for message in stored:
            effects.message_ids.append(cast(int, message.id))
            effects.lanes.append(message.lane)
        return effects

    def enqueue(self) -> None:
        """After commit: hand the work to the queues. Redis down → logged; the sweeps catch up."""
        try:
            for alert_id in self.alert_ids:
                enqueue_dispatch(alert_id)
            # Each text on its lane's queue: an import's confirmations never delay an alert.
            enqueue_lanes(zip(self.message_ids, self.lanes, strict=True))
            for incident_id in self.escalation_timers:
                escalation.schedule(incident_id)
            for call_id in self.calls:
                calls.enqueue_call(call_id)
        except (RedisError, RedisNotConfigured) as exc:
            log.warning(
                "%d alerts, %d texts stored but not enqueued (%s); the sweep will send them",
                len(self.alert_ids),
                len(self.message_ids),
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


def _draft(text: Text) -> Draft:
    render_text = render_bilingual if text.bilingual else render
    body = render_text(text.template, text.language, **text.params)
    return Draft(
        dedupe_key=text.dedupe_key,
        kind=MessageKind(text.kind),
        body=body,
        language=text.language,
        segments=count_segments(body),
        to_e164=text.to_e164,
        subscriber=text.subscriber,
        incident_id=text.incident_id,
    )


def _fields(draft: Draft) -> dict[str, Any]:
    return {name: getattr(draft, name) for name in Draft.__dataclass_fields__}
