"""Forgetting detention cases: ``AVISA_CASE_PURGE_DAYS`` after a case closes, everything that
names or places the person, the family's numbers and words, and the texts about it are erased
(called by ``core.privacy.purge``); the callers' recordings are named first (``recordings_due``)
so the purge job deletes them at the provider."""

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.cases import PURGED, RECORDING
from core.clock import now
from core.models import CaseEntry, DetentionCase, Message
from core.phones import PhoneVault


def recordings_due(session: Session, vault: PhoneVault, *, purge_days: int) -> list[str]:
    """Recordings of cases ``purge`` will erase: delete them at the provider first."""
    cutoff = now() - timedelta(days=purge_days)
    rows = session.exec(
        select(CaseEntry.text_enc)
        .join(DetentionCase, col(DetentionCase.id) == col(CaseEntry.case_id))
        .where(
            CaseEntry.kind == RECORDING,
            col(CaseEntry.text_enc).is_not(None),
            col(DetentionCase.closed_at) < cutoff,
            col(DetentionCase.purged_at).is_(None),
        )
    )
    return sorted(vault.open(token) for token in rows if token)


def purge(session: Session, *, purge_days: int) -> int:
    """Erase the personal data of cases closed more than ``purge_days`` ago: the sealed words,
    the family's numbers, the recording, notes and texts, and the bodies and numbers of every
    text about the case. The rows stay (counts: how many, which raid, which states)."""
    cutoff = now() - timedelta(days=purge_days)
    ids = [
        i
        for i in session.exec(
            select(DetentionCase.id).where(
                col(DetentionCase.closed_at) < cutoff, col(DetentionCase.purged_at).is_(None)
            )
        )
        if i is not None
    ]
    for case_id in ids:
        session.exec(
            update(DetentionCase)
            .where(col(DetentionCase.id) == case_id)
            .values(
                family_enc=None,
                family_hash=PURGED,
                name_enc=None,
                birth_enc=None,
                place_enc=None,
                taken_enc=None,
                contact_enc=None,
                facility_enc=None,
                lat=None,
                lon=None,
                purged_at=now(),
            )
        )
        session.exec(
            update(CaseEntry).where(col(CaseEntry.case_id) == case_id).values(text_enc=None)
        )
        session.exec(
            update(Message)
            .where(col(Message.dedupe_key).startswith(f"case:{case_id}:", autoescape=True))
            .values(body="", to_enc=None, to_hash=PURGED)
        )
    return len(ids)
