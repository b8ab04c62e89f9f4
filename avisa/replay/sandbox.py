"""A throwaway Avisa for one replay: a migrated SQLite file in a temp dir, a private redis-server,
the process's settings pointed at them, and every one of those put back afterwards.

Only the infrastructure settings are replaced. The tuning knobs a coordinator rehearses with
(``AVISA_DEDUP_RADIUS_M``, ``AVISA_DEDUP_WINDOW_MIN``, ``AVISA_REGION`` …) are read from the
environment as usual, which is the point of a drill.
"""

import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from avisa.migrations import upgrade
from avisa.redis_server import RedisServer
from core.settings import get_settings

PUBLIC_URL = "http://replay.invalid"  # only signed over, never dialled


@dataclass(frozen=True)
class Sandbox:
    database_url: str
    redis_url: str
    public_url: str


def overrides(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        "AVISA_DATABASE_URL": database_url,
        "AVISA_REDIS_URL": redis_url,
        "AVISA_PUBLIC_URL": PUBLIC_URL,
        "AVISA_SECRET_KEY": secrets.token_urlsafe(32),
        # Never a real text from a drill, whatever the shell says.
        "AVISA_SMS_BACKEND": "local",
        # Replies go through the real sender; its shared rate limit would only add wall-clock waits.
        "AVISA_SEND_RATE": "100000",
    }


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set ``values`` in ``os.environ`` (and re-read settings); restore both on exit."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


@contextlib.contextmanager
def silenced_stdout() -> Iterator[None]:
    """The local SMS backend prints each text; a replay's stdout is its JSON alone.

    ``sys.stdout`` is swapped process-wide (not per thread) because texts are sent from the
    sender's thread pool.
    """
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        yield


@contextlib.contextmanager
def sandbox() -> Iterator[Sandbox]:
    """Start the throwaway database and Redis, point settings at them, tear all down after."""
    with tempfile.TemporaryDirectory(prefix="avisa-replay-") as tmp, RedisServer() as redis:
        database_url = f"sqlite:///{Path(tmp) / 'replay.db'}"
        upgrade(database_url)
        with environment(overrides(database_url, redis.url)):
            try:
                yield Sandbox(database_url, redis.url, PUBLIC_URL)
            finally:
                _release(database_url, redis.url)


def _release(database_url: str, redis_url: str) -> None:
    """Close pooled connections so the temp dir can go and no socket points at a dead server."""
    from core.db import engine_for
    from workers.queues import redis_for

    engine_for(database_url).dispose()
    redis_for(redis_url).connection_pool.disconnect()
