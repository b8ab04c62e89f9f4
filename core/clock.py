"""The time, overridable per context so ``avisa replay`` can run the real pipeline on recorded
time."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_frozen: ContextVar[datetime | None] = ContextVar("avisa_clock", default=None)


def now() -> datetime:
    """Current time, timezone-aware UTC (what the database columns store)."""
    frozen = _frozen.get()
    return frozen if frozen is not None else datetime.now(UTC)


def utc(moment: datetime) -> datetime:
    """A stored time as UTC: SQLite hands back naive datetimes, and everything is stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make ``now()`` return ``moment`` inside the block (a naive ``moment`` is taken as UTC)."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
