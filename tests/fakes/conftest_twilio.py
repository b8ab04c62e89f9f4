"""Pytest fixtures for the Twilio fake, and a Redis client on the session's server (``redis_url``
from tests/conftest.py). Loaded by ``pytest_plugins`` in tests/conftest.py."""

from collections.abc import Iterator

import pytest
from redis import Redis

from avisa.testing.twilio_server import FakeTwilio


@pytest.fixture
def twilio_fake() -> Iterator[FakeTwilio]:
    """A fresh fake per test: no latency, no injected errors, callbacks on (by HTTP)."""
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()
