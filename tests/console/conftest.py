"""The console in a real browser: Debian's Chromium driven by Playwright, against the real server
(uvicorn on a loopback port), a real RQ worker (``work``), Redis and the database.

One browser for the session; each test gets a fresh context (its own cookies) and fails if any
page asked a host other than 127.0.0.1 for anything.
"""

import os
import re
import shutil
from urllib.parse import urlsplit

import httpx
import pytest

from core import users
from core.db import session_scope
from tests.conftest import PUBLIC_URL, sign, sms_form
from tests.e2e.conftest import live_server  # noqa: F401 — the real server, shared with e2e

CHROMIUM = os.environ.get("AVISA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)  # two shared cores: software WebGL is slow to start
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: scripts/ensure-test-servers.sh installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A browser context on the console, recording every request and response it made."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1200, "height": 850})
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.responses: list[tuple[str, int]] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.context.on("response", lambda r: self.responses.append((r.url, r.status)))
        self.errors: list[str] = []  # JavaScript errors, shown when a test fails
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def url(self, path: str) -> str:
        return self.base + path

    def sign_in(self, username: str, password: str):
        self.page.goto(self.url("/console/login"))
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        return self.page

    def csrf(self) -> str:
        value = self.page.get_attribute("input[name=csrf]", "value", timeout=2000)
        assert value
        return value

    def foreign_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss")
            and urlsplit(u).hostname != "127.0.0.1"
        ]


@pytest.fixture
def visit(browser, live_server):  # noqa: F811
    visits = []

    def open_visit() -> Visit:
        v = Visit(browser, live_server)
        visits.append(v)
        return v

    yield open_visit
    for v in visits:
        foreign = v.foreign_requests()
        v.context.close()
        assert not foreign, f"the console asked other hosts: {foreign}"


@pytest.fixture
def make_user(db):
    def make(username: str, role: str, language: str = "en") -> str:
        with session_scope(db) as session:
            _, password = users.create(session, username, role=role, language=language)
        return password

    return make


@pytest.fixture
def text_in(live_server):  # noqa: F811
    """A resident texts the hotline: a signed Twilio webhook posted to the live server."""

    def post(sender: str, body: str) -> None:
        form = sms_form(sender, body)
        response = httpx.post(
            f"{live_server}/twilio/sms",
            data=form,
            headers={"X-Twilio-Signature": sign(PUBLIC_URL + "/twilio/sms", form)},
            timeout=20,
        )
        assert response.status_code == 200, response.text

    return post


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.fixture
def network(db):
    """A circle zone over Huntington Park with one active Spanish-speaking responder; returns
    (zone id, subscriber id)."""
    from core import subscribers, zones
    from core.phones import vault_for
    from core.settings import get_settings

    with session_scope(db) as session:
        zone = zones.create(session, name="HP", center=(33.9817, -118.2251), radius_m=3000)
        data = subscribers.SubscriberInput(
            phone="+13235550161", name="Rosa", zone_ids=(zone.id,), confirmed=True
        )
        responder, _ = subscribers.create(
            session, vault_for(get_settings().secret_key), data, actor="test"
        )
        return zone.id, responder.id


@pytest.fixture
def held_incident(db):
    """A held incident at Pacific / Florence (what a flood leaves): stored, nobody alerted."""
    from core.enums import IncidentStatus
    from core.models import Incident

    with session_scope(db) as session:
        incident = Incident(
            status=IncidentStatus.HELD,
            lat=33.9817,
            lon=-118.2251,
            precision_m=60,
            label="Pacific / Florence",
            report_count=1,
        )
        session.add(incident)
        session.flush()
        return incident.id
