import pytest
from pydantic import ValidationError

from core.settings import Settings


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.setenv("AVISA_ENV", "production")
    monkeypatch.setenv("AVISA_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("AVISA_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="AVISA_SECRET_KEY"):
        Settings()


def test_production_refuses_to_run_without_redis(monkeypatch):
    monkeypatch.setenv("AVISA_ENV", "production")
    monkeypatch.setenv("AVISA_SECRET_KEY", "x" * 40)
    monkeypatch.delenv("AVISA_REDIS_URL", raising=False)
    with pytest.raises(ValidationError, match="AVISA_REDIS_URL"):
        Settings()


def test_production_starts_with_a_secret_and_redis(monkeypatch):
    monkeypatch.setenv("AVISA_ENV", "production")
    monkeypatch.setenv("AVISA_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("AVISA_REDIS_URL", "redis://127.0.0.1:6379/0")
    assert Settings().env == "production"


def test_twilio_backend_needs_credentials(monkeypatch):
    monkeypatch.setenv("AVISA_SMS_BACKEND", "twilio")
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    with pytest.raises(ValidationError, match="TWILIO"):
        Settings()
