import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import Session

from avisa.testing.outbox import add_messages, add_subscribers, make_settings, messages, phone
from avisa.testing.twilio_server import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from core.clock import now
from core.db import session_scope
from core.delivery import UNCERTAIN, apply_status
from core.models import Message, Subscriber
from messaging.twilio_backend import TwilioProvider
from tests.servers import wait_for
from workers import sender
from workers.sender import Outcome, send_messages, sweep_stale

# Both databases: claims are conditional UPDATE … RETURNING; SQLite's writes take a lock.
pytestmark = pytest.mark.dialects

SENT = ("accepted", "queued", "sent", "delivered")


@pytest.fixture
def db(db, database_url):
    """(url, engine) of the session's empty database: SQLite, then PostgreSQL
    (tests/conftest.py)."""
    return database_url, db


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setattr(sender, "BACKOFF_BASE_S", 0.01)
    monkeypatch.setattr(sender, "BACKOFF_CAP_S", 0.05)


def twilio_settings(db_url: str, fake: FakeTwilio, **overrides):
    return make_settings(
        db_url,
        sms_backend="twilio",
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_from_number="+13235550000",
        twilio_api_url=fake.url,
        **overrides,
    )


def callbacks_into(engine):
    """A callback sink that does what POST /twilio/status does, minus HTTP and the signature."""

    def sink(url, params, headers):
        ref = parse_qs(urlparse(url).query).get("ref", [""])[0]
        with session_scope(engine) as session:
            apply_status(
                session,
                provider_sid=params["MessageSid"],
                status=params["MessageStatus"],
                error_code=params.get("ErrorCode"),
                message_id=int(ref) if ref else None,
            )

    return sink


def texts_per_number(fake: FakeTwilio) -> Counter:
    return Counter(a.to for a in fake.accepted)


def test_sends_each_pending_text_once_with_its_sid(db, redis_client):
    url, engine = db
    ids = add_messages(engine, add_subscribers(engine, [phone(i) for i in range(20)]))
    with FakeTwilio(latency=0.01, callbacks=False) as fake:
        settings = twilio_settings(url, fake)
        send_messages(
            ids,
            provider=TwilioProvider(settings),
            redis=redis_client,
            settings=settings,
            engine=engine,
        )
        send_messages(
            ids,
            provider=TwilioProvider(settings),
            redis=redis_client,
            settings=settings,
            engine=engine,
        )
    rows = messages(engine)
    assert texts_per_number(fake) == Counter({phone(i): 1 for i in range(20)})
    assert {rows[i].status for i in ids} == {"queued"}
    assert {rows[i].provider_sid for i in ids} == {a.sid for a in fake.accepted}
    assert all(rows[i].attempts == 1 and rows[i].sent_at is not None for i in ids)


def test_two_concurrent_senders_never_send_twice(db, redis_client):
    url, engine = db
    ids = add_messages(engine, add_subscribers(engine, [phone(i) for i in range(60)]))
    with FakeTwilio(latency=0.02, callbacks=False) as fake:
        settings = twilio_settings(url, fake, send_concurrency=6)
        runs = [
            threading.Thread(
                target=send_messages,
                args=(order,),
                kwargs=dict(
                    provider=TwilioProvider(settings),
                    redis=redis_client,
                    settings=settings,
                    engine=engine,
                ),
            )
            for order in (ids, list(reversed(ids)))
        ]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
    assert texts_per_number(fake) == Counter({phone(i): 1 for i in range(60)})
    assert all(m.status == "queued" and m.attempts == 1 for m in messages(engine).values())


def test_429_is_retried_with_backoff_then_sent(db, redis_client):
    url, engine = db
    [mid] = add_messages(engine, add_subscribers(engine, [phone(1)]))
    with FakeTwilio(callbacks=False) as fake:
        fake.fail_next(2, status=429, code=20429)
        settings = twilio_settings(url, fake)
        send_messages(
            [mid],
            provider=TwilioProvider(settings),
            redis=redis_client,
            settings=settings,
            engine=engine,
        )
    row = messages(engine)[mid]
    assert fake.responses == Counter({429: 2, 201: 1})
    assert (row.status, row.attempts, row.error_code) == ("queued", 3, None)


def test_persistent_5xx_leaves_the_text_pending_for_the_sweep(db, redis_client):
    url, engine = db
    [mid] = add_messages(engine, add_subscribers(engine, [phone(1)]))
    with FakeTwilio(callbacks=False) as fake:
        fake.fail_next(sender.TRIES_PER_RUN, status=503, code=20503)
        settings = twilio_settings(url, fake)
        send_messages(
            [mid],
            provider=TwilioProvider(settings),
            redis=redis_client,
            settings=settings,
            engine=engine,
        )
        row = messages(engine)[mid]
        assert (row.status, row.attempts, row.error_code, row.sent_at) == (
            "pending",
            4,
            "20503",
            None,
        )
        send_messages(
            [mid],
            provider=TwilioProvider(settings),
            redis=redis_client,
            settings=settings,
            engine=engine,
        )
    assert messages(engine)[mid].status == "queued"
    assert len(fake.accepted) == 1


def test_21610_fails_the_text_opts_the_subscriber_out_and_mutes_later_alerts(db, redis_client):
    url, engine = db
    subscriber_ids = add_subscribers(engine, [phone(1), phone(2)])
    first = add_messages(engine, subscriber_ids, tag="alert1")
    with FakeTwilio(callbacks=False) as fake:
        fake.fail_number(
            phone(1), status=400, code=21610, message="Attempt to send to unsubscribed recipient"
        )
        settings = twilio_settings(url, fake)
        send_messages(
            first,
            provider=TwilioProvider(settings),
            redis=redis_client,
            settings=settings,
            engine=engine,
        )
        second = add_messages(engine, subscriber_ids, tag="alert2")
        send_messages(
            second,
            provider=TwilioProvider(settings),
            redis=redis_client,
            settings=settings,
            engine=engine,
        )
    rows = messages(engine)
    assert (rows[first[0]].status, rows[first[0]].error_code) == ("failed", "21610")
    assert rows[first[0]].attempts == 1  # permanent: never retried
    assert (rows[second[0]].status, rows[second[0]].attempts) == ("skipped", 1)
    assert fake.responses[400] == 1  # the muted alert never reached the provider
    with Session(engine) as session:
        assert session.get(Subscriber, subscriber_ids[0]).status == "opted_out"
        assert session.get(Subscriber, subscriber_ids[1]).status == "active"


def test_21211_flags_the_subscriber(db, redis_client):
    url, engine = db
    [sid] = add_subscribers(engine, [phone(1)])
    mids = add_messages(engine, [sid])
    with FakeTwilio(callbacks=False) as fake:
        fake.fail_number(
            phone(1), status=400, code=21211, message=f"The 'To' number {phone(1)} is not valid"
        )
        settings = twilio_settings(url, fake)
        send_messages(
            mids,
            provider=TwilioProvider(settings),
            redis=redis_client,
            settings=settings,
            engine=engine,
        )
    row = messages(engine)[mids[0]]
    assert (row.status, row.error_code) == ("failed", "21211")
    assert phone(1) not in (row.error_message or "")
    with Session(engine) as session:
        assert "21211" in session.get(Subscriber, sid).flag


def test_uncertain_send_is_not_resent_and_is_settled_by_its_callback(db, redis_client):
    url, engine = db
    mids = add_messages(engine, add_subscribers(engine, [phone(1), phone(2)]))
    with FakeTwilio(callback_delay=0.5, callback_sink=callbacks_into(engine)) as fake:
        fake.hang_number(phone(1), 1.0)
        settings = twilio_settings(url, fake)
        send_messages(
            mids,
            provider=TwilioProvider(settings, timeout_s=0.3),
            redis=redis_client,
            settings=settings,
            engine=engine,
        )
        row = messages(engine)[mids[0]]
        assert (row.status, row.error_code, row.provider_sid) == ("sending", UNCERTAIN, None)
        assert sweep_stale(engine, lease_seconds=0) == []  # handed off: never resent blindly
        fake.wait_for_callbacks(4)
    rows = messages(engine)
    assert texts_per_number(fake) == Counter({phone(1): 1, phone(2): 1})
    hung = next(a for a in fake.accepted if a.to == phone(1))
    assert (rows[mids[0]].status, rows[mids[0]].provider_sid, rows[mids[0]].error_code) == (
        "delivered",
        hung.sid,
        None,
    )
    assert rows[mids[1]].status == "delivered"


def test_unanswered_send_is_settled_by_asking_the_provider(db, redis_client):
    url, engine = db
    hung, lost = add_messages(engine, add_subscribers(engine, [phone(1), phone(2)]))
    with FakeTwilio(callbacks=False) as fake:
        fake.hang_number(phone(1), 1.0)
        settings = twilio_settings(url, fake)
        provider = TwilioProvider(settings, timeout_s=0.3)
        send_messages(
            [hung], provider=provider, redis=redis_client, settings=settings, engine=engine
        )
        # ``lost`` was handed off by a worker that died before its request left the machine.
        _set(engine, lost, status="sending", attempts=1, claimed_at=now(), sent_at=now())
        assert (
            sweep_stale(
                engine,
                lease_seconds=0,
                provider=provider,
                settings=settings,
                lookup_after_seconds=3600,
            )
            == []
        )
        resumed = sweep_stale(
            engine, lease_seconds=0, provider=provider, settings=settings, lookup_after_seconds=0
        )
        assert resumed == [lost]
        send_messages(
            resumed,
            provider=TwilioProvider(settings),
            redis=redis_client,
            settings=settings,
            engine=engine,
        )
    rows = messages(engine)
    assert texts_per_number(fake) == Counter({phone(1): 1, phone(2): 1})
    assert (rows[hung].status, rows[hung].provider_sid) == ("queued", fake.accepted[0].sid)
    assert (rows[lost].status, rows[lost].attempts) == ("queued", 2)


def test_unanswered_send_with_no_way_to_ask_is_given_up_not_resent(db, redis_client):
    url, engine = db
    [mid] = add_messages(engine, add_subscribers(engine, [phone(1)]))
    with FakeTwilio(callbacks=False) as fake:
        fake.hang_number(phone(1), 1.0)
        settings = twilio_settings(url, fake)
        send_messages(
            [mid],
            provider=TwilioProvider(settings, timeout_s=0.3),
            redis=redis_client,
            settings=settings,
            engine=engine,
        )
    assert sweep_stale(engine, lease_seconds=0, uncertain_after_seconds=3600) == []
    assert messages(engine)[mid].status == "sending"
    assert sweep_stale(engine, lease_seconds=0, uncertain_after_seconds=0) == []
    row = messages(engine)[mid]
    assert (row.status, row.error_code) == ("failed", UNCERTAIN)
    with session_scope(engine) as session:  # the provider's late word still wins over our give-up
        apply_status(session, provider_sid="SM" + "1" * 32, status="delivered", message_id=mid)
    assert messages(engine)[mid].status == "delivered"


def _set(engine, mid, **values):
    with session_scope(engine) as session:
        row = session.get(Message, mid)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


def test_sweep_returns_only_stale_claims_never_handed_off(db):
    _, engine = db
    stale, fresh, in_flight, answered, exhausted, pending = add_messages(
        engine, add_subscribers(engine, [phone(i) for i in range(6)])
    )
    old = now() - timedelta(seconds=60)
    _set(engine, stale, status="sending", claimed_at=old, attempts=1)
    _set(engine, fresh, status="sending", claimed_at=now(), attempts=1)
    _set(engine, in_flight, status="sending", claimed_at=old, sent_at=old, attempts=1)
    _set(
        engine,
        answered,
        status="queued",
        claimed_at=old,
        sent_at=old,
        attempts=1,
        provider_sid="SM" + "2" * 32,
    )
    _set(engine, exhausted, status="sending", claimed_at=old, attempts=sender.MAX_ATTEMPTS)
    assert sweep_stale(engine, lease_seconds=30) == [stale]
    rows = messages(engine)
    assert [rows[i].status for i in (stale, fresh, in_flight, answered, exhausted, pending)] == [
        "pending",
        "sending",
        "sending",
        "queued",
        "failed",
        "pending",
    ]


def test_a_stalled_claim_swept_back_is_never_sent_by_its_first_owner(db, redis_client):
    url, engine = db
    [mid] = add_messages(engine, add_subscribers(engine, [phone(1)]))
    with FakeTwilio(callbacks=False) as fake:
        settings = twilio_settings(url, fake)
        provider = TwilioProvider(settings)

        class NoWait:
            def acquire(self):
                return 0.0

        first = sender._Sender(
            provider=provider, engine=engine, settings=settings, limiter=NoWait()
        )
        sealed = first.vault

        class StallingVault:  # the first owner stalls past its lease between claim and hand-off
            def open(self, to_enc):
                _set(engine, mid, claimed_at=now() - timedelta(seconds=60))
                assert sweep_stale(engine, lease_seconds=30) == [mid]
                send_messages(
                    [mid], provider=provider, redis=redis_client, settings=settings, engine=engine
                )
                return sealed.open(to_enc)

        first.vault = StallingVault()
        assert first.attempt(mid) is Outcome.LOST
    assert len(fake.accepted) == 1
    assert messages(engine)[mid].status == "queued"


CHILD = textwrap.dedent("""
    import sys
    from redis import Redis
    from core.db import make_engine
    from messaging.twilio_backend import TwilioProvider
    from avisa.testing.outbox import make_settings
    from workers.sender import send_messages
    db_url, redis_url, api_url, account, token = sys.argv[1:6]
    ids = [int(i) for i in sys.argv[6].split(",")]
    settings = make_settings(db_url, sms_backend="twilio", twilio_account_sid=account,
                             twilio_auth_token=token, twilio_from_number="+13235550000",
                             twilio_api_url=api_url, send_rate=10, send_concurrency=4)
    send_messages(ids, provider=TwilioProvider(settings), redis=Redis.from_url(redis_url),
                  settings=settings, engine=make_engine(db_url))
""")


def test_worker_killed_mid_fanout_is_resumed_without_doubles_or_losses(db, redis_client, redis_url):
    url, engine = db
    count = 40
    ids = add_messages(engine, add_subscribers(engine, [phone(i) for i in range(count)]))
    with FakeTwilio(latency=0.2, callback_delay=0.5, callback_sink=callbacks_into(engine)) as fake:
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                url,
                redis_url,
                fake.url,
                ACCOUNT_SID,
                AUTH_TOKEN,
                ",".join(map(str, ids)),
            ],
            cwd=os.getcwd(),
            env=os.environ | {"PYTHONPATH": os.getcwd()},
        )
        wait_for(
            lambda: len(fake.accepted) >= 8 or child.poll() is not None, timeout=30, interval=0.01
        )
        child.send_signal(signal.SIGKILL)  # mid fan-out: claims held, requests in flight
        assert child.wait() == -signal.SIGKILL, (
            "the worker ended on its own before it could be killed"
        )
        # The fake finishes the requests the dead worker left in flight.
        wait_for(lambda: not fake.in_flight, timeout=10, interval=0.01)
        resumed = sweep_stale(engine, lease_seconds=0)
        rows = messages(engine)
        assert set(resumed) <= set(ids)
        to_send = [i for i in ids if rows[i].status == "pending"]
        assert to_send, "the child should have been killed before finishing"
        settings = twilio_settings(url, fake)
        provider = TwilioProvider(settings)
        send_messages(
            to_send, provider=provider, redis=redis_client, settings=settings, engine=engine
        )
        # Requests in flight when it died either reached the fake (its callbacks or the lookup
        # settle them) or never left (the lookup finds nothing, so they are sent now).
        lost = sweep_stale(
            engine, lease_seconds=0, provider=provider, settings=settings, lookup_after_seconds=0
        )
        send_messages(lost, provider=provider, redis=redis_client, settings=settings, engine=engine)
        fake.wait_for_callbacks(2 * count)
    assert texts_per_number(fake) == Counter(
        {phone(i): 1 for i in range(count)}
    )  # nobody twice, nobody dropped
    rows = messages(engine)
    assert {rows[i].status for i in ids} == {"delivered"}
    assert sorted(rows[i].provider_sid for i in ids) == sorted(a.sid for a in fake.accepted)
