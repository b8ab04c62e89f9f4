"""Which ``SmsProvider`` this process sends with, chosen by ``AVISA_SMS_BACKEND``."""

import threading

from core.settings import Settings
from messaging.local import LocalProvider
from messaging.provider import SmsProvider

_twilio_providers: dict[tuple, SmsProvider] = {}
_lock = threading.Lock()


def get_provider(settings: Settings) -> SmsProvider:
    """The provider for ``settings`` (``local`` or ``twilio``).

    A Twilio provider is reused for the same account, endpoint and callback URL, so a worker
    process keeps one warm connection pool rather than opening a new one for every job.
    """
    if settings.sms_backend != "twilio":
        return LocalProvider()
    key = (
        settings.twilio_api_url,
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        settings.twilio_messaging_service_sid,
        settings.twilio_from_number,
        settings.public_url,
        settings.send_concurrency,
    )
    with _lock:
        provider = _twilio_providers.get(key)
        if provider is None:
            from messaging.twilio_backend import TwilioProvider  # the SDK loads only when used

            provider = _twilio_providers[key] = TwilioProvider(settings)
    return provider
