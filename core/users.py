"""Console accounts: named people, argon2id passwords, revocable sessions, a lockout.

A session's cookie holds a random token; the database keeps only its SHA-256 (tokens are random,
so no salt is needed), so a leaked table cannot sign anyone in. Each session carries its own CSRF
token. After ``MAX_FAILURES`` wrong passwords for one username within ``LOCKOUT_WINDOW`` further
attempts are refused, right password or not, until the window has passed.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, func, select

from core import audit
from core.clock import now
from core.enums import AccessRole, Language
from core.errors import Conflict, Invalid
from core.models import ConsoleLoginFailure, ConsoleSession, ConsoleUser

MAX_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class SignInRefused(Exception):
    """Wrong name or password, or locked out; ``locked`` tells which (never which part)."""

    def __init__(self, *, locked: bool):
        super().__init__("locked" if locked else "wrong username or password")
        self.locked = locked


@dataclass(frozen=True)
class SignedIn:
    user: ConsoleUser
    session: ConsoleSession


def actor(user: ConsoleUser) -> str:
    """The name a console user's actions are audited under."""
    return f"user:{user.username}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    session: Session, username: str, *, role: str, language: str = "es"
) -> tuple[ConsoleUser, str]:
    """Add a user with a generated password; returns the user and the password (kept nowhere).

    Raises Invalid for a bad username, role or language, Conflict when the name is taken."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise Invalid("username: 2–40 of a-z, 0-9, '.', '_', '-', starting with a letter or digit")
    if role not in set(AccessRole):
        raise Invalid("role: must be one of {choices}", choices=", ".join(AccessRole))
    if language not in set(Language):
        raise Invalid("language: must be one of {choices}", choices=", ".join(Language))
    if session.exec(select(ConsoleUser.id).where(ConsoleUser.username == username)).first():
        raise Conflict("username: a user with this name exists")
    password = secrets.token_urlsafe(15)
    user = ConsoleUser(
        username=username, role=role, language=language, password_hash=_hasher.hash(password)
    )
    session.add(user)
    session.flush()
    audit.record(session, actor="cli", action="user.create", target=f"user:{username}", detail=role)
    return user, password


def locked_out(session: Session, username: str) -> bool:
    since = now() - LOCKOUT_WINDOW
    failures = session.exec(
        select(func.count(col(ConsoleLoginFailure.id))).where(
            ConsoleLoginFailure.username_hash == _digest(username),
            ConsoleLoginFailure.created_at >= since,
        )
    ).one()
    return failures >= MAX_FAILURES


def sign_in(session: Session, username: str, password: str) -> tuple[ConsoleUser, str]:
    """Check the password and open a session; returns the user and the cookie token (shown once).

    Raises SignInRefused. The caller commits on refusal too, so that the failure counts."""
    username = username.strip().lower()
    if locked_out(session, username):
        raise SignInRefused(locked=True)
    user = session.exec(select(ConsoleUser).where(ConsoleUser.username == username)).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.disabled_at is None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:  # ``ok`` implies a user; the second test narrows the type
        session.add(ConsoleLoginFailure(username_hash=_digest(username)))
        if user is not None:  # an unknown name is not written down: it may be a mistyped secret
            audit.record(session, actor=actor(user), action="user.sign_in_failed", target="console")
        raise SignInRefused(locked=False)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    audit.record(session, actor=actor(user), action="user.sign_in", target="console")
    _, token = open_session(session, user)
    return user, token


def open_session(session: Session, user: ConsoleUser) -> tuple[ConsoleSession, str]:
    """A new session for ``user``; returns the row and the cookie token (shown once)."""
    token = secrets.token_urlsafe(32)
    row = ConsoleSession(
        token_hash=_digest(token),
        user_id=cast(int, user.id),  # a stored user: ids are None only before the insert
        csrf_token=secrets.token_urlsafe(24),
        expires_at=now() + SESSION_LIFETIME,
    )
    session.add(row)
    session.flush()
    return row, token


def resolve(session: Session, token: str | None) -> SignedIn | None:
    """The live session and user behind a cookie token, or None (unknown, expired, revoked)."""
    if not token:
        return None
    row = session.exec(
        select(ConsoleSession).where(ConsoleSession.token_hash == _digest(token))
    ).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now():
        return None
    user = session.get(ConsoleUser, row.user_id)
    if user is None or user.disabled_at is not None:
        return None
    return SignedIn(user=user, session=row)


def sign_out(session: Session, signed_in: SignedIn) -> None:
    signed_in.session.revoked_at = now()
    session.add(signed_in.session)
    audit.record(session, actor=actor(signed_in.user), action="user.sign_out", target="console")


def revoke_all(session: Session, username: str) -> int:
    """End every session of ``username`` (a lost phone); returns how many were live."""
    user = session.exec(select(ConsoleUser).where(ConsoleUser.username == username)).first()
    if user is None:
        return 0
    live = session.exec(
        select(ConsoleSession).where(
            ConsoleSession.user_id == user.id, col(ConsoleSession.revoked_at).is_(None)
        )
    ).all()
    for row in live:
        row.revoked_at = now()
        session.add(row)
    audit.record(session, actor="cli", action="user.revoke_sessions", target=actor(user))
    return len(live)


def set_language(session: Session, user: ConsoleUser, language: str) -> None:
    if language not in set(Language):
        raise Invalid("language: must be one of {choices}", choices=", ".join(Language))
    user.language = language
    session.add(user)


def may(user: ConsoleUser, role: AccessRole) -> bool:
    """Whether ``user`` has ``role`` or a higher one."""
    return AccessRole(user.role).rank >= role.rank
