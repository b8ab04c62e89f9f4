"""Pytest fixtures for the Twilio fake, and a Redis client on the session's server (``redis_url``
from tests/conftest.py). Loaded by ``pytest_plugins`` in tests/conftest.py."""

from collections.abc import Iterator

import pytest
from redis import Redis

from avisa.testing.twilio_server import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

OUR_NUMBER = "+13235550000"  # the hotline's own number, which texts and calls come from


@pytest.fixture
def twilio_fake() -> Iterator[FakeTwilio]:
    """A fresh fake per test: no latency, no injected errors, callbacks on (by HTTP)."""
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def twilio_backend(settings, monkeypatch, twilio_fake: FakeTwilio) -> Iterator[FakeTwilio]:
    """``twilio_fake`` with this process's settings pointed at it: Avisa sends, calls, fetches
    and deletes through the real SDK against it. Tune the fake (``callbacks``,
    ``callback_sink``, faults) before posting."""
    from core.settings import get_settings

    for name, value in {
        "AVISA_SMS_BACKEND": "twilio",
        "AVISA_TWILIO_API_URL": twilio_fake.url,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": OUR_NUMBER,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield twilio_fake
    get_settings.cache_clear()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()
