"""Coordinator API keys: shown once, stored as a SHA-256 hash (keys are random, so no salt needed),
listed without their secret, revoked at once."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from core import audit
from core.clock import now
from core.enums import AccessRole
from core.errors import Invalid, NotFound
from core.models import ApiKey

ROLES = tuple(AccessRole)
PREFIX = "avk_"
NAME_MAX = 120
# last_used_at is written at most this often per key: a read-heavy dashboard must not turn every
# GET into a write.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, *, name: str, role: str, actor: str = "cli") -> tuple[ApiKey, str]:
    """Store a new key (audited) and return it with its plaintext, which is not kept anywhere."""
    name = name.strip()
    if role not in ROLES:
        raise Invalid("role: must be one of {choices}", choices=", ".join(ROLES))
    if not name or len(name) > NAME_MAX:
        raise Invalid("name: 1 to {most} characters", most=NAME_MAX)
    plaintext = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, role=AccessRole(role), key_hash=_hash(plaintext))
    session.add(key)
    session.flush()
    audit.record(
        session, actor=actor, action="apikey.create", target=f"apikey:{key.id}", detail=role
    )
    return key, plaintext


def authenticate(session: Session, plaintext: str) -> ApiKey | None:
    """The key with this secret, unless unknown or revoked. Notes when it was last used (at most
    once a ``TOUCH_EVERY``, in ``session``: the caller commits)."""
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == _hash(plaintext))).first()
    if key is None or key.revoked_at is not None:
        return None
    moment = now()
    stale = moment - TOUCH_EVERY
    session.exec(
        update(ApiKey)
        .where(col(ApiKey.id) == key.id)
        .where(or_(col(ApiKey.last_used_at).is_(None), col(ApiKey.last_used_at) < stale))
        .values(last_used_at=moment)
    )
    return key


def listing() -> SelectOfScalar[ApiKey]:
    """Every key, revoked ones too, as a query to page through (newest first)."""
    return select(ApiKey)


def all_keys(session: Session) -> list[ApiKey]:
    return list(session.exec(listing().order_by(col(ApiKey.id))))


def revoke(session: Session, key_id: int, *, actor: str) -> ApiKey:
    """Revoke the key now (audited): every request with it answers 401 from then on. Revoking a
    revoked key changes nothing. NotFound for an unknown id."""
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("no such API key {id}", id=key_id)
    if key.revoked_at is None:
        key.revoked_at = now()
        session.add(key)
        audit.record(session, actor=actor, action="apikey.revoke", target=f"apikey:{key.id}")
    return key
