"""Cross-process locks in Redis, so any number of workers on any number of hosts agree.

Matching a report to an incident reads then writes the incidents near it, so two reports of one
raid must not be matched at the same time. They are serialised by an *area* lock: the map is cut
into cells of ``CELL_DEG`` and a report locks every cell its match could reach, all at once (one
Lua script takes all the keys or none, so two workers can never deadlock). Reports far apart take
disjoint cells and run in parallel. A reporter's own messages are serialised by a reporter lock,
so an answer is never handled before the question it answers.
"""

import math
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from redis import Redis

from core.geo import GeoResult, bounding_box
from core.matching import search_reach_m
from core.settings import Settings

CELL_DEG = 0.05  # ≈ 5.5 km of latitude: a few cells cover any report's reach
LOCK_TTL_MS = 30_000  # a holder that dies frees its cells after this

_ACQUIRE = """
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then return 0 end
end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
end
return 1
"""
_RELEASE = """
local released = 0
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then released = released + redis.call('DEL', key) end
end
return released
"""


def area_keys(lat: float, lon: float, reach_m: float) -> list[str]:
    """Lock names of every cell within ``reach_m`` of the point."""
    min_lat, min_lon, max_lat, max_lon = bounding_box(lat, lon, reach_m)
    rows = range(math.floor(min_lat / CELL_DEG), math.floor(max_lat / CELL_DEG) + 1)
    cols = range(math.floor(min_lon / CELL_DEG), math.floor(max_lon / CELL_DEG) + 1)
    return [f"avisa:lock:cell:{r}:{c}" for r in rows for c in cols]


def reporter_key(reporter_hash: str) -> str:
    return f"avisa:lock:reporter:{reporter_hash}"


def matching_keys(settings: Settings, geo: GeoResult | None, reporter_hash: str) -> list[str]:
    """What placing a report holds, whichever door it came by (intake, a coordinator's pin): its
    reporter (the per-number limits read their other reports) and every cell its match could
    reach (none when it has no place yet)."""
    keys = [reporter_key(reporter_hash)]
    if geo is not None:
        keys += area_keys(
            geo.lat, geo.lon, search_reach_m(settings.dedup_radius_m, geo.precision_m)
        )
    return keys


@contextmanager
def held(redis: Redis, keys: Iterable[str], *, wait_s: float = 30) -> Iterator[None]:
    """Hold all ``keys`` together; raises TimeoutError after ``wait_s`` (RQ then retries the
    job)."""
    names = sorted(set(keys))
    token = secrets.token_hex(16)
    acquire, release = redis.register_script(_ACQUIRE), redis.register_script(_RELEASE)
    deadline, pause = time.monotonic() + wait_s, 0.002
    while not acquire(keys=names, args=[token, LOCK_TTL_MS]):
        if time.monotonic() > deadline:
            raise TimeoutError(f"could not lock {len(names)} keys in {wait_s}s")
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    try:
        yield
    finally:
        release(keys=names, args=[token])
