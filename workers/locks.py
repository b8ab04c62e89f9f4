"""Cross-process locks in Redis, so any number of workers on any number of hosts agree."""

from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis
from redis.exceptions import LockError

# Matching reads then writes incidents; it must not run twice at once for one place. Until the
# area lock of issue 4 lands, one lock covers all matching: correct everywhere, and matching is
# a few milliseconds of work.
MATCHING = "avisa:lock:matching"


@contextmanager
def held(redis: Redis, name: str, *, timeout_s: float = 30, wait_s: float = 30) -> Iterator[None]:
    """Hold the Redis lock ``name``; it expires after ``timeout_s`` if the holder dies."""
    lock = redis.lock(name, timeout=timeout_s, blocking_timeout=wait_s)
    if not lock.acquire():
        raise TimeoutError(f"could not take lock {name} in {wait_s}s")
    try:
        yield
    finally:
        try:
            lock.release()
        except LockError:  # it expired; our transaction already committed or rolled back
            pass
