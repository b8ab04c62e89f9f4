import os

import pytest
from pydantic import ValidationError

from core.settings import Settings

# A production environment that starts; each test below spoils one setting of it.
PRODUCTION = {
    "AVISA_ENV": "production",
    "AVISA_SECRET_KEY": "x" * 40,
    "AVISA_REDIS_URL": "redis://127.0.0.1:6379/0",
    "AVISA_DATABASE_URL": "postgresql://avisa@db.internal/avisa",
    "AVISA_SMS_BACKEND": "twilio",
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "TWILIO_AUTH_TOKEN": "t" * 32,
}


@pytest.fixture
def production(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("AVISA_", "TWILIO_")):
            monkeypatch.delenv(name)
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_production_starts_with_safe_settings(production):
    assert Settings().env == "production"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AVISA_SECRET_KEY", None),  # the development default
        ("AVISA_SECRET_KEY", "short"),
        ("AVISA_REDIS_URL", None),  # the embedded redis-server is for development
        ("AVISA_SMS_BACKEND", "local"),  # texts printed, never sent
        ("AVISA_SMS_BACKEND", None),  # local is the default
        ("TWILIO_AUTH_TOKEN", ""),  # webhooks checked against the development stand-in
        ("AVISA_DATABASE_URL", "sqlite:///./avisa.db"),
        ("AVISA_DATABASE_URL", None),  # SQLite is the default
    ],
)
def test_production_refuses_an_unsafe_setting_naming_it(production, name, value):
    if value is None:
        production.delenv(name)
    else:
        production.setenv(name, value)
    with pytest.raises(ValidationError, match=name):
        Settings()


def test_development_keeps_its_conveniences(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("AVISA_", "TWILIO_")):
            monkeypatch.delenv(name)
    settings = Settings()
    assert (settings.env, settings.sms_backend) == ("development", "local")
    assert settings.database_url.startswith("sqlite") and settings.redis_url is None


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
