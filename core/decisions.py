"""What a service decided must happen beyond its own rows: texts to store, alerts to fan out,
escalation timers to start.

Services in ``core`` return a ``Decisions``; the caller (``workers.effects``) stores the texts in
the same transaction, commits, and only then enqueues the jobs — so a worker never sends for a
decision that was rolled back, and a text is never lost between the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.enums import Language, MessageKind

if TYPE_CHECKING:
    from core.models import Alert, Subscriber


@dataclass(frozen=True)
class Text:
    """One text for one person, by template key (the catalogue lives in ``messaging``).

    Exactly one of ``subscriber`` or ``to_e164`` addresses it; ``dedupe_key`` names what it is for
    ("reply:1031", "opt_in:7"), so however often a job re-runs it is stored once.
    """

    template: str
    language: Language
    dedupe_key: str
    kind: MessageKind = MessageKind.REPLY
    subscriber: Subscriber | None = None
    to_e164: str | None = None
    incident_id: int | None = None
    bilingual: bool = False  # both languages, theirs first: before we know they read it
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Decisions:
    texts: list[Text] = field(default_factory=list)
    alert_ids: list[int] = field(default_factory=list)
    escalation_timers: list[int] = field(default_factory=list)  # incident ids
    calls: list[int] = field(default_factory=list)  # AlertCall ids to place now (core.alert_calls)

    def text(self, template: str, language: Language, *, dedupe_key: str, **fields: Any) -> None:
        """Add a text; keyword fields are ``Text``'s, anything else is a template parameter."""
        known = {"kind", "subscriber", "to_e164", "incident_id", "bilingual"}
        params = {k: v for k, v in fields.items() if k not in known}
        options = {k: v for k, v in fields.items() if k in known}
        self.texts.append(Text(template, language, dedupe_key, params=params, **options))

    def alerts(self, alerts: Iterable[Alert]) -> None:
        self.alert_ids.extend(a.id for a in alerts if a.id is not None)

    def extend(self, other: Decisions) -> Decisions:
        self.texts += other.texts
        self.alert_ids += other.alert_ids
        self.escalation_timers += other.escalation_timers
        self.calls += other.calls
        return self
