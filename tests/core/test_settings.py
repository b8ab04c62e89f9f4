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


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AVISA_REGION", "south gate"),
        ("AVISA_REGION", "33.9,-118.2"),
        ("AVISA_ONLINE_GEOCODER", "googel"),
        ("AVISA_LOG_LEVEL", "LOUD"),
        ("AVISA_PUBLIC_URL", "hotline.example.org"),
    ],
)
def test_a_bad_value_fails_at_parse_naming_the_setting(monkeypatch, name, value):
    """Parsed once at start-up: a typo must stop the process there, not in a raid's first job."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.removeprefix("AVISA_").lower()):
        Settings()


def test_the_region_is_parsed_once_into_the_settings(monkeypatch):
    monkeypatch.setenv("AVISA_REGION", "41.88,-87.63,30")
    region = Settings().service_region
    assert (region.lat, region.lon, region.radius_m) == (41.88, -87.63, 30_000)
