"""Console accounts: named people, argon2id passwords, revocable sessions, sign-in throttling.

A session's cookie holds a random token; the database keeps only its SHA-256 (tokens are random,
so no salt is needed), so a leaked table cannot sign anyone in. Each session carries its own CSRF
token.

Sign-in attempts are throttled without a lock anyone could trigger on someone else:

- **Counted before checked.** Each attempt is a ``ConsoleSignInAttempt`` row, committed before
  anything is counted or any password is checked; an attempt goes ahead only if the rows counted
  after its own commit allow it. Of any number of parallel attempts, the last to commit sees all
  the others, so the limits below hold however many arrive at once (on SQLite and PostgreSQL
  alike, with no lock held while argon2 works). A right password turns its row into ``ok`` and
  a refused attempt into ``refused``; neither counts as a failure.
- **Per client** (the console passes a keyed hash of the address): ``CLIENT_FAILURES`` failures
  within ``WINDOW`` and that client's attempts are refused unchecked until the oldest ages out.
  An attacker's own address stops there, whatever name it tries.
- **Per account, a growing delay, never a lock.** Its first ``ACCOUNT_FREE`` failures within
  ``WINDOW`` cost nothing; after that it takes one checked attempt per ``account_delay(F)``
  seconds (F its failures: 2, 4, 8 … up to ``MAX_DELAY``), and a client with no failure in the
  window waits only ``CLEAN_DELAY``: so a coordinator signing in from their own device while a
  name is hammered elsewhere is let in within seconds, and one who mistyped waits at most
  ``MAX_DELAY``.
- **Audited** (never a password, a name that is not a user's, an address or a number): each
  failed password for a real user (``user.sign_in_failed``), and each throttle, once per window
  and target (``user.sign_in_throttled``: ``client:<hash>`` or the user; refusals racing in the
  same instant may each write one, which costs a line, never a check).
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, and_, col, func, or_, select

from core import audit
from core.clock import now
from core.enums import AccessRole, Language
from core.errors import Conflict, Invalid
from core.models import AuditEvent, ConsoleSession, ConsoleSignInAttempt, ConsoleUser

WINDOW = timedelta(minutes=15)
CLIENT_FAILURES = 5
ACCOUNT_FREE = 5
CLEAN_DELAY = timedelta(seconds=2)
# A check still marked as running after this long died with its request: it no longer holds a turn.
STUCK_CHECK = timedelta(minutes=1)
MAX_DELAY = timedelta(seconds=60)
SESSION_LIFETIME = timedelta(hours=12)
THROTTLED = "user.sign_in_throttled"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
# Attempt states: reserved (counted for its client), checking (and for its account), then failed
# or ok; refused when a limit stopped it before its password was checked.
RESERVED, CHECKING, FAILED, OK, REFUSED = "reserved", "checking", "failed", "ok", "refused"


class SignInRefused(Exception):
    """Wrong name or password, or throttled; ``wait`` is how long to wait (None: wrong). The
    message never says which part was wrong."""

    def __init__(self, *, wait: timedelta | None = None):
        super().__init__("throttled" if wait else "wrong username or password")
        self.wait = wait

    @property
    def throttled(self) -> bool:
        return self.wait is not None


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


def account_delay(failures: int) -> timedelta:
    """How long an account with ``failures`` in the window waits between checked attempts from
    a client that has failed too: nothing for the first ``ACCOUNT_FREE``, then doubling."""
    if failures < ACCOUNT_FREE:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - ACCOUNT_FREE + 1, 16)), MAX_DELAY)


def sign_in(
    session: Session, username: str, password: str, *, client: str = "cli"
) -> tuple[ConsoleUser, str]:
    """Check the password and open a session; returns the user and the cookie token (shown once).

    ``client`` identifies where the attempt comes from (the console: a keyed hash of the address;
    never the address itself). Commits the attempt before checking anything, so parallel attempts
    count each other (module docstring). Raises SignInRefused; the caller commits on refusal too,
    so that the failure counts."""
    username = username.strip().lower()
    attempt = ConsoleSignInAttempt(username_hash=_digest(username), client_hash=client)
    session.add(attempt)
    session.commit()
    user = session.exec(select(ConsoleUser).where(ConsoleUser.username == username)).first()
    limit, wait = "client", _client_wait(session, attempt)
    if wait is None:
        attempt.state, attempt.clean = CHECKING, _clean(session, attempt)
        attempt.checked_at = now()
        session.add(attempt)
        session.commit()
        limit, wait = "account", _account_wait(session, attempt)
    if wait is not None:
        attempt.state = REFUSED
        session.add(attempt)
        _audit_throttle(session, limit, attempt, user)
        raise SignInRefused(wait=wait)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.disabled_at is None
    except (VerificationError, InvalidHashError):
        ok = False
    attempt.state = OK if ok else FAILED
    session.add(attempt)
    if not ok or user is None:  # ``ok`` implies a user; the second test narrows the type
        if user is not None:  # an unknown name is not written down: it may be a mistyped secret
            audit.record(session, actor=actor(user), action="user.sign_in_failed", target="console")
        raise SignInRefused()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    audit.record(session, actor=actor(user), action="user.sign_in", target="console")
    _, token = open_session(session, user)
    return user, token


def _counted(session: Session, *where: object) -> int:
    return session.exec(
        select(func.count(col(ConsoleSignInAttempt.id))).where(*where)  # type: ignore[arg-type]
    ).one()


def _client_wait(session: Session, attempt: ConsoleSignInAttempt) -> timedelta | None:
    """None when the client may try; else how long until its oldest failure ages out."""
    since = now() - WINDOW
    mine = (
        ConsoleSignInAttempt.client_hash == attempt.client_hash,
        ConsoleSignInAttempt.created_at >= since,
        col(ConsoleSignInAttempt.state).in_((RESERVED, CHECKING, FAILED)),
    )
    if _counted(session, *mine) <= CLIENT_FAILURES:  # this attempt included
        return None
    oldest = session.exec(select(func.min(ConsoleSignInAttempt.created_at)).where(*mine)).one()
    return max((oldest or now()) + WINDOW - now(), timedelta(seconds=1))


def _clean(session: Session, attempt: ConsoleSignInAttempt) -> bool:
    """Whether the attempt's client has had no failure in the window."""
    return not _counted(
        session,
        ConsoleSignInAttempt.client_hash == attempt.client_hash,
        ConsoleSignInAttempt.state == FAILED,
        ConsoleSignInAttempt.created_at >= now() - WINDOW,
    )


def _account_wait(session: Session, attempt: ConsoleSignInAttempt) -> timedelta | None:
    """None when the account may be tried now; else how long to wait (module docstring)."""
    at = now()
    account = ConsoleSignInAttempt.username_hash == attempt.username_hash
    live = col(ConsoleSignInAttempt.state).in_((CHECKING, FAILED))
    others = ConsoleSignInAttempt.id != attempt.id
    recent_failures = ConsoleSignInAttempt.created_at >= at - WINDOW
    failures = _counted(session, account, live, others, recent_failures)
    if failures < ACCOUNT_FREE:
        return None
    # One checked attempt per delay: this one only when no other is being checked, or began its
    # check, within it (counted after this one's commit, so two at once cannot both pass). Spaced
    # by when checks began, not when attempts arrived: under load they wait seconds in between.
    # Clean clients take turns among themselves only, so clients that failed, however many and
    # however fast, never keep the owner of the account from their turn.
    delay = CLEAN_DELAY if attempt.clean else account_delay(failures)
    alike = [col(ConsoleSignInAttempt.clean).is_(True)] if attempt.clean else []
    checked_at = col(ConsoleSignInAttempt.checked_at)
    being_checked = and_(ConsoleSignInAttempt.state == CHECKING, checked_at >= at - STUCK_CHECK)
    checked_lately = and_(ConsoleSignInAttempt.state == FAILED, checked_at >= at - delay)
    recent = _counted(session, account, others, or_(being_checked, checked_lately), *alike)
    return delay if recent else None


def _audit_throttle(
    session: Session, limit: str, attempt: ConsoleSignInAttempt, user: ConsoleUser | None
) -> None:
    """One audit line per window and target: the client's hash, or the user whose name was tried
    (a name that is no user's is not written down)."""
    if limit == "client":
        target = f"client:{attempt.client_hash[:16]}"
    elif user is not None:
        target = actor(user)
    else:
        return
    already = session.exec(
        select(AuditEvent.id).where(
            AuditEvent.action == THROTTLED,
            AuditEvent.target == target,
            AuditEvent.created_at >= now() - WINDOW,
        )
    ).first()
    if already is None:
        audit.record(session, actor="system", action=THROTTLED, target=target, detail=limit)


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
