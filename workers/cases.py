"""Detention cases on the scheduler: offer the cases whose family stopped answering, and offer
wider the cases nobody took in time (``core.cases``). Every run is idempotent: offers and
escalations are claimed by conditional updates, texts are stored once per dedupe key."""

from core import case_offers, cases, detention
from workers import runtime
from workers.effects import carry_out


def sweep() -> int:
    """Offer stalled conversations and escalate untaken cases; returns the texts decided."""
    settings = runtime.settings()
    with runtime.session() as session:
        texts = 0
        for case_id in case_offers.due_offers(session, stall_minutes=detention.STALL_MINUTES):
            decisions = case_offers.offer(session, cases.get(session, case_id))
            texts += len(decisions.texts)
            carry_out(session, decisions)
        decisions = case_offers.escalate_due(session, take_minutes=settings.case_take_minutes)
        carry_out(session, decisions)
    return texts + len(decisions.texts)
