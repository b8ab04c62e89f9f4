"""The swappable part that puts a text on a phone.

Exception tree (a provider translates its own errors into these, in one place):

    SendError
    ├── TransientSendError      safe to try again later (rate limited, 5xx, refused before sending)
    │   └── UncertainSendError  the provider may have accepted it (timeout after the request went
    │                           out): do not resend blindly; reconcile by status callback or
    │                           provider lookup
    └── PermanentSendError      will never succeed as is (opted out at carrier, invalid number …)
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Fetched:
    """A file the provider holds for us (a resident's photo, a caller's recording)."""

    content: bytes
    content_type: str


@dataclass(frozen=True)
class Receipt:
    provider_sid: str
    status: str = "accepted"


class SendError(Exception):
    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status


class TransientSendError(SendError):
    pass


class UncertainSendError(TransientSendError):
    pass


class PermanentSendError(SendError):
    pass


class SmsProvider(Protocol):
    def send(self, to: str, body: str, *, idempotency_key: str) -> Receipt:
        """Hand one text to the provider. ``to`` is E.164. Raises a ``SendError`` subclass."""
        ...

    def place_call(self, to: str, url: str, *, idempotency_key: str) -> Receipt:
        """Ring ``to`` (E.164); when answered the provider fetches its TwiML from ``url``.
        Raises a ``SendError`` subclass, as ``send`` does."""
        ...

    def fetch_media(self, message_sid: str, media_sid: str) -> Fetched:
        """The file of attachment ``media_sid`` of inbound message ``message_sid``. Raises a
        ``SendError``: PermanentSendError(status=404) when the provider no longer holds it."""
        ...

    def fetch_recording(self, recording_sid: str) -> Fetched:
        """A call recording's audio; errors as for ``fetch_media``."""
        ...
