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
import uuid
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


# Lanes (``core.enums.Lane``): the first lane takes from the bucket above with reservations, so
# its texts queue on one clock and wait only for each other. Every other lane takes a token only
# when one is there now (never a reservation: the bucket never goes negative for it) and only while
# no higher lane has a sender waiting. A waiting sender of lane L registers itself (a sorted set
# of expiring members per lane), so lane L+1 stays out until lane L is served. Hence all lanes
# together stay within the rate (each takes a shared token), a lower lane gets whatever the
# higher ones leave, and none of them idles the rate while its texts wait.
WAITING_KEY = "avisa:ratelimit:sms:waiting:"  # + the lane's number

# KEYS[1] the shared bucket, KEYS[2..n-1] waiting sets of the higher lanes (not the first: its
# reservations already show in the bucket), KEYS[n] this lane's waiting set.
# ARGV: rate, burst, member, how long (µs) a waiting member counts.
# Returns {granted (0|1), microseconds before asking again}.
_LANE_SCRIPT = """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local member, ttl = ARGV[3], tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local own = KEYS[#KEYS]
local function wait_for(micros)
  redis.call('ZADD', own, now + ttl, member)
  redis.call('PEXPIRE', own, math.ceil(ttl / 1000) + 1000)
  return {0, math.ceil(micros)}
end
for i = 2, #KEYS - 1 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if redis.call('ZCARD', KEYS[i]) > 0 then return wait_for(1000000 / rate) end
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil or at == nil then tokens, at = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000000)
if tokens < 1 then return wait_for((1 - tokens) / rate * 1000000) end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', string.format('%.9f', tokens), 'at', string.format('%.0f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
redis.call('ZREM', own, member)
return {1, 0}
"""
LANE_POLL_MAX_S = 0.25  # a waiting sender looks again at least this often (and at give_up)
WAITING_TTL_S = 0.6  # a waiting sender's mark outlives its longest pause between looks


class GaveUp(Exception):
    """The caller's ``give_up`` said stop waiting (higher-lane work arrived); nothing was taken."""


BulkGaveUp = GaveUp  # the name callers knew when there were two lanes


class LaneRateLimiter(RateLimiter):
    """``acquire()`` for a text of ``lane`` > 0: a token of the shared bucket when one is free now
    and no sender of a higher lane is waiting for one."""

    def __init__(
        self,
        redis: Redis,
        rate: float,
        lane: int,
        *,
        key: str = DEFAULT_KEY,
        waiting_key: str = WAITING_KEY,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if lane < 1:
            raise ValueError("the first lane takes reservations: use RateLimiter")
        super().__init__(redis, rate, key=key, sleep=sleep)
        self.lane = lane
        self._redis = redis
        self._keys = [key] + [f"{waiting_key}{higher}" for higher in range(1, lane + 1)]
        self._lane_script = redis.register_script(_LANE_SCRIPT)
        # One thread of this process asks Redis at a time; the others wait here without a call
        # each: a pool of 32 threads polling every few milliseconds costs more CPU than it sends.
        self._polling = threading.Lock()

    def reserve(self, max_wait: float = NO_LIMIT_S, member: str = "") -> tuple[bool, float]:
        """One script call: (granted now, seconds before asking again). Never a reservation."""
        granted, micros = self._lane_script(
            keys=self._keys,
            args=[self.rate, self.burst, member or uuid.uuid4().hex, int(WAITING_TTL_S * 1e6)],
        )
        return bool(granted), int(micros) / 1_000_000

    def acquire(
        self, timeout: float | None = None, give_up: Callable[[], bool] | None = None
    ) -> float:
        """Block until a token is ours; returns the seconds slept. Raises ``GaveUp`` when
        ``give_up()`` turns true while waiting, ``RateLimitTimeout`` past ``timeout``. With Redis
        away this process paces itself at the rate alone."""
        member = uuid.uuid4().hex
        waited = 0.0
        try:
            with self._polling:
                while True:
                    if give_up is not None and give_up():
                        raise GaveUp("higher-lane work is waiting")
                    if time.monotonic() < self._redis_down_until:
                        return waited + self._local.acquire(self._sleep)
                    try:
                        granted, wait = self.reserve(member=member)
                    except RedisError as exc:
                        log.warning(
                            "lane %d rate limit unreachable (%s); pacing this process alone "
                            "for %ss",
                            self.lane,
                            type(exc).__name__,
                            REDIS_RETRY_S,
                        )
                        self._redis_down_until = time.monotonic() + REDIS_RETRY_S
                        continue
                    if granted:
                        return waited
                    if timeout is not None and waited + wait > timeout:
                        raise RateLimitTimeout(f"no lane {self.lane} send token within {timeout}s")
                    # Jittered so the processes waiting do not all ask at the same instant.
                    pause = min(LANE_POLL_MAX_S, wait) * random.uniform(1.0, 1.5)
                    self._sleep(pause)
                    waited += pause
        except GaveUp:
            self._forget(member)
            raise

    def _forget(self, member: str) -> None:
        """A sender that stopped waiting no longer holds the lanes below back."""
        try:
            self._redis.zrem(self._keys[-1], member)
        except RedisError:
            pass  # its mark expires within WAITING_TTL_S
