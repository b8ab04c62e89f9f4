"""Every console page on a 390-px phone, in one browser context: nothing wider than the screen,
axe-core (vendored from its npm package) finds no serious or critical violation, and the main
actions work from the keyboard."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from core import drills
from core.db import session_scope
from core.models import Drill, Incident, Report, Subscriber, Zone

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("AVISA_SCREENSHOTS")  # a folder: development only


@pytest.fixture
def a_real_day(db, network, held_incident, text_in, work):
    """A texted raid, a report waiting for its place, a held incident and a drill."""
    zone_id, _ = network
    text_in("+13235550171", "ICE en la Pacific y Florence, llamen al 323-555-0101")
    text_in("+13235550172", "hay migra aqui, ayuda")
    work()
    with session_scope(db) as session:
        drills.start(session, zone_id=zone_id, place="Pacific y Gage", actor="user:ana")
    with Session(db) as session:
        real = session.exec(
            select(Incident.id).where(~Incident.drill, Incident.status == "reported")
        ).one()
        return {
            "real": real,
            "held": held_incident,
            "drill": session.exec(select(Drill.id)).one(),
            "unplaced": session.exec(
                select(Report.id).where(Report.status == "awaiting_location")
            ).one(),
            "subscriber": session.exec(select(Subscriber.id)).one(),
            "zone": session.exec(select(Zone.id)).one(),
        }


def _violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
        }"""
    )
    return found


def test_every_page_fits_a_phone_and_passes_axe(browser, live_server, make_user, a_real_day):
    password = make_user("ana", "admin")
    # bypass_csp: axe is injected as a script the console's own policy would (rightly) refuse.
    context = browser.new_context(viewport=PHONE, has_touch=True, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(live_server + "/console/login")
        problems = {}
        if bad := _violations(page):
            problems["/console/login"] = bad
        page.fill("input[name=username]", "ana")
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_be_visible()
        d = a_real_day
        paths = [
            "/console/",
            "/console/map",
            "/console/inbox",
            f"/console/inbox/{d['unplaced']}/pick",
            f"/console/incidents/{d['real']}",
            f"/console/incidents/{d['held']}",
            f"/console/drills/{d['drill']}",
            "/console/subscribers",
            f"/console/subscribers/{d['subscriber']}",
            "/console/zones",
            "/console/broadcasts",
            "/console/audit",
            "/console/apikeys",
        ]
        for path in paths:
            page.goto(live_server + path)
            if page.locator("#map").count():
                expect(page.locator("#map")).to_have_attribute("data-ready", "1")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide = page.evaluate(
                    """() => [...document.querySelectorAll("body *")]
                        .filter(e => e.getBoundingClientRect().right > 391)
                        .slice(0, 5).map(e => e.tagName + "." + e.className)"""
                )
                problems[path] = [f"scrollWidth {width}: {wide}"]
            if bad := _violations(page):
                problems.setdefault(path, []).extend(bad)
        assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())

        # One thumb: on a phone an incident's actions sit at the bottom of the screen.
        page.goto(live_server + f"/console/incidents/{d['real']}")
        confirm = page.locator("button.confirm").bounding_box()
        assert confirm and confirm["y"] + confirm["height"] <= PHONE["height"]
        assert confirm["y"] > PHONE["height"] / 2, confirm

        # The page's small map draws the incident, its report's place and its precision circle.
        expect(page.locator("#map")).to_have_attribute("data-ready", "1")
        page.wait_for_function(
            "() => window.avisaMap.areTilesLoaded() && window.avisaMap.queryRenderedFeatures("
            "{layers: ['incidents', 'reports', 'precision-line']}).length >= 3"
        )
        if SCREENSHOTS:
            page.screenshot(path=os.path.join(SCREENSHOTS, "incident-phone.png"))
    finally:
        context.close()


def test_the_main_actions_work_from_the_keyboard(browser, live_server, make_user, a_real_day, db):
    password = make_user("ana", "coordinator")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(live_server + "/console/login")
        page.focus("input[name=username]")
        page.keyboard.type("ana")
        page.keyboard.press("Tab")
        page.keyboard.type(password)
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_be_visible()

        # From the board, by Tab alone, to the incident and its Confirm button.
        page.goto(live_server + f"/console/incidents/{a_real_day['real']}")
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('button.confirm')"):
                break
        else:
            pytest.fail("Confirm is never reached with Tab")
        page.keyboard.press("Enter")
        expect(page.locator("h1 .badge").first).to_have_text("confirmed")

        # A report is placed without touching the map: its coordinates are typed.
        page.goto(live_server + f"/console/inbox/{a_real_day['unplaced']}/pick")
        page.focus("#pick-lat")
        page.keyboard.type("33.9742")
        page.keyboard.press("Tab")
        page.keyboard.type("-118.2252")
        page.keyboard.press("Enter")
        expect(page.locator(".flash")).to_be_visible()
        with Session(db) as session:
            report = session.get(Report, a_real_day["unplaced"])
            assert report.status == "located" and report.incident_id is not None
    finally:
        context.close()
