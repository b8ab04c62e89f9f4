"""One send rate for all workers on all hosts: a token bucket kept in Redis, changed by a Lua
script.

The bucket refills at ``rate`` tokens a second up to ``burst``. Each text takes one token. When
the bucket is empty the script still hands out the token but lets the balance go negative — a
reservation — and answers how long the caller must sleep before using it. Callers therefore queue
in arrival order on one Redis clock, with one round-trip each: no polling, no thundering herd when
a token frees up. (This is the "virtual scheduling" form of a token bucket, GCRA.)

The script reads Redis's ``TIME``, not the caller's clock, so hosts whose clocks disagree still
share one budget; it runs atomically, so two processes can never take the same token.
"""

import logging
import random
import threading
import time
from collections.abc import Callable

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

DEFAULT_KEY = "avisa:ratelimit:sms"
THROTTLED_SUFFIX = ":throttled"  # beside the bucket: a counter of tokens handed out with a wait
NO_LIMIT_S = 3600.0  # "wait as long as it takes": a reservation is never refused below this
REDIS_RETRY_S = 5.0  # after Redis fails, pace locally this long before asking it again

# KEYS[1] bucket, KEYS[2] throttle counter. ARGV: rate (tokens/s), burst (tokens), max_wait (s).
# Returns {granted (0|1), microseconds to sleep (before using the token | before asking again)}.
_SCRIPT = """
local rate, burst, max_wait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil or at == nil then tokens, at = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000000)
local wait = 0
if tokens < 1 then wait = (1 - tokens) / rate end
if wait > max_wait then
  return {0, math.ceil((wait - max_wait) * 1000000)}
end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', string.format('%.9f', tokens),
           'at', string.format('%.0f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
if wait > 0 then redis.call('INCR', KEYS[2]) end
return {1, math.ceil(wait * 1000000)}
"""


def throttled_key(key: str = DEFAULT_KEY) -> str:
    """The Redis counter of sends that had to wait for the bucket ``key`` (never reset: a
    Prometheus counter, the same for every reader)."""
    return key + THROTTLED_SUFFIX


class RateLimitTimeout(Exception):
    """No token could be had within the caller's ``timeout``; nothing was reserved."""


class RateLimiter:
    """``acquire()`` blocks until this process may send one text; safe to share between threads."""

    def __init__(
        self,
        redis: Redis,
        rate: float,
        *,
        burst: float | None = None,
        key: str = DEFAULT_KEY,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        # A tenth of a second's worth: enough to absorb scheduling jitter, too little to make a
        # burst that trips the provider's concurrency limit (429) at the start of a fan-out.
        self.burst = float(burst) if burst is not None else max(1.0, self.rate / 10)
        self.key = key
        self._script = redis.register_script(_SCRIPT)
        self._sleep = sleep
        self._local = _LocalBucket(self.rate)
        self._redis_down_until = 0.0

    def reserve(self, max_wait: float = NO_LIMIT_S) -> tuple[bool, float]:
        """One script call: (granted, seconds to wait). Raises ``RedisError`` if Redis is down."""
        granted, micros = self._script(
            keys=[self.key, throttled_key(self.key)], args=[self.rate, self.burst, max_wait]
        )
        return bool(granted), int(micros) / 1_000_000

    def acquire(self, timeout: float | None = None) -> float:
        """Block until a token is ours; returns the seconds slept.

        With ``timeout`` the token is only reserved if it will be usable within that many
        seconds, else ``RateLimitTimeout`` (so a caller can put its work back rather than hold it).
        If Redis is unreachable this process paces itself at ``rate`` alone rather than stop
        alerts: several workers may then exceed the rate, and the provider's 429s are retried.
        """
        max_wait = NO_LIMIT_S if timeout is None else timeout
        waited = 0.0
        while True:
            if time.monotonic() < self._redis_down_until:
                return waited + self._local.acquire(self._sleep)
            try:
                granted, wait = self.reserve(max_wait - waited)
            except RedisError as exc:
                # Each failed call can cost the client's own retries (seconds): don't pay that
                # per text; try Redis again after a while.
                log.warning(
                    "rate limit bucket unreachable (%s); pacing this process alone for %ss",
                    type(exc).__name__,
                    REDIS_RETRY_S,
                )
                self._redis_down_until = time.monotonic() + REDIS_RETRY_S
                continue
            if granted:
                self._sleep(wait)
                return waited + wait
            if timeout is not None:
                raise RateLimitTimeout(f"no send token within {timeout}s")
            self._sleep(wait)  # only reached past NO_LIMIT_S: ask again
            waited += wait


class _LocalBucket:
    """The same reservation scheme inside one process, for when Redis is away."""

    def __init__(self, rate: float):
        self._interval = 1.0 / rate
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self, sleep: Callable[[float], None]) -> float:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        wait = start - now
        sleep(wait)
        return wait


# Priorities: bulk texts (confirmations, broadcasts) get a share of the rate that urgent ones never
# have to compete for. Urgent sends take from the shared bucket above (the whole rate, with
# reservations). A bulk send needs a token from its own bucket (``share`` × rate) *and* one from
# the shared bucket, taken together and only when both are there now — it never reserves, so it
# never makes the shared bucket go negative. Hence: all sends together stay within the rate (each
# takes a shared token); bulk stays within its share; and while urgent reservations are queued
# (the shared bucket below one token) bulk gets nothing until they are served.
BULK_KEY = "avisa:ratelimit:sms:bulk"

# KEYS[1] shared bucket, KEYS[2] bulk bucket. ARGV: rate, burst, bulk rate, bulk burst.
# Returns {granted (0|1), microseconds before both buckets could have a token}.
_BULK_SCRIPT = """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local bulk_rate, bulk_burst = tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function level(key, r, b)
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens, at = tonumber(state[1]), tonumber(state[2])
  if tokens == nil or at == nil then return b end
  return math.min(b, tokens + math.max(0, now - at) * r / 1000000)
end
local shared, bulk = level(KEYS[1], rate, burst), level(KEYS[2], bulk_rate, bulk_burst)
if shared < 1 or bulk < 1 then
  local wait = math.max((1 - shared) / rate, (1 - bulk) / bulk_rate, 0)
  return {0, math.ceil(wait * 1000000)}
end
local function take(key, tokens, r, b)
  redis.call('HSET', key, 'tokens', string.format('%.9f', tokens - 1), 'at', string.format('%.0f', now))
  redis.call('PEXPIRE', key, math.ceil((b - tokens + 1) / r * 1000) + 1000)
end
take(KEYS[1], shared, rate, burst)
take(KEYS[2], bulk, bulk_rate, bulk_burst)
return {1, 0}
"""
BULK_POLL_MAX_S = 0.25  # a waiting bulk send looks again at least this often (and at give_up)


class BulkGaveUp(Exception):
    """The caller's ``give_up`` said stop waiting (urgent work arrived); nothing was taken."""


class BulkRateLimiter(RateLimiter):
    """``acquire()`` for bulk texts: at most ``share`` × ``rate``, and only what urgent texts leave."""

    def __init__(
        self,
        redis: Redis,
        rate: float,
        share: float,
        *,
        key: str = DEFAULT_KEY,
        bulk_key: str = BULK_KEY,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not 0 < share <= 1:
            raise ValueError("share must be in (0, 1]")
        super().__init__(redis, rate, key=key, sleep=sleep)
        self.bulk_rate = self.rate * share
        self.bulk_burst = max(1.0, self.bulk_rate / 10)
        self.bulk_key = bulk_key
        self._bulk_script = redis.register_script(_BULK_SCRIPT)
        self._local = _LocalBucket(self.bulk_rate)

    def reserve(self, max_wait: float = NO_LIMIT_S) -> tuple[bool, float]:
        """One script call: (granted now, seconds before asking again). Never a reservation."""
        granted, micros = self._bulk_script(
            keys=[self.key, self.bulk_key],
            args=[self.rate, self.burst, self.bulk_rate, self.bulk_burst],
        )
        return bool(granted), int(micros) / 1_000_000

    def acquire(
        self, timeout: float | None = None, give_up: Callable[[], bool] | None = None
    ) -> float:
        """Block until both tokens are ours; returns the seconds slept. Raises ``BulkGaveUp`` when
        ``give_up()`` turns true while waiting, ``RateLimitTimeout`` past ``timeout``. With Redis
        away this process paces itself at the bulk rate alone."""
        waited = 0.0
        while True:
            if give_up is not None and give_up():
                raise BulkGaveUp("urgent work is waiting")
            if time.monotonic() < self._redis_down_until:
                return waited + self._local.acquire(self._sleep)
            try:
                granted, wait = self.reserve()
            except RedisError as exc:
                log.warning(
                    "bulk rate limit bucket unreachable (%s); pacing this process alone for %ss",
                    type(exc).__name__,
                    REDIS_RETRY_S,
                )
                self._redis_down_until = time.monotonic() + REDIS_RETRY_S
                continue
            if granted:
                return waited
            if timeout is not None and waited + wait > timeout:
                raise RateLimitTimeout(f"no bulk send token within {timeout}s")
            # Jittered so several waiting threads do not all ask at the same instant.
            pause = min(BULK_POLL_MAX_S, wait) * random.uniform(1.0, 1.5)
            self._sleep(pause)
            waited += pause
