"""Hands stored texts to the provider at the provider's pace: many at once, one shared rate for
all workers, and each text at most once — whoever crashes, retries or runs twice.

The life of a text (columns of ``core.models.Message``):

    pending ─claim─▶ sending   claimed_at, attempts+1, sent_at NULL  one claimer wins
                                                                     (conditional UPDATE)
            ─token─▶ hand-off  sent_at = now                         only if our claim stands
            ─send──▶ accepted/queued + provider_sid
                     transient (429, 5xx, refused)  → pending again; retried here with backoff,
                                                      then left for the sweep
                     permanent (21610, 21211 …)     → failed + error_code
                                                      (21610: subscriber opted out)
                     uncertain (no answer)          → stays sending, error_code "uncertain"

``attempts`` doubles as a fencing token: every write after the claim says "where attempts = mine",
so a worker whose claim was swept back (it stalled past the lease) cannot send or overwrite.

``sweep_stale`` resumes what a dead worker left: a claim never handed off (sent_at NULL) is safe to
send again and goes back to pending. A text handed off but never answered may be on its way, so it
is never re-sent blindly. Twilio's status callbacks name it (``?ref=<id>`` on the callback URL) and
settle it through ``core.delivery.apply_status``; failing that, after ``LOOKUP_AFTER_S`` the sweep
asks the provider (``find_sent``) and re-sends only what the provider never received. With no
answer at all within ``UNCERTAIN_AFTER_S`` it is marked ``failed``/"uncertain" for a coordinator to
see, and a later callback still corrects it.
"""

import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from redis import Redis
from sqlalchemy import bindparam, case, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col, select

from core.clock import now
from core.db import engine_for, session_scope
from core.delivery import PROVIDER_STATUS, UNCERTAIN, apply_error_code, cause
from core.enums import Lane
from core.models import Message, Subscriber
from core.phones import vault_for
from core.settings import Settings
from messaging.provider import (
    PermanentSendError,
    Receipt,
    SendError,
    SmsProvider,
    TransientSendError,
    UncertainSendError,
)
from workers.ratelimit import GaveUp, LaneRateLimiter, RateLimiter

log = logging.getLogger(__name__)

LEASE_S = 30  # a claim not handed off for this long belongs to a dead or stalled worker
LOOKUP_AFTER_S = (
    60  # then ask the provider about an unanswered text (nothing is in flight that long)
)
LOOKUP_BATCH = 100  # unanswered texts looked up per sweep
UNCERTAIN_AFTER_S = 600  # then give up on it: failed/"uncertain", never re-sent
TRIES_PER_RUN = 4  # transient failures retried in this process before leaving it to the sweep
MAX_ATTEMPTS = 8  # claims of one text, all runs together, before it is marked failed
BACKOFF_BASE_S, BACKOFF_CAP_S = 0.5, 8.0
MUTED_BY_OPT_OUT = ("alert", "update", "broadcast")  # replies still reach an opted-out person
_SQLITE_WRITES = threading.Lock()


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # transient: back to pending
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    SKIPPED = "skipped"  # not ours (claimed elsewhere, no longer pending) or muted by an opt-out
    LOST = "lost"  # our claim was swept back before we could send
    DEFERRED = "deferred"  # not claimed: handed back because higher-lane work is waiting


@dataclass(frozen=True)
class _Claim:
    message_id: int
    attempt: int
    to_enc: str
    body: str
    subscriber_id: int | None
    content_sid: str | None = None  # a WhatsApp template instead of the body (core.channels)


def send_messages(
    message_ids: list[int],
    *,
    provider: SmsProvider,
    redis: Redis,
    settings: Settings,
    engine: Engine | None = None,
    limiter: RateLimiter | None = None,
    lane: int = Lane.FIRST,
    give_way: Callable[[], bool] | None = None,
) -> list[int]:
    """Send every still-pending text of ``message_ids`` (all of ``lane``); idempotent, safe to run
    concurrently.

    Texts go out on a pool of ``settings.send_concurrency`` threads, each taking a token of the
    Redis bucket shared by all workers (``settings.send_rate`` per second) *before* it claims a
    text: a claim is held only for the moment of the hand-off, never while waiting for the rate,
    so no live worker's claim outlives its lease. The first lane reserves tokens (``RateLimiter``);
    the others take what it leaves, lane by lane (``LaneRateLimiter``). Returns when each text is
    sent, failed, uncertain or left pending for the sweep. An unexpected error (database down) is
    raised after the others finish, so RQ's retry runs the job again.

    With ``give_way``, once ``give_way()`` is true the texts not yet started are left untouched
    and returned, for the caller to queue again behind the work that waits. Else returns [].
    """
    ids = list(dict.fromkeys(message_ids))
    engine = engine or engine_for(settings.database_url)
    ids = _still_pending(engine, ids)  # a re-run spends no tokens on what already left
    if not ids:
        return []
    if limiter is None:
        limiter = (
            RateLimiter(redis, settings.send_rate)
            if lane == Lane.FIRST
            else LaneRateLimiter(redis, settings.send_rate, lane)
        )
    sender = _Sender(
        provider=provider, engine=engine, settings=settings, limiter=limiter, give_way=give_way
    )
    # More threads than a second's worth of tokens only makes them wait in the bucket's queue;
    # in-flight requests ≈ rate × latency is all a pool needs.
    threads = max(1, min(settings.send_concurrency, math.ceil(settings.send_rate * 2), len(ids)))
    with ThreadPoolExecutor(threads, thread_name_prefix="avisa-send") as pool:
        futures = [pool.submit(sender.deliver, message_id) for message_id in ids]
    outcomes = [f.result() for f in futures]  # re-raises the first unexpected error
    log.info(
        "lane %d: batch of %d: %s",
        lane,
        len(ids),
        {o.value: outcomes.count(o) for o in set(outcomes)},
    )
    return [i for i, o in zip(ids, outcomes, strict=True) if o is Outcome.DEFERRED]


def _still_pending(engine: Engine, ids: list[int]) -> list[int]:
    if not ids:
        return []
    with engine.connect() as conn:
        pending = set(
            conn.execute(
                select(Message.id).where(col(Message.id).in_(ids), Message.status == "pending")
            ).scalars()
        )
    return [i for i in ids if i in pending]


def backoff(try_number: int) -> float:
    """Seconds before retry ``try_number`` (0-based): exponential, capped, jittered ±50 %."""
    return min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**try_number) * random.uniform(0.5, 1.5)


# The three writes every text makes, built once: constructing a statement costs more CPU than
# running it, and at 100 texts a second that is the difference between keeping pace or not.
_CLAIM = (
    update(Message)
    .where(
        Message.id == bindparam("message_id"),
        Message.status == "pending",
        Message.attempts < MAX_ATTEMPTS,
    )
    .values(
        status="sending",
        claimed_at=bindparam("now"),
        attempts=Message.attempts + 1,
        sent_at=None,
        updated_at=bindparam("now"),
    )
    .returning(
        Message.attempts,
        Message.to_enc,
        Message.body,
        Message.subscriber_id,
        Message.kind,
        select(Subscriber.status).where(Subscriber.id == Message.subscriber_id).scalar_subquery(),
        Message.content_sid,
    )
)
# Only while our claim stands: ``attempts`` is the fencing token.
_FENCED = update(Message).where(
    Message.id == bindparam("message_id"),
    Message.status == "sending",
    Message.attempts == bindparam("attempt"),
)
_HAND_OFF = _FENCED.where(col(Message.sent_at).is_(None)).values(
    sent_at=bindparam("now"), claimed_at=bindparam("now")
)
_ACCEPTED = _FENCED.values(
    status=bindparam("status"),
    provider_sid=bindparam("sid"),
    error_code=None,
    error_message=None,
    updated_at=bindparam("now"),
)


class _Sender:
    def __init__(
        self,
        *,
        provider: SmsProvider,
        engine: Engine,
        settings: Settings,
        limiter: RateLimiter,
        sleep: Callable[[float], None] = time.sleep,
        give_way: Callable[[], bool] | None = None,
    ):
        self.provider, self.engine, self.limiter, self.sleep = provider, engine, limiter, sleep
        self.give_way = give_way
        self.vault = vault_for(settings.secret_key)
        # SQLite has one writer at a time and its busy handler sleeps in 1–100 ms steps: queueing
        # this process's writes on a lock instead keeps a fan-out at the provider's pace.
        self._write_lock = _SQLITE_WRITES if engine.dialect.name == "sqlite" else nullcontext()

    def deliver(self, message_id: int) -> Outcome:
        for try_number in range(TRIES_PER_RUN):
            outcome = self.attempt(message_id)
            if outcome is not Outcome.RETRY:
                return outcome
            if try_number + 1 < TRIES_PER_RUN:
                self.sleep(backoff(try_number))
        return Outcome.RETRY  # pending; the sweep re-sends it

    def attempt(self, message_id: int) -> Outcome:
        # The token before the claim: a text waiting for its turn holds no claim (and spends no
        # attempt), so it can neither outlive a lease nor be stuck with a worker that gave way.
        try:
            if self.give_way is not None:
                self.limiter.acquire(give_up=self.give_way)  # type: ignore[call-arg]
            else:
                self.limiter.acquire()
        except GaveUp:
            return Outcome.DEFERRED
        claim = self._claim(message_id)
        if claim is None:
            return Outcome.SKIPPED
        to = self.vault.open(
            claim.to_enc
        )  # before the hand-off: if this fails, the text never left
        if not self._hand_off(claim):
            log.warning(
                "message %s: claim swept back before sending; left to its new owner", message_id
            )
            return Outcome.LOST
        try:
            # Only a template text names its template: providers without templates stay as they are.
            template = {"content_sid": claim.content_sid} if claim.content_sid else {}
            receipt = self.provider.send(
                to, claim.body, idempotency_key=str(message_id), **template
            )
        except UncertainSendError as exc:
            return self._uncertain(claim, exc)
        except TransientSendError as exc:
            return self._release(claim, exc)
        except PermanentSendError as exc:
            return self._fail(claim, exc)
        self._accepted(claim, receipt)
        return Outcome.SENT

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    def _write(self, statement, params: dict | None = None) -> int:
        with self._transaction() as conn:
            return conn.execute(statement, params).rowcount

    def _claim(self, message_id: int) -> _Claim | None:
        with self._transaction() as conn:
            row = conn.execute(_CLAIM, {"message_id": message_id, "now": now()}).first()
            if row is None:
                return None  # another worker has it, or it is no longer pending
            attempt, to_enc, body, subscriber_id, kind, subscriber_status, content_sid = row
            if kind in MUTED_BY_OPT_OUT and subscriber_status == "opted_out":
                # Never an alert to someone opted out, even one who opted out after it was written.
                conn.execute(
                    update(Message)
                    .where(Message.id == message_id)
                    .values(status="skipped", error_message="subscriber opted out")
                )
                return None
            return _Claim(message_id, attempt, to_enc, body, subscriber_id, content_sid)

    def _hand_off(self, claim: _Claim) -> bool:
        """Mark the text as leaving now, if our claim still stands: from here it is never re-sent
        blindly."""
        return self._write(_HAND_OFF, self._fence(claim) | {"now": now()}) == 1

    @staticmethod
    def _fence(claim: _Claim) -> dict:
        """Parameters of ``_FENCED``: touch the text only while our claim on it stands."""
        return {"message_id": claim.message_id, "attempt": claim.attempt}

    def _accepted(self, claim: _Claim, receipt: Receipt) -> None:
        values = {
            "status": PROVIDER_STATUS.get(receipt.status, "accepted"),
            "sid": receipt.provider_sid,
            "now": now(),
        }
        with self._transaction() as conn:
            if not conn.execute(_ACCEPTED, self._fence(claim) | values).rowcount:
                # A status callback got here first and moved it on: just keep the SID.
                conn.execute(
                    update(Message)
                    .where(Message.id == claim.message_id, col(Message.provider_sid).is_(None))
                    .values(provider_sid=receipt.provider_sid)
                )

    def _release(self, claim: _Claim, exc: TransientSendError) -> Outcome:
        exhausted = claim.attempt >= MAX_ATTEMPTS
        self._write(
            _FENCED.values(
                status="failed" if exhausted else "pending",
                sent_at=None,
                error_code=exc.code,
                error_message=str(exc)[:500],
                updated_at=now(),
            ),
            self._fence(claim),
        )
        log.info(
            "message %s: transient %s on attempt %d", claim.message_id, exc.code, claim.attempt
        )
        return Outcome.FAILED if exhausted else Outcome.RETRY

    def _fail(self, claim: _Claim, exc: PermanentSendError) -> Outcome:
        with self._write_lock, session_scope(self.engine) as session:
            session.exec(
                _FENCED.values(
                    status="failed",
                    error_code=exc.code,
                    updated_at=now(),
                    error_message=cause(exc.code, str(exc)[:500]),
                ),
                params=self._fence(claim),
            )
            if exc.code:
                apply_error_code(session, subscriber_id=claim.subscriber_id, code=exc.code)
        log.info("message %s: failed permanently (%s)", claim.message_id, exc.code)
        return Outcome.FAILED

    def _uncertain(self, claim: _Claim, exc: UncertainSendError) -> Outcome:
        self._write(
            _FENCED.values(error_code=UNCERTAIN, error_message=str(exc)[:500], updated_at=now()),
            self._fence(claim),
        )
        log.warning(
            "message %s: provider did not answer (%s); not resending, awaiting its callback",
            claim.message_id,
            exc.code,
        )
        return Outcome.UNCERTAIN


def sweep_stale(
    engine: Engine,
    *,
    lease_seconds: float = LEASE_S,
    provider: SmsProvider | None = None,
    settings: Settings | None = None,
    lookup_after_seconds: float = LOOKUP_AFTER_S,
    uncertain_after_seconds: float = UNCERTAIN_AFTER_S,
) -> list[int]:
    """Resume what dead or stalled workers left; returns the ids now pending, for the caller to
    send.

    - claimed longer than ``lease_seconds`` ago, never handed off → pending (safe: it never left);
    - handed off, unanswered for ``lookup_after_seconds``, and ``provider`` can ``find_sent``:
      asked; found → its SID and status; not found → pending (safe: no request is in flight that
      long);
    - still unanswered after ``uncertain_after_seconds`` → ``failed``/"uncertain", never re-sent.
    Safe to run on several hosts at once; every change is conditional on the row's state.
    """
    resumed = _resume_stale_claims(engine, lease_seconds)
    if provider is not None and hasattr(provider, "find_sent"):
        if settings is None:
            raise TypeError("looking up sends at the provider needs the settings (the vault)")
        vault = vault_for(settings.secret_key)
        resumed += _settle_unanswered(engine, provider, vault, lookup_after_seconds)
    _give_up_unanswered(engine, uncertain_after_seconds)
    return sorted(resumed)


def _resume_stale_claims(engine: Engine, lease_seconds: float) -> list[int]:
    with session_scope(engine) as session:
        rows = session.exec(
            update(Message)
            .where(
                Message.status == "sending",
                col(Message.sent_at).is_(None),
                col(Message.provider_sid).is_(None),
                col(Message.claimed_at) < now() - timedelta(seconds=lease_seconds),
            )
            .values(
                status=case((Message.attempts >= MAX_ATTEMPTS, "failed"), else_="pending"),
                updated_at=now(),
            )
            .returning(Message.id, Message.status)
        ).all()
    if rows:
        log.warning("sweep: %d claims of dead or stalled workers taken back", len(rows))
    return [message_id for message_id, status in rows if status == "pending"]


def _unanswered(older_than_s: float):
    return (
        Message.status == "sending",
        col(Message.sent_at).is_not(None),
        col(Message.provider_sid).is_(None),
        col(Message.sent_at) < now() - timedelta(seconds=older_than_s),
    )


def _settle_unanswered(engine: Engine, provider, vault, older_than_s: float) -> list[int]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(Message.id, Message.attempts, Message.sent_at, Message.to_enc, Message.body)
            .where(*_unanswered(older_than_s))
            .limit(LOOKUP_BATCH)
        ).all()
    resumed = []
    for message_id, attempt, sent_at, to_enc, body in rows:
        try:
            receipt = provider.find_sent(vault.open(to_enc), body, since=sent_at)
        except SendError as exc:
            log.warning(
                "message %s: could not ask the provider (%s); will ask again", message_id, exc.code
            )
            continue
        fence = update(Message).where(
            Message.id == message_id, Message.attempts == attempt, *_unanswered(0)
        )
        with session_scope(engine) as session:
            if receipt is not None:
                session.exec(
                    fence.values(
                        provider_sid=receipt.provider_sid,
                        error_code=None,
                        error_message=None,
                        status=PROVIDER_STATUS.get(receipt.status, "accepted"),
                        updated_at=now(),
                    )
                )
                continue
            back = session.exec(
                fence.values(
                    status="failed" if attempt >= MAX_ATTEMPTS else "pending",
                    sent_at=None,
                    updated_at=now(),
                    error_code="not_received",
                    error_message="the provider never received it",
                )
            ).rowcount
            if back and attempt < MAX_ATTEMPTS:
                resumed.append(message_id)
    if rows:
        log.info("sweep: %d unanswered texts looked up, %d never arrived", len(rows), len(resumed))
    return resumed


def _give_up_unanswered(engine: Engine, older_than_s: float) -> None:
    with session_scope(engine) as session:
        given_up = session.exec(
            update(Message)
            .where(*_unanswered(older_than_s))
            .values(
                status="failed",
                error_code=UNCERTAIN,
                updated_at=now(),
                error_message="no answer from the provider; not resent, it may have been delivered",
            )
        ).rowcount
    if given_up:
        log.warning("sweep: %d unanswered texts marked failed/uncertain", given_up)
