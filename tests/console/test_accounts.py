"""Console accounts: argon2id passwords, hashed revocable sessions, sign-in throttling (tried in
parallel against the real server), the CLI."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from core import users
from core.clock import frozen_at, now
from core.db import session_scope
from core.models import AuditEvent, ConsoleSession, ConsoleSignInAttempt, ConsoleUser
from tests.conftest import run_avisa
from tests.console.conftest import csrf_of


def sign_in(client, username: str, password: str):
    token = csrf_of(client.get("/console/login").text)
    return client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf": token},
        follow_redirects=False,
    )


def test_passwords_are_argon2id_and_sessions_keep_only_a_hash(client, make_user, db):
    password = make_user("ana", "coordinator")
    response = sign_in(client, "ana", password)
    assert response.status_code == 303 and response.headers["location"] == "/console/"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # AVISA_PUBLIC_URL is http in the tests
    token = client.cookies.get("avisa_console")
    with Session(db) as session:
        user = session.exec(select(ConsoleUser)).one()
        assert user.password_hash.startswith("$argon2id$") and password not in user.password_hash
        row = session.exec(select(ConsoleSession)).one()
        assert row.token_hash != token and token not in row.token_hash
        assert session.exec(
            select(AuditEvent.actor).where(AuditEvent.action == "user.sign_in")
        ).all() == ["user:ana"]
    assert client.get("/console/").status_code == 200


def test_the_cookie_is_secure_when_the_public_url_is_https(client, make_user, monkeypatch):
    from core.settings import get_settings

    password = make_user("ana", "viewer")
    monkeypatch.setenv("AVISA_PUBLIC_URL", "https://avisa.example.org")
    get_settings.cache_clear()
    assert "Secure" in sign_in(client, "ana", password).headers["set-cookie"]


def test_failures_slow_the_client_down_never_lock_the_account(client, make_user, db):
    password = make_user("ana", "coordinator")
    for _ in range(users.CLIENT_FAILURES):
        assert sign_in(client, "ana", "wrong").status_code == 401
    throttled = sign_in(client, "ana", password)  # this client: right password, still refused
    assert throttled.status_code == 429 and "15" in throttled.text
    assert 800 < int(throttled.headers["Retry-After"]) <= 900
    with session_scope(db) as session:
        # Ana on her own phone: the account has had its free failures, she waits a moment only.
        later = now() + users.CLEAN_DELAY + timedelta(seconds=1)
        with frozen_at(later):
            user, _ = users.sign_in(session, "ana", password, client="her-phone")
        assert user.username == "ana"
        with frozen_at(now() + users.WINDOW + timedelta(seconds=1)):  # the window has passed
            users.sign_in(session, "ana", password, client=_client_of("testclient"))
    sign_in(client, "+13235550199", "x")  # a number typed as the name is never written down
    with Session(db) as session:
        events = list(session.exec(select(AuditEvent)))
    assert not [e for e in events if "0199" in e.actor + e.target + (e.detail or "")]
    assert not [e for e in events if "wrong" in e.actor + e.target + (e.detail or "")]
    throttles = [e for e in events if e.action == users.THROTTLED]
    assert [(e.actor, e.detail) for e in throttles] == [("system", "client")]
    assert "testclient" not in throttles[0].target
    failed = [e for e in events if e.action == "user.sign_in_failed"]
    assert len(failed) == users.CLIENT_FAILURES and {e.actor for e in failed} == {"user:ana"}


def test_an_accounts_delay_grows_with_its_failures(db, make_user):
    password = make_user("ana", "coordinator")
    delays = [users.account_delay(f).total_seconds() for f in range(3, 12)]
    assert delays == [0, 0, 2, 4, 8, 16, 32, 60, 60]
    start = now()
    with session_scope(db) as session:
        for i in range(8):  # eight clients, one failure each: the account's eighth failure
            with frozen_at(start + timedelta(minutes=i)), pytest.raises(users.SignInRefused):
                users.sign_in(session, "ana", "wrong", client=f"bot-{i}")
        at = start + timedelta(minutes=7, seconds=5)
        with frozen_at(at), pytest.raises(users.SignInRefused) as refused:
            users.sign_in(session, "ana", password, client="bot-3")  # has failed: waits longer
        assert refused.value.wait == users.account_delay(8)
        # A client that has failed is being checked this very moment: it holds its own kind's
        # turn, never the turn of a client that has not failed.
        busy = ConsoleSignInAttempt(
            username_hash=users._digest("ana"),
            client_hash="bot-4",
            state=users.CHECKING,
            created_at=at,
        )
        session.add(busy)
        session.commit()
        with frozen_at(at):
            users.sign_in(session, "ana", password, client="her-laptop")  # has not: goes ahead
            with pytest.raises(users.SignInRefused) as refused:
                users.sign_in(session, "ana", password, client="bot-5")
        assert refused.value.wait == users.account_delay(9)  # a new turn, waited for longer
        assert users.account_delay(8) > users.CLEAN_DELAY


def _client_of(host: str) -> str:
    from core.phones import vault_for
    from core.settings import get_settings

    return vault_for(get_settings().secret_key).index(f"console-client:{host}")


def _checked(db) -> int:
    with Session(db) as session:
        states = session.exec(select(ConsoleSignInAttempt.state)).all()
    return sum(state in (users.FAILED, users.OK) for state in states)


def _post_all(base: str, attempts: list[tuple[str, str, str]]) -> list[httpx.Response]:
    """Every (client address, username, password) posted at once, each on its own connection."""
    with httpx.Client(base_url=base) as setup:
        form = setup.get("/console/login")
        token, cookie = csrf_of(form.text), form.cookies["avisa_login"]
    barrier = threading.Barrier(len(attempts))

    def post(attempt: tuple[str, str, str]) -> httpx.Response:
        address, username, password = attempt
        with httpx.Client(base_url=base, cookies={"avisa_login": cookie}, timeout=120) as http:
            barrier.wait()
            return http.post(
                "/console/login",
                data={"username": username, "password": password, "csrf": token},
                headers={"X-Forwarded-For": address},  # trusted from 127.0.0.1, as behind a proxy
            )

    with ThreadPoolExecutor(len(attempts)) as pool:
        return list(pool.map(post, attempts))


@pytest.mark.dialects  # the race is the database's: count before check
def test_forty_parallel_guesses_from_one_client_check_at_most_five(live_server, make_user, db):
    password = make_user("ana", "coordinator")
    attempts = [("203.0.113.7", "ana", f"guess-{i}") for i in range(40)]
    attempts.insert(17, ("203.0.113.7", "ana", password))
    answers = _post_all(live_server, attempts)
    assert {r.status_code for r in answers} <= {303, 401, 429}
    assert _checked(db) <= users.CLIENT_FAILURES
    assert sum(r.status_code == 429 for r in answers) >= len(answers) - users.CLIENT_FAILURES
    with Session(db) as session:
        events = list(session.exec(select(AuditEvent)))
    # Audited once a window, as far as attempts racing in the same instant allow: one client.
    assert len({(e.target, e.detail) for e in events if e.action == users.THROTTLED}) == 1
    assert not [e for e in events if "guess" in str(e) or "203.0.113" in str(e)]


@pytest.mark.dialects  # the race is the database's: count before check
def test_a_name_hammered_from_many_clients_still_lets_its_owner_in(live_server, make_user, db):
    password = make_user("ana", "coordinator")
    attack = [(f"198.51.100.{c}", "ana", f"guess-{c}-{i}") for c in range(8) for i in range(6)]
    owner = ("192.0.2.10", "ana", password)
    answers = _post_all(live_server, [*attack, owner])
    with Session(db) as session:
        attempts = session.exec(select(ConsoleSignInAttempt)).all()
    failed = [a for a in attempts if a.state == users.FAILED]
    per_client: dict[str, int] = {}
    for a in failed:
        per_client[a.client_hash] = per_client.get(a.client_hash, 0) + 1
    assert max(per_client.values()) <= users.CLIENT_FAILURES
    # Past the account's free failures one attempt is checked per delay (at least CLEAN_DELAY),
    # counted from when checks began: a loaded server reaches attempts seconds after they arrive.
    checked = [a.checked_at for a in failed if a.checked_at is not None]
    span = max(checked) - min(checked)
    assert len(failed) <= users.ACCOUNT_FREE + 1 + span / users.CLEAN_DELAY
    mine = answers[-1]
    assert mine.status_code == 303 or (
        mine.status_code == 429 and int(mine.headers["Retry-After"]) <= 2
    )
    if mine.status_code == 429:  # asked to wait two seconds, she tries again then, and is in
        with session_scope(db) as session:
            with frozen_at(now() + users.CLEAN_DELAY + timedelta(seconds=1)):
                users.sign_in(session, "ana", password, client=_client_of(owner[0]))


def test_sign_out_revokes_and_sessions_expire(client, make_user, db):
    password = make_user("ana", "coordinator")
    sign_in(client, "ana", password)
    page = client.get("/console/")
    token = client.cookies.get("avisa_console")
    client.post("/console/logout", data={"csrf": csrf_of(page.text)})
    client.cookies.set("avisa_console", token, path="/console")  # a copied cookie is dead too
    assert client.get("/console/", follow_redirects=False).status_code == 303
    with session_scope(db) as session:
        assert users.resolve(session, token) is None
        user = session.exec(select(ConsoleUser)).one()
        _, fresh = users.open_session(session, user)
        assert users.resolve(session, fresh) is not None
        with frozen_at(now() + users.SESSION_LIFETIME + timedelta(seconds=1)):
            assert users.resolve(session, fresh) is None
        assert users.revoke_all(session, "ana") == 1


def test_htmx_polls_without_a_session_are_sent_to_sign_in(client):
    response = client.get("/console/board/rows", headers={"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith(
        "/console/login"
    )


def test_the_sign_in_form_needs_its_token(client, make_user):
    password = make_user("ana", "coordinator")
    client.get("/console/login")
    response = client.post("/console/login", data={"username": "ana", "password": password})
    assert response.status_code == 403


def test_avisa_user_add_prints_the_password_alone_on_the_last_line(settings, db):
    done = run_avisa("user", "add", "Lupe", "--role", "admin")
    assert done.returncode == 0, done.stderr
    password = done.stdout.strip().splitlines()[-1]
    assert " " not in password and len(password) >= 16
    with session_scope(db) as session:
        user, _ = users.sign_in(session, "lupe", password)
        assert user.role == "admin"
    again = run_avisa("user", "add", "lupe", "--role", "viewer")
    assert again.returncode == 1 and "exists" in again.stderr


def test_sign_in_attempts_are_deleted_past_retention(db, make_user):
    from core import privacy

    make_user("ana", "viewer")
    with session_scope(db) as session, pytest.raises(users.SignInRefused):
        users.sign_in(session, "ana", "wrong", client="somewhere")
    with session_scope(db) as session, frozen_at(now() + timedelta(days=31)):
        assert privacy.purge(session, retention_days=30)["sign_in_attempts"] == 1
