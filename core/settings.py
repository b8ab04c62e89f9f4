"""Avisa's settings: environment variables with the ``AVISA_`` prefix (and Twilio's own names).

One table of them lives in the README; keep the two in step.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.geo.region import Region

DEFAULT_SECRET = "dev-only-secret-change-me"
ONLINE_GEOCODERS = ("", "nominatim")  # core.geo.online.make_online_geocoder builds these


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AVISA_", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./avisa.db"
    # Unset in development means: start the embedded redis-server (avisa dev, tests).
    redis_url: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    secret_key: str = DEFAULT_SECRET
    sms_backend: Literal["local", "twilio"] = "local"
    send_rate: float = Field(10.0, gt=0, description="messages per second, all workers together")
    # At least 2 × rate × provider latency, so one worker alone can keep up with the rate.
    send_concurrency: int = Field(32, ge=1, description="provider requests in flight per worker")
    twilio_api_url: str = "https://api.twilio.com"
    dedup_radius_m: float = Field(400.0, gt=0)
    dedup_window_min: float = Field(60.0, gt=0)
    expire_after_min: float = Field(180.0, gt=0)
    confirm_reporters: int = Field(
        3, ge=1, description="distinct reporters that confirm an incident"
    )
    ack_minutes: float = Field(5.0, gt=0)
    followup_minutes: float = Field(15.0, gt=0)
    quiet_minutes: float = Field(
        10.0, ge=0, description="one message per incident per subscriber per this"
    )
    region: str = "33.96,-118.21,25"
    online_geocoder: str = ""
    geo_min_confidence: float = Field(
        0.5, ge=0, le=1, description="calibrated confidence below which a place is asked for"
    )
    retention_days: int = Field(30, ge=1)
    hotline_name: str = "Avisa"
    log_level: str = "INFO"
    # The Twilio library logs each request at INFO in ~11 lines (method, URL, headers, response):
    # thousands of lines a second during a fan-out. On: those lines, numbers masked, for debugging.
    twilio_http_log: bool = False

    # Twilio's own names, read without the AVISA_ prefix.
    twilio_account_sid: str = Field("", validation_alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: str = Field("", validation_alias="TWILIO_AUTH_TOKEN")
    twilio_messaging_service_sid: str = Field("", validation_alias="TWILIO_MESSAGING_SERVICE_SID")
    twilio_from_number: str = Field("", validation_alias="TWILIO_FROM_NUMBER")

    # Trust: what counts as a report, and the limits that hold a flood.
    legal_aid_line: str = Field(
        "", description="phone line residents are told to call; empty: none"
    )
    reporter_window_min: float = Field(
        10.0, gt=0, description="per-number limits look this far back"
    )
    reporter_places_limit: int = Field(
        3,
        ge=1,
        description="places one number may name per window; this one is held, past it open nothing",
    )
    reporter_move_m: float = Field(
        2000.0, gt=0, description="a number's second place farther than this from its first is held"
    )
    flood_window_min: float = Field(10.0, gt=0, description="flood signals look this far back")
    flood_similar_ratio: float = Field(
        90.0,
        gt=0,
        le=100,
        description="text similarity (0-100) that makes two texts near-identical",
    )
    flood_similar_numbers: int = Field(
        5, ge=2, description="distinct new numbers sending near-identical texts that mark a flood"
    )
    flood_sequential_numbers: int = Field(
        4, ge=2, description="reporters with consecutive numbers that mark a flood"
    )
    flood_incident_rate: int = Field(
        10, ge=1, description="new incidents per flood window above which new ones are held"
    )
    # Sign-ups and commands cost texts: each number gets one answer per window to each of
    # STOP, START, HELP and JOIN (STOP itself always takes effect at once), and a zone sends
    # at most a burst of sign-up confirmations per window (the rest wait, see core.signup).
    command_window_min: float = Field(
        10.0, gt=0, description="one answer per number per command per this; sign-up bursts too"
    )
    signup_burst: int = Field(
        30, ge=1, description="sign-up confirmations a zone sends per window; more wait"
    )
    signup_sequential_numbers: int = Field(
        5, ge=2, description="consecutive numbers signing up in a window that mark a flood"
    )
    # Priorities. Opt-in confirmations and broadcasts may use at most this share of
    # AVISA_SEND_RATE; alerts, updates and replies may always use all of it, and go first.
    bulk_share: float = Field(
        0.5, gt=0, le=1, description="share of the send rate bulk texts may use"
    )

    # The coordinators' API and its privacy.
    # Set: GET /metrics wants "Authorization: Bearer <token>" (queue depths and counts are a map
    # of the network's activity); empty: open, for a scraper on a private network.
    metrics_token: str = ""
    # An opted-out subscriber's name, number, zones and texts are erased this long after they left.
    opted_out_grace_days: int = Field(30, ge=0)

    # The console.
    # Path of the console's .pmtiles basemap; empty means the one shipped with the console
    # (Los Angeles County), "off" means no basemap (the map still shows incidents and zones).
    basemap: str = ""

    # Detention cases (core.cases): how long a case waits to be taken before it goes wider, how
    # long a family's next text counts as the answer to our question, and how long a closed
    # case's personal data is kept.
    case_take_minutes: float = Field(
        30.0, gt=0, description="a case nobody took in this long is offered wider"
    )
    case_answer_minutes: float = Field(
        60.0, gt=0, description="a family's next text is the answer to our question this long"
    )
    case_purge_days: int = Field(
        30, ge=1, description="a closed case's personal data is erased this long after it closes"
    )

    # Beyond one SMS: calls when an alert text fails, WhatsApp.
    call_from_number: str = ""  # the voice number alert calls ring from; empty: TWILIO_FROM_NUMBER
    whatsapp_from_number: str = ""  # our WhatsApp sender; empty: TWILIO_FROM_NUMBER
    whatsapp_template_alert: str = ""  # approved Content SID (HX…) for alerts outside 24 h
    whatsapp_template_update: str = ""  # … for updates (stand-down, all-clear)

    # Every value that could fail later is checked here, so a typo stops start-up naming the
    # setting instead of failing inside the first intake job of a raid.
    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        try:
            Region.parse(value)
        except ValueError as exc:
            raise ValueError(f"AVISA_REGION: {exc}") from None
        return value

    @field_validator("online_geocoder")
    @classmethod
    def _online_geocoder(cls, value: str) -> str:
        name = value.strip().lower()
        if name not in ONLINE_GEOCODERS:
            raise ValueError(f"AVISA_ONLINE_GEOCODER: unknown {value!r}; use '' or 'nominatim'")
        return name

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ValueError(f"AVISA_LOG_LEVEL: {value!r} is not a level (DEBUG, INFO, WARNING …)")
        return level

    @field_validator("call_from_number", "whatsapp_from_number")
    @classmethod
    def _e164_or_empty(cls, value: str) -> str:
        value = value.strip().removeprefix("whatsapp:")
        if value and not (value.startswith("+") and value[1:].isdigit() and len(value) >= 8):
            raise ValueError(f"must be a number in E.164 (+13235550000), not {value!r}")
        return value

    @field_validator("whatsapp_template_alert", "whatsapp_template_update")
    @classmethod
    def _content_sid(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith("HX"):
            raise ValueError(f"must be a Twilio Content SID (HX…), not {value!r}")
        return value

    @field_validator("public_url", "twilio_api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL, not {value!r}")
        return value.rstrip("/")

    @property
    def service_region(self) -> Region:
        """The parsed ``AVISA_REGION``."""
        return Region.parse(self.region)

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        if self.env == "production":
            if self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32:
                raise ValueError(
                    "AVISA_SECRET_KEY must be set to a random value of 32+ characters in production"
                )
            if not self.redis_url:
                raise ValueError("AVISA_REDIS_URL must be set in production (no embedded Redis)")
            if self.sms_backend == "local":
                raise ValueError(
                    "AVISA_SMS_BACKEND=local only prints texts: production needs twilio"
                )
            if not self.twilio_auth_token:
                # Without it webhooks are checked against the development stand-in
                # (``signing_token``), which anyone who has read this file can compute.
                raise ValueError(
                    "TWILIO_AUTH_TOKEN must be set in production: webhooks are verified with it"
                )
            if self.database_url.startswith("sqlite"):
                raise ValueError(
                    "AVISA_DATABASE_URL must be PostgreSQL in production, not SQLite (one writer "
                    "at a time, on one machine)"
                )
        if self.sms_backend == "twilio" and not self.twilio_auth_token:
            raise ValueError(
                "AVISA_SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
            )
        return self

    @property
    def signing_token(self) -> str:
        """The secret Twilio signs webhooks with; in local mode a stand-in derived from the secret
        key."""
        return self.twilio_auth_token or f"local-{self.secret_key}"

    # Logs. ``json``: one JSON object a line (time, level, logger, message, request_id, job_id),
    # for a log pipeline; ``text`` for a terminal.
    log_format: Literal["text", "json"] = "text"

    # Geocoding.
    gazetteer: str = ""  # path of a built gazetteer (avisa gazetteer build); empty = shipped


_overrides: list[Settings] = []


def get_settings() -> Settings:
    """The process's settings: parsed from the environment once (a bad value stops start-up with
    the setting's name), or the ones ``using`` put in force. Tests call
    ``get_settings.cache_clear()`` after changing the environment."""
    return _overrides[-1] if _overrides else _from_environment()


@lru_cache
def _from_environment() -> Settings:
    return Settings()


get_settings.cache_clear = _from_environment.cache_clear  # type: ignore[attr-defined]


@contextmanager
def using(settings: Settings) -> Iterator[Settings]:
    """Put ``settings`` in force for this process until the block ends (``avisa replay`` runs a
    throwaway Avisa this way instead of editing ``os.environ``). Process-wide, not per thread:
    the sender's thread pool must see them too."""
    _overrides.append(settings)
    try:
        yield settings
    finally:
        _overrides.remove(settings)
