"""Test session: a real Redis and real databases (SQLite file, and PostgreSQL when available).

Which database a test that takes ``db`` (or ``database_url``) runs on:

- unmarked: once, on SQLite (the first of ``AVISA_TEST_DATABASES`` when SQLite is not listed);
- ``@pytest.mark.dialects``: once per database in ``AVISA_TEST_DATABASES`` (default
  ``sqlite,postgresql``), for tests whose outcome depends on the SQL dialect: concurrency,
  locking, conditional updates, ON CONFLICT / RETURNING, TRUNCATE, JSON columns, migrations;
- ``@pytest.mark.postgres``: on PostgreSQL alone (skipped when it is not listed).

``AVISA_TEST_DIALECTS=all`` runs every test on every listed database (the old, slow way).
Each database is migrated once a session; each test starts from empty tables and an empty Redis.
"""

import contextlib
import io
import os
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from redis import Redis
from rq import SimpleWorker
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel
from twilio.request_validator import RequestValidator

from avisa.migrations import upgrade
from avisa.redis_server import RedisServer
from avisa.replay.sandbox import copy_sqlite, migrated_template
from core.db import engine_for
from core.settings import get_settings
from tests.servers import PostgresServer

pytest_plugins = ["tests.fakes.conftest_twilio"]

PUBLIC_URL = "http://testserver"
DATABASES = [d for d in os.environ.get("AVISA_TEST_DATABASES", "sqlite,postgresql").split(",") if d]
# Where a test runs when the dialect does not matter: SQLite is the fastest to empty between tests.
DEFAULT_DATABASE = "sqlite" if "sqlite" in DATABASES or not DATABASES else DATABASES[0]
EVERY_TEST_ON_EVERY_DATABASE = os.environ.get("AVISA_TEST_DIALECTS", "marked") == "all"


def databases_for(item) -> list[str]:
    """The databases a test (a collected item or its definition) runs on; see the module doc."""
    if item.get_closest_marker("postgres"):
        return [d for d in DATABASES if d == "postgresql"]
    if item.get_closest_marker("dialects") or EVERY_TEST_ON_EVERY_DATABASE:
        return DATABASES
    return [DEFAULT_DATABASE]


def pytest_generate_tests(metafunc):
    if "database_url" in metafunc.fixturenames:
        # Session scope: every test on one database runs before the next database is set up.
        metafunc.parametrize(
            "database_url", databases_for(metafunc.definition), indirect=True, scope="session"
        )


@pytest.fixture(scope="session")
def redis_url():
    with RedisServer() as server:
        yield server.url


@pytest.fixture(scope="session")
def postgres_url():
    server = PostgresServer().start()
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template() -> Path:
    """A SQLite file at the latest migration, made once a session (the replay sandboxes of this
    process start from the same one): copy it with ``copy_sqlite``, never open it."""
    return migrated_template()


@pytest.fixture(scope="session")
def postgres_template(postgres_url) -> str:
    """The name of a PostgreSQL database at the latest migration, made once a session: copy it
    with ``CREATE DATABASE … TEMPLATE`` (nothing may be connected to it meanwhile)."""
    _create_database(postgres_url, POSTGRES_TEMPLATE)
    upgrade(_on_database(postgres_url, POSTGRES_TEMPLATE))  # disposes of its engine after
    return POSTGRES_TEMPLATE


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        template = request.getfixturevalue("postgres_template")
        try:
            _create_database(url, "avisa_tests", template=template)
        except ProgrammingError:
            # Set up again after tests on the other database ran in between (pytest-xdist hands
            # out whole files, so the two may interleave): the same database, emptied per test.
            pass
        return _on_database(url, "avisa_tests")
    path = tmp_path_factory.mktemp("db") / "avisa.db"
    copy_sqlite(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def migrated_database(request, database_url, tmp_path) -> Iterator[str]:
    """The URL of a database of this test's own, at the latest migration, on the test's dialect
    (the session's ``database_url``): for a test that migrates it down and up again."""
    if not database_url.startswith("postgresql"):
        path = tmp_path / "migrated.db"
        copy_sqlite(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    name = f"migrated_{secrets.token_hex(4)}"
    _create_database(database_url, name, template=request.getfixturevalue("postgres_template"))
    yield _on_database(database_url, name)
    _execute_autocommit(database_url, f"DROP DATABASE {name} WITH (FORCE)")


POSTGRES_TEMPLATE = "avisa_template"


def _on_database(url: str, name: str) -> str:
    return str(make_url(url).set(database=name))


def _create_database(url: str, name: str, template: str | None = None) -> None:
    _execute_autocommit(
        url, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
    )


def _execute_autocommit(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


@pytest.fixture
def settings(monkeypatch, database_url, redis_url):
    """Settings for one test, pointing at the session's servers; tests may monkeypatch more env."""
    for name in list(os.environ):
        if name.startswith(("AVISA_", "TWILIO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AVISA_DATABASE_URL", database_url)
    monkeypatch.setenv("AVISA_REDIS_URL", redis_url)
    monkeypatch.setenv("AVISA_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setenv("AVISA_SECRET_KEY", "test-" + "s" * 40)
    monkeypatch.setenv("AVISA_SEND_RATE", "1000")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def db(settings):
    """An empty database (all tables truncated) and an empty Redis, for one test."""
    engine = engine_for(settings.database_url)
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
    Redis.from_url(settings.redis_url).flushall()
    return engine


@pytest.fixture
def redis(settings) -> Redis:
    return Redis.from_url(settings.redis_url)


@pytest.fixture
def client(db):
    from api.app import create_app

    with TestClient(create_app(), base_url=PUBLIC_URL) as test_client:
        yield test_client


def avisa_env(settings) -> dict[str, str]:
    """The environment for an ``avisa`` subprocess: this test's servers and secret, nothing else
    of ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AVISA_", "TWILIO_"))}
    env.update(
        AVISA_DATABASE_URL=settings.database_url,
        AVISA_REDIS_URL=settings.redis_url,
        AVISA_SECRET_KEY=settings.secret_key,
        AVISA_PUBLIC_URL=settings.public_url,
        AVISA_SEND_RATE=str(settings.send_rate),
    )
    return env


@dataclass
class Ran:
    """What ``run_avisa`` saw: the exit status and the two streams, as a subprocess's would be."""

    returncode: int
    stdout: str
    stderr: str


def run_avisa(*args: str, stdin: str | None = None) -> Ran:
    """``avisa ARGS`` in this process (``avisa.cli.main``), under this test's settings (the
    environment the ``settings`` fixture set), with stdin given and stdout/stderr captured.

    A subprocess costs seconds of interpreter start-up and imports; one smoke test
    (tests/e2e/test_cli.py) still runs the real command that way.
    """
    from avisa.cli import main

    out, err = io.StringIO(), io.StringIO()
    real_stdin, sys.stdin = sys.stdin, io.StringIO(stdin or "")
    get_settings.cache_clear()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's refusals (2), as the real command exits
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        sys.stdin = real_stdin
        get_settings.cache_clear()
    return Ran(code, out.getvalue(), err.getvalue())


def sign(url: str, form: dict[str, str]) -> str:
    return RequestValidator(get_settings().signing_token).compute_signature(url, form)


def sms_form(sender: str, body: str, sid: str | None = None, **extra: str) -> dict[str, str]:
    return {
        "MessageSid": sid or "SM" + secrets.token_hex(16),
        "SmsSid": sid or "",
        "AccountSid": "AC" + "1" * 32,
        "From": sender,
        "To": "+13235550000",
        "Body": body,
        "NumMedia": "0",
        "ApiVersion": "2010-04-01",
        "FromCity": "",
        "ToZip": "",
        **extra,
    }


@pytest.fixture
def twilio_post(client):
    """Post a form to a webhook path, signed as Twilio signs it."""

    def post(path: str, form: dict[str, str], signature: str | None = None):
        sig = sign(PUBLIC_URL + path, form) if signature is None else signature
        return client.post(path, data=form, headers={"X-Twilio-Signature": sig} if sig else {})

    return post


class InProcessWorker(SimpleWorker):
    """A real RQ worker without its pub/sub command channel, whose teardown costs ~0.3 s a drain."""

    def subscribe(self) -> None:
        pass

    def unsubscribe(self) -> None:
        pass


@pytest.fixture
def work(redis):
    """Run every queued job to completion in this process with a real RQ worker; returns job
    count."""
    from workers.queues import ALL_QUEUES, queue

    def drain() -> int:
        worker = InProcessWorker([queue(name, redis) for name in ALL_QUEUES], connection=redis)
        total = 0
        while any(queue(name, redis).count for name in ALL_QUEUES):
            worker.work(burst=True, logging_level="WARNING")
            total += 1
        return total

    return drain


@pytest.fixture
def admin_key(db):
    from core.apikeys import create_key
    from core.db import session_scope

    with session_scope(db) as session:
        _, plaintext = create_key(session, name="test-admin", role="admin")
    return plaintext


@pytest.fixture
def api(client, admin_key):
    client.headers["Authorization"] = f"Bearer {admin_key}"
    return client
