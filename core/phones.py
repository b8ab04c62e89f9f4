"""Phone numbers: the most dangerous data Avisa holds.

Numbers are normalised to E.164, stored only encrypted (Fernet, key derived from AVISA_SECRET_KEY)
and found again by a keyed hash (HMAC-SHA256 "blind index"). ``mask`` is the only form fit for
output and logs.
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

import phonenumbers
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import AfterValidator

from core.errors import Invalid

DEFAULT_REGION = "US"


class InvalidPhone(Invalid):
    """The text is not a valid phone number; the message says why (safe to show the caller)."""


def normalize(raw: str, region: str = DEFAULT_REGION) -> str:
    """Return ``raw`` as E.164 (``+13235550101``) or raise InvalidPhone."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(
            "not a phone number: {reason}", reason=exc.args[0] if exc.args else "unparseable"
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone("not a possible phone number (wrong length)")
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("not a valid phone number for its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


PhoneE164 = Annotated[str, AfterValidator(normalize)]


def mask(e164: str | None) -> str:
    """``+13235550101`` → ``+1••••••0101``: enough to tell numbers apart, not to call one."""
    if not e164:
        return ""
    prefix, sep, rest = e164.partition(":")  # a channel address: whatsapp:+1…
    if sep and rest:
        return f"{prefix}:{mask(rest)}"
    return e164[:2] + "•" * max(len(e164) - 6, 0) + e164[-4:]


# Number-like runs in free text: "+1 (323) 555-0101", "323-555-0101", "(323) 555 0101",
# "555-0101", "3235550101". Not ZIPs, street numbers, times, dates or incident numbers.
_NUMBER_LIKE = re.compile(
    r"(?<![\w+])(?:"
    r"\+\d[\d\s().-]{6,}\d"  # international, any punctuation
    r"|\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}"  # North American, 10 digits
    r"|\d{3}-\d{4}"  # a local 7-digit number written with a dash (not 118.2273, a longitude)
    r"|\d{7,}"  # any other long run of digits
    r")(?![\w])"
)
_DIGIT_BUT_LAST_FOUR = re.compile(r"\d(?=(?:\D*\d){4})")


def mask_numbers_in(text: str) -> str:
    """Free text (a report, a note) with every number-like run masked but its last four digits:
    "llamen al 323-555-0101" → "llamen al •••-•••-0101". Safe to show and to log."""
    return _NUMBER_LIKE.sub(lambda m: _DIGIT_BUT_LAST_FOUR.sub("•", m.group()), text)


@dataclass(frozen=True)
class PhoneVault:
    """Encrypts, decrypts and blind-indexes numbers with keys derived from one secret."""

    fernet: Fernet
    index_key: bytes

    def seal(self, e164: str) -> str:
        return self.fernet.encrypt(e164.encode()).decode()

    def open(self, token: str) -> str:
        return self.fernet.decrypt(token.encode()).decode()

    def index(self, e164: str) -> str:
        """Deterministic keyed hash for lookups; without the secret it reveals nothing."""
        return hmac.new(self.index_key, e164.encode(), hashlib.sha256).hexdigest()


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"avisa", info=purpose).derive(
        secret.encode()
    )


@lru_cache(maxsize=4)
def vault_for(secret: str) -> PhoneVault:
    fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"phone-encryption")))
    return PhoneVault(fernet=fernet, index_key=_derive(secret, b"phone-blind-index"))
