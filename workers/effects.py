"""What a job decided must happen after its transaction commits: alerts to fan out, texts to send.

Enqueuing only after commit means a worker never sends for a decision that was rolled back; if
the enqueue itself fails, the maintenance sweep finds the undispatched alerts and pending texts.
"""

from dataclasses import dataclass, field

from sqlmodel import Session

from core.models import Subscriber
from core.outbox import add_message
from messaging.segments import count_segments
from messaging.templates import render
from workers import escalation
from workers.queues import enqueue_dispatch, enqueue_send


@dataclass
class Effects:
    alert_ids: list[int] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)
    escalation_timers: list[int] = field(default_factory=list)  # incident ids

    def reply(
        self,
        session: Session,
        *,
        dedupe_key: str,
        template: str,
        language: str,
        to_e164: str | None = None,
        subscriber: Subscriber | None = None,
        incident_id: int | None = None,
        kind: str = "reply",
        **params: object,
    ) -> None:
        """Store a text for one person (once per ``dedupe_key``) and remember to send it."""
        body = render(template, language, **params)
        message = add_message(
            session,
            dedupe_key=dedupe_key,
            kind=kind,
            body=body,
            language=language,
            segments=count_segments(body),
            to_e164=to_e164,
            subscriber=subscriber,
            incident_id=incident_id,
        )
        if message is not None:
            session.flush()
            self.message_ids.append(message.id)

    def alerts(self, alerts) -> None:
        self.alert_ids.extend(a.id for a in alerts)

    def enqueue(self) -> None:
        for alert_id in self.alert_ids:
            enqueue_dispatch(alert_id)
        enqueue_send(self.message_ids)
        for incident_id in self.escalation_timers:
            escalation.schedule(incident_id)
