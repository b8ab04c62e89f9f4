"""``avisa dev``: the whole of Avisa on one machine — API, a worker with the scheduler, SQLite,
an embedded real Redis (unless AVISA_REDIS_URL is set) and the local SMS backend, which prints
each outgoing text in this terminal."""

import os
import signal
import subprocess
import sys
import time

from avisa.migrations import upgrade
from avisa.redis_server import RedisServer
from core.settings import get_settings


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "avisa", *args], env=env)


def run(*, host: str, port: int) -> int:
    settings = get_settings()
    env = dict(
        os.environ, AVISA_PUBLIC_URL=os.environ.get("AVISA_PUBLIC_URL", f"http://{host}:{port}")
    )
    redis = None
    if not settings.redis_url:
        redis = RedisServer().start()
        env["AVISA_REDIS_URL"] = redis.url
        print(f"embedded Redis on {redis.url}")
    upgrade(settings.database_url)
    children = [
        _spawn(["serve", "--host", host, "--port", str(port)], env),
        _spawn(["worker"], env),
    ]
    print(
        f"Avisa is up: API http://{host}:{port} (docs at /docs); "
        f"SMS backend: {settings.sms_backend}. Ctrl-C stops."
    )
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
        if redis:
            redis.stop()
    return 0 if stopping else 1
