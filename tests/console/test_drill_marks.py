"""Drills on the console: marked on the board, the map and the incident page, in both languages;
never offered as a merge target for a real incident, nor a real one for a drill, and a merge
forced by hand is refused in the coordinator's language."""

import re

from sqlmodel import Session, col, select

from core import drills
from core.db import session_scope
from core.models import Incident, Report
from tests.conftest import sms_form
from tests.console.conftest import csrf_of
from tests.console.test_accounts import sign_in


def _drill_and_real(client, csrf, twilio_post, work, db) -> tuple[int, int]:
    client.post(
        "/console/zones", data={"csrf": csrf, "name": "HP", "shape": "zips", "zips": "90255"}
    )
    zone_id = int(re.search(r'/console/zones/(\d+)/drill"', client.get("/console/zones").text)[1])
    started = client.post(
        f"/console/zones/{zone_id}/drill",
        data={"csrf": csrf, "place": "Pacific y Gage"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    twilio_post("/twilio/sms", sms_form("+13105550999", "la migra en Pacific y Florence"))
    work()
    with Session(db) as session:
        drill = session.exec(select(Incident).where(Incident.drill)).one()
        real = session.exec(select(Incident).where(~Incident.drill)).one()
        return drill.id, real.id


def _merge_options(page: str) -> list[int]:
    select_box = re.search(r'<select name="into".*?</select>', page, re.S)
    return [int(v) for v in re.findall(r'value="(\d+)"', select_box[0])] if select_box else []


def test_a_drill_is_marked_everywhere_and_never_a_merge_target(
    client, make_user, twilio_post, work, db
):
    sign_in(client, "ana", make_user("ana", "coordinator", language="es"))
    csrf = csrf_of(client.get("/console/zones").text)
    drill, real = _drill_and_real(client, csrf, twilio_post, work, db)

    rows = client.get("/console/board/rows").text
    drill_row = re.search(rf'<tr [^>]*data-incident="{drill}".*?</tr>', rows, re.S)[0]
    real_row = re.search(rf'<tr [^>]*data-incident="{real}".*?</tr>', rows, re.S)[0]
    assert "SIMULACRO" in drill_row and 'data-drill="true"' in drill_row
    assert "SIMULACRO" not in real_row and "data-drill" not in real_row

    features = client.get("/console/map/features.geojson").json()["features"]
    marks = {
        f["properties"]["id"]: f["properties"]["drill"]
        for f in features
        if f["properties"]["kind"] == "incident"
    }
    assert marks == {drill: True, real: False}
    assert 'data-drill-mark="SIMULACRO"' in client.get("/console/map").text

    drill_page = client.get(f"/console/incidents/{drill}").text
    assert '<span class="badge drill">SIMULACRO</span>' in drill_page
    assert "/console/drills/" in drill_page  # its figures, one click away
    assert _merge_options(drill_page) == []  # nothing to merge a drill into
    real_page = client.get(f"/console/incidents/{real}").text
    assert "badge drill" not in real_page
    assert drill not in _merge_options(real_page)

    # A merge forced by hand, either way: refused, said in Spanish, nothing moved.
    for source, into in ((real, drill), (drill, real)):
        refused = client.post(
            f"/console/incidents/{source}/merge",
            data={"csrf": csrf, "into": str(into)},
            headers={"referer": f"http://testserver/console/incidents/{source}"},
        )
        assert "es un simulacro: nunca se fusiona" in refused.text
    with Session(db) as session:
        assert {i.status for i in session.exec(select(Incident))} == {"reported"}

    # Nor is a drill offered to place a resident's report on, and attaching one is refused.
    twilio_post("/twilio/sms", sms_form("+13105550998", "hay migra aqui ahorita"))
    work()
    inbox = client.get("/console/inbox").text
    assert f'<option value="{drill}"' not in inbox and f'<option value="{real}"' in inbox
    with Session(db) as session:
        [report] = session.exec(select(Report).where(col(Report.incident_id).is_(None))).all()
    refused = client.post(
        f"/console/inbox/{report.id}/attach",
        data={"csrf": csrf, "incident_id": str(drill)},
        headers={"referer": "http://testserver/console/inbox"},
    )
    assert f"el incidente {drill} es un simulacro: no recibe reportes" in refused.text
    with Session(db) as session:
        assert session.get(Report, report.id).incident_id is None


def test_the_drill_mark_in_english(client, make_user, twilio_post, work, db):
    sign_in(client, "bo", make_user("bo", "coordinator", language="en"))
    csrf = csrf_of(client.get("/console/zones").text)
    drill, real = _drill_and_real(client, csrf, twilio_post, work, db)
    assert '<span class="badge drill">DRILL</span>' in client.get("/console/board/rows").text
    assert (
        '<span class="badge drill">DRILL</span>' in client.get(f"/console/incidents/{drill}").text
    )
    refused = client.post(
        f"/console/incidents/{real}/merge",
        data={"csrf": csrf, "into": str(drill)},
        headers={"referer": f"http://testserver/console/incidents/{real}"},
    )
    assert f"incident {drill} is a drill: it is never merged with incident {real}" in refused.text


def test_the_map_draws_a_drill_apart_and_its_popup_says_so(visit, make_user, network, db):
    from playwright.sync_api import expect

    zone_id, _ = network
    with session_scope(db) as session:
        drill, _ = drills.start(session, zone_id=zone_id, actor="test")
        incident_id = drill.incident_id
    v = visit()
    page = v.sign_in("ana", make_user("ana", "viewer"))
    page.goto(v.url("/console/map"))
    expect(page.locator("#map")).to_have_attribute("data-ready", "1", timeout=20_000)
    page.wait_for_function("() => window.avisaMap && window.avisaMap.loaded()", timeout=15_000)
    x, y = page.evaluate(
        """id => {
        const all = window.avisaMap.querySourceFeatures('incidents');
        const f = all.find(f => f.properties.id === id);
        const p = window.avisaMap.project(f.geometry.coordinates);
        return [p.x, p.y];
    }""",
        incident_id,
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    expect(page.locator(".maplibregl-popup")).to_contain_text("DRILL")
    expect(page.locator(".maplibregl-popup")).to_contain_text(f"#{incident_id}")
