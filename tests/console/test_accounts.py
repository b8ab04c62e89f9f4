"""Console accounts: argon2id passwords, hashed revocable sessions, lockout, the CLI."""

from datetime import timedelta

from sqlmodel import Session, select

from core import users
from core.clock import frozen_at, now
from core.db import session_scope
from core.models import AuditEvent, ConsoleSession, ConsoleUser
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


def test_five_failures_in_fifteen_minutes_lock_the_name_out(client, make_user, db):
    password = make_user("ana", "coordinator")
    for _ in range(users.MAX_FAILURES):
        assert sign_in(client, "ana", "wrong").status_code == 401
    locked = sign_in(client, "ana", password)
    assert locked.status_code == 401 and "15" in locked.text  # right password, still refused
    with session_scope(db) as session, frozen_at(now() + timedelta(minutes=16)):
        assert not users.locked_out(session, "ana")
    sign_in(client, "+13235550199", "x")  # a number typed as the name is never written down
    with Session(db) as session:
        assert not [e for e in session.exec(select(AuditEvent)) if "0199" in e.actor]


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
