"""A throwaway Avisa for one replay: a migrated SQLite file in a temp dir, a private redis-server,
and a settings object of its own put in force for the replay (``core.settings.using``) — the
process's environment is never edited.

A process migrates once: its first sandbox migrates a template file, every sandbox starts from a
copy of it (a process that replays many streams, the tests or a bench, pays for one migration).

Only the infrastructure settings are replaced. The tuning knobs a coordinator rehearses with
(``AVISA_DEDUP_RADIUS_M``, ``AVISA_DEDUP_WINDOW_MIN``, ``AVISA_REGION`` …) are read from the
environment as usual, which is the point of a drill.
"""

import atexit
import contextlib
import functools
import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from avisa.migrations import upgrade
from avisa.redis_server import RedisServer
from core.settings import Settings, using

PUBLIC_URL = "http://replay.invalid"  # only signed over, never dialled


def replay_settings(database_url: str, redis_url: str) -> Settings:
    """The environment's settings with the sandbox's infrastructure in place of its own."""
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        public_url=PUBLIC_URL,
        secret_key=secrets.token_urlsafe(32),
        env="development",
        # Never a real text from a drill, whatever the shell says.
        sms_backend="local",
        # Replies go through the real sender; its shared rate limit would only add wall-clock waits.
        send_rate=100000,
    )


@contextlib.contextmanager
def silenced_stdout() -> Iterator[None]:
    """The local SMS backend prints each text; a replay's stdout is its JSON alone.

    ``sys.stdout`` is swapped process-wide (not per thread) because texts are sent from the
    sender's thread pool.
    """
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        yield


@contextlib.contextmanager
def sandbox() -> Iterator[Settings]:
    """Start the throwaway database and Redis, put settings for them in force, tear all down."""
    with tempfile.TemporaryDirectory(prefix="avisa-replay-") as tmp, RedisServer() as redis:
        path = Path(tmp) / "replay.db"
        copy_sqlite(migrated_template(), path)
        database_url = f"sqlite:///{path}"
        with using(replay_settings(database_url, redis.url)) as settings:
            try:
                yield settings
            finally:
                _release(database_url, redis.url)


@functools.cache
def migrated_template() -> Path:
    """A SQLite file at the latest migration, made once a process and removed at its exit."""
    folder = Path(tempfile.mkdtemp(prefix="avisa-replay-template-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's own backup: whole and consistent, whatever is still in the source's WAL."""
    with contextlib.closing(sqlite3.connect(source)) as src:
        with contextlib.closing(sqlite3.connect(target)) as dst:
            src.backup(dst)


def _release(database_url: str, redis_url: str) -> None:
    """Close pooled connections so the temp dir can go and no socket points at a dead server."""
    from core.db import engine_for
    from workers.queues import redis_for

    engine_for(database_url).dispose()
    redis_for(redis_url).connection_pool.disconnect()
