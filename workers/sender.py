"""Hands stored texts to the provider at the provider's pace: many at once, one shared rate for
all workers, and each text at most once — whoever crashes, retries or runs twice.

The life of a text (columns of ``core.models.Message``):

    pending ─claim─▶ sending   claimed_at, attempts+1, sent_at NULL     one claimer wins (conditional UPDATE)
            ─token─▶ hand-off  sent_at = now                            only if our claim still stands
            ─send──▶ accepted/queued + provider_sid
                     transient (429, 5xx, refused)  → pending again; retried here with backoff,
                                                      then left for the sweep
                     permanent (21610, 21211 …)     → failed + error_code (21610: subscriber opted out)
                     uncertain (no answer)          → stays sending, error_code "uncertain"

``attempts`` doubles as a fencing token: every write after the claim says "where attempts = mine",
so a worker whose claim was swept back (it stalled past the lease) cannot send or overwrite.

``sweep_stale`` resumes what a dead worker left: a claim never handed off (sent_at NULL) is safe to
send again and goes back to pending. A text handed off but never answered may be on its way: it is
never re-sent. A status callback naming it (``?ref=<id>`` on the callback URL) settles it through
``core.delivery.apply_status``; with no word from the provider within ``UNCERTAIN_AFTER_S`` it is
marked ``failed``/"uncertain" for a coordinator to see, and any later callback still corrects it.
"""

import logging
import math
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from redis import Redis
from sqlalchemy import case, update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from core.clock import now
from core.db import engine_for, get_engine, session_scope
from core.delivery import PROVIDER_STATUS, UNCERTAIN, apply_error_code, cause
from core.models import Message, Subscriber
from core.phones import vault_for
from core.settings import Settings
from messaging.provider import PermanentSendError, Receipt, SmsProvider, TransientSendError, UncertainSendError
from workers.ratelimit import RateLimiter

log = logging.getLogger(__name__)

LEASE_S = 30  # a claim not handed off for this long belongs to a dead or stalled worker
UNCERTAIN_AFTER_S = 600  # wait this long for the provider to name an unanswered text
TRIES_PER_RUN = 4  # transient failures retried in this process before leaving it to the sweep
MAX_ATTEMPTS = 8  # claims of one text, all runs together, before it is marked failed
BACKOFF_BASE_S, BACKOFF_CAP_S = 0.5, 8.0
MUTED_BY_OPT_OUT = ("alert", "update", "broadcast")  # replies still reach an opted-out person


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # transient: back to pending
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    SKIPPED = "skipped"  # not ours (claimed elsewhere, no longer pending) or muted by an opt-out
    LOST = "lost"  # our claim was swept back before we could send


@dataclass(frozen=True)
class _Claim:
    message_id: int
    attempt: int
    to_enc: str
    body: str
    subscriber_id: int | None


def send_messages(message_ids: list[int], *, provider: SmsProvider, redis: Redis, settings: Settings,
                  engine: Engine | None = None, limiter: RateLimiter | None = None) -> None:
    """Send every still-pending text of ``message_ids``; idempotent, safe to run concurrently.

    Texts go out on a pool of ``settings.send_concurrency`` threads, each waiting for a token of
    the Redis bucket shared by all workers (``settings.send_rate`` per second). Returns when each
    text is sent, failed, uncertain or left pending for the sweep. An unexpected error (database
    down) is raised after the others finish, so RQ's retry runs the job again.
    """
    ids = list(dict.fromkeys(message_ids))
    if not ids:
        return
    sender = _Sender(provider=provider, engine=engine or engine_for(settings.database_url), settings=settings,
                     limiter=limiter or RateLimiter(redis, settings.send_rate))
    # More threads than a second's worth of tokens only makes claims wait in the bucket's queue
    # (and risk outliving their lease); in-flight requests ≈ rate × latency is all a pool needs.
    threads = max(1, min(settings.send_concurrency, math.ceil(settings.send_rate * 2), len(ids)))
    with ThreadPoolExecutor(threads, thread_name_prefix="avisa-send") as pool:
        futures = [pool.submit(sender.deliver, message_id) for message_id in ids]
    outcomes = [f.result() for f in futures]  # re-raises the first unexpected error
    log.info("sent batch of %d: %s", len(ids), {o.value: outcomes.count(o) for o in set(outcomes)})


def backoff(try_number: int) -> float:
    """Seconds before retry ``try_number`` (0-based): exponential, capped, jittered ±50 %."""
    return min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**try_number) * random.uniform(0.5, 1.5)


class _Sender:
    def __init__(self, *, provider: SmsProvider, engine: Engine, settings: Settings, limiter: RateLimiter,
                 sleep: Callable[[float], None] = time.sleep):
        self.provider, self.engine, self.limiter, self.sleep = provider, engine, limiter, sleep
        self.vault = vault_for(settings.secret_key)

    def deliver(self, message_id: int) -> Outcome:
        for try_number in range(TRIES_PER_RUN):
            outcome = self.attempt(message_id)
            if outcome is not Outcome.RETRY:
                return outcome
            if try_number + 1 < TRIES_PER_RUN:
                self.sleep(backoff(try_number))
        return Outcome.RETRY  # pending; the sweep re-sends it

    def attempt(self, message_id: int) -> Outcome:
        claim = self._claim(message_id)
        if claim is None:
            return Outcome.SKIPPED
        self.limiter.acquire()
        if not self._hand_off(claim):
            log.warning("message %s: claim swept back before sending; left to its new owner", message_id)
            return Outcome.LOST
        try:
            receipt = self.provider.send(self.vault.open(claim.to_enc), claim.body, idempotency_key=str(message_id))
        except UncertainSendError as exc:
            return self._uncertain(claim, exc)
        except TransientSendError as exc:
            return self._release(claim, exc)
        except PermanentSendError as exc:
            return self._fail(claim, exc)
        self._accepted(claim, receipt)
        return Outcome.SENT

    def _claim(self, message_id: int) -> _Claim | None:
        with session_scope(self.engine) as session:
            won = session.exec(
                update(Message)
                .where(Message.id == message_id, Message.status == "pending", Message.attempts < MAX_ATTEMPTS)
                .values(status="sending", claimed_at=now(), attempts=Message.attempts + 1, sent_at=None,
                        updated_at=now())
            ).rowcount == 1
            if not won:
                return None
            message = session.get(Message, message_id)
            if self._muted(session, message):
                message.status, message.error_message = "skipped", "subscriber opted out"
                session.add(message)
                return None
            return _Claim(message_id, message.attempts, message.to_enc, message.body, message.subscriber_id)

    @staticmethod
    def _muted(session, message: Message) -> bool:
        """Never an alert to someone opted out, even one who opted out after it was written."""
        if message.subscriber_id is None or message.kind not in MUTED_BY_OPT_OUT:
            return False
        status = session.exec(select(Subscriber.status).where(Subscriber.id == message.subscriber_id)).first()
        return status == "opted_out"

    def _fenced(self, claim: _Claim):
        """An UPDATE that only touches the text while our claim on it stands."""
        return update(Message).where(Message.id == claim.message_id, Message.status == "sending",
                                     Message.attempts == claim.attempt)

    def _hand_off(self, claim: _Claim) -> bool:
        with session_scope(self.engine) as session:
            stmt = self._fenced(claim).where(col(Message.sent_at).is_(None)).values(sent_at=now(), claimed_at=now())
            return session.exec(stmt).rowcount == 1

    def _accepted(self, claim: _Claim, receipt: Receipt) -> None:
        status = PROVIDER_STATUS.get(receipt.status, "accepted")
        with session_scope(self.engine) as session:
            done = session.exec(self._fenced(claim).values(
                status=status, provider_sid=receipt.provider_sid, error_code=None, error_message=None,
                updated_at=now())).rowcount
            if not done:  # a status callback got here first and moved it on: just keep the SID
                session.exec(update(Message).where(Message.id == claim.message_id, col(Message.provider_sid).is_(None))
                             .values(provider_sid=receipt.provider_sid))

    def _release(self, claim: _Claim, exc: TransientSendError) -> Outcome:
        exhausted = claim.attempt >= MAX_ATTEMPTS
        with session_scope(self.engine) as session:
            session.exec(self._fenced(claim).values(
                status="failed" if exhausted else "pending", sent_at=None, error_code=exc.code,
                error_message=str(exc)[:500], updated_at=now()))
        log.info("message %s: transient %s on attempt %d", claim.message_id, exc.code, claim.attempt)
        return Outcome.FAILED if exhausted else Outcome.RETRY

    def _fail(self, claim: _Claim, exc: PermanentSendError) -> Outcome:
        with session_scope(self.engine) as session:
            session.exec(self._fenced(claim).values(
                status="failed", error_code=exc.code, error_message=cause(exc.code, str(exc)[:500]), updated_at=now()))
            if exc.code:
                apply_error_code(session, subscriber_id=claim.subscriber_id, code=exc.code)
        log.info("message %s: failed permanently (%s)", claim.message_id, exc.code)
        return Outcome.FAILED

    def _uncertain(self, claim: _Claim, exc: UncertainSendError) -> Outcome:
        with session_scope(self.engine) as session:
            session.exec(self._fenced(claim).values(error_code=UNCERTAIN, error_message=str(exc)[:500],
                                                    updated_at=now()))
        log.warning("message %s: provider did not answer (%s); not resending, awaiting its callback",
                    claim.message_id, exc.code)
        return Outcome.UNCERTAIN


def sweep_stale(engine: Engine | None = None, *, lease_seconds: float = LEASE_S,
                uncertain_after_seconds: float = UNCERTAIN_AFTER_S) -> list[int]:
    """Put back to pending the texts claimed longer than ``lease_seconds`` ago but never handed to
    the provider (their worker died or stalled) and return their ids, for the caller to send.

    Texts handed off with no answer for ``uncertain_after_seconds`` become ``failed``/"uncertain";
    they are never re-sent. Safe to run on several hosts at once.
    """
    stale_claim = (Message.status == "sending", col(Message.sent_at).is_(None),
                   col(Message.provider_sid).is_(None), col(Message.claimed_at) < now() - timedelta(seconds=lease_seconds))
    with session_scope(engine or get_engine()) as session:
        resumed = list(session.exec(
            update(Message).where(*stale_claim).values(
                status=case((Message.attempts >= MAX_ATTEMPTS, "failed"), else_="pending"), updated_at=now())
            .returning(Message.id, Message.status)))
        given_up = list(session.exec(
            update(Message).where(Message.status == "sending", col(Message.sent_at).is_not(None),
                                  col(Message.provider_sid).is_(None),
                                  col(Message.sent_at) < now() - timedelta(seconds=uncertain_after_seconds))
            .values(status="failed", error_code=UNCERTAIN, updated_at=now(),
                    error_message="no answer from the provider; not resent, it may have been delivered")
            .returning(Message.id)))
    if resumed or given_up:
        log.warning("sweep: %d stale claims back to pending, %d uncertain texts given up", len(resumed), len(given_up))
    return sorted(row[0] for row in resumed if row[1] == "pending")
