import json
import os
import subprocess
import sys
import textwrap
import time

import pytest
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from avisa.redis_server import free_port
from tests.servers import wait_for
from workers.ratelimit import RateLimiter, RateLimitTimeout

# Lower bounds only ("never faster than the rate"): a slow machine makes them easier, never flaky.


def test_burst_is_free_then_each_token_is_reserved_one_interval_later(redis_client):
    limiter = RateLimiter(
        redis_client, rate=1, burst=3
    )  # 1/s: a stalled test machine still reads true
    waits = [limiter.reserve()[1] for _ in range(6)]
    assert waits[:3] == [0, 0, 0]
    assert 0 < waits[3] <= 1
    assert waits[3] < waits[4] < waits[5]  # reservations queue up, first come first served
    assert 1.5 < waits[5] - waits[3] <= 2


def test_acquire_with_timeout_refuses_without_reserving(redis_client):
    slept = []
    limiter = RateLimiter(redis_client, rate=1, burst=1, sleep=slept.append)
    assert limiter.acquire() == 0
    with pytest.raises(RateLimitTimeout):
        limiter.acquire(timeout=0.1)
    granted, wait = limiter.reserve()
    assert (
        granted and 0 < wait <= 1.0
    )  # the refused call took nothing: this is the next token, not the one after


def test_buckets_with_different_keys_are_independent(redis_client):
    a = RateLimiter(redis_client, rate=1, burst=1, key="bucket:a")
    b = RateLimiter(redis_client, rate=1, burst=1, key="bucket:b")
    assert a.reserve()[1] == 0 and b.reserve()[1] == 0


def test_without_redis_a_process_paces_itself(caplog):
    dead = Redis(
        host="127.0.0.1", port=free_port(), socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    limiter = RateLimiter(dead, rate=10)
    started = time.monotonic()
    for _ in range(3):
        limiter.acquire()
    assert time.monotonic() - started >= 0.2  # the 2nd and 3rd wait their 0.1 s
    assert len([r for r in caplog.records if "unreachable" in r.message]) == 1


WORKER = textwrap.dedent("""
    import json, sys, time
    from redis import Redis
    from workers.ratelimit import RateLimiter
    url, rate, count = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    redis = Redis.from_url(url)
    limiter = RateLimiter(redis, rate=rate, burst=1)
    redis.rpush("test:ready", 1)
    redis.blpop(["test:go"], timeout=60)  # both begin together, once both are started up
    granted = []
    for _ in range(count):
        limiter.acquire()
        granted.append(time.time())
    print(json.dumps(granted))
""")


def test_two_processes_share_one_rate(redis_client, redis_url):
    rate, per_process = 20.0, 20
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, redis_url, str(rate), str(per_process)],
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ | {"PYTHONPATH": os.getcwd()},
        )
        for _ in range(2)
    ]
    wait_for(lambda: redis_client.llen("test:ready") == 2, timeout=60)
    start_at = time.time()
    redis_client.rpush("test:go", 1, 1)
    outputs = [p.communicate(timeout=60)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    granted = sorted(t for out in outputs for t in json.loads(out))
    assert len(granted) == 2 * per_process
    # Token k (0-based, burst 1) is not usable before k/rate after the first call. Two separate
    # buckets would finish in half the time.
    for k, at in enumerate(granted):
        assert at - start_at >= k / rate - 0.005, f"token {k} granted early"
