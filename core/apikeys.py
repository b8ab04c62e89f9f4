"""Coordinator API keys: shown once, stored as a SHA-256 hash (keys are random, so no salt needed)."""

import hashlib
import secrets

from sqlmodel import Session, select

from core.enums import AccessRole
from core.errors import Invalid
from core.models import ApiKey

ROLES = tuple(AccessRole)
PREFIX = "avk_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, *, name: str, role: str) -> tuple[ApiKey, str]:
    """Store a new key and return it with its plaintext, which is not kept anywhere."""
    if role not in ROLES:
        raise Invalid(f"role: must be one of {', '.join(ROLES)}")
    plaintext = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, role=role, key_hash=_hash(plaintext))
    session.add(key)
    session.flush()
    return key, plaintext


def authenticate(session: Session, plaintext: str) -> ApiKey | None:
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == _hash(plaintext))).first()
    return key if key is not None and key.revoked_at is None else None
