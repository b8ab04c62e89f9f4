"""Pytest fixtures for the Twilio fake and a real Redis. Wire them in with, in tests/conftest.py:

    pytest_plugins = ["tests.fakes.conftest_twilio"]

(or import the fixtures by name into a test module, as tests/workers/test_sender.py does).
"""

from collections.abc import Iterator

import pytest
from redis import Redis

from tests.fakes.redis_server import redis_server
from tests.fakes.twilio_server import FakeTwilio


@pytest.fixture
def twilio_fake() -> Iterator[FakeTwilio]:
    """A fresh fake per test: no latency, no injected errors, callbacks on (by HTTP)."""
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """One redis-server for the whole session; tests isolate themselves with ``redis_client``."""
    with redis_server() as url:
        yield url


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()
