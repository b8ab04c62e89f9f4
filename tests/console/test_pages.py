"""Console pages without a browser: the network pages, zones, the basemap's range answers,
errors flashed rather than raised."""

from sqlmodel import Session, select

from core.models import AuditEvent, Subscriber, Zone
from core.settings import get_settings
from tests.console.conftest import csrf_of
from tests.console.test_accounts import sign_in


def signed_in(client, make_user, role="admin"):
    sign_in(client, "ana", make_user("ana", role))
    return csrf_of(client.get("/console/subscribers").text)


def test_a_csv_preview_shows_its_errors_and_keeps_nothing(client, make_user, db):
    csrf = signed_in(client, make_user)
    rows = "phone,name,language,roles,zones\n+13235550101,Ana,es,responder,\nnot-a-phone,Bo,es,,\n"
    preview = client.post(
        "/console/subscribers/import", data={"csrf": csrf, "csv_text": rows, "preview": "1"}
    )
    assert preview.status_code == 200
    assert "Preview: 1 new" in preview.text and "phone:" in preview.text
    with Session(db) as session:
        assert session.exec(select(Subscriber)).all() == []
    done = client.post("/console/subscribers/import", data={"csrf": csrf, "csv_text": rows})
    assert "Imported: 1 new" in done.text
    with Session(db) as session:
        assert [s.name for s in session.exec(select(Subscriber))] == ["Ana"]
    page = client.get("/console/subscribers")
    assert "+1••••••0101" in page.text and "3235550101" not in page.text


def test_zones_of_each_shape_and_a_refusal_flashed(client, make_user, db):
    csrf = signed_in(client, make_user, "coordinator")
    shapes = [
        {"name": "HP", "shape": "zips", "zips": "90255, 90201"},
        {"name": "Circle", "shape": "circle", "lat": "33.97", "lon": "-118.22", "radius_m": "800"},
        {
            "name": "Poly",
            "shape": "polygon",
            "geometry": '{"type":"Polygon","coordinates":[[[-118.23,33.97],[-118.22,33.97],'
            "[-118.22,33.98],[-118.23,33.97]]]}",
        },
    ]
    for form in shapes:
        response = client.post(
            "/console/zones", data={"csrf": csrf, **form}, follow_redirects=False
        )
        assert response.status_code == 303, response.text
    again = client.post(
        "/console/zones",
        data={"csrf": csrf, **shapes[0]},
        headers={"referer": "http://testserver/console/zones"},
    )
    assert again.status_code == 200 and "a zone with this name exists" in again.text
    features = client.get("/console/map/features.geojson").json()["features"]
    kinds = sorted(f["properties"]["kind"] for f in features)
    assert kinds == ["zone", "zone_circle", "zone_zip", "zone_zip"]
    with Session(db) as session:
        assert len(session.exec(select(Zone)).all()) == 3
        actors = set(
            session.exec(select(AuditEvent.actor).where(AuditEvent.action == "zone.create"))
        )
        assert actors == {"user:ana"}


def test_a_viewer_cannot_see_the_audit_log(client, make_user):
    signed_in(client, make_user, "viewer")
    assert client.get("/console/audit").status_code == 403


def test_the_basemap_answers_ranges_and_can_be_switched_off(client, make_user, monkeypatch):
    signed_in(client, make_user, "viewer")
    part = client.get("/console/basemap.pmtiles", headers={"Range": "bytes=0-126"})
    assert part.status_code == 206 and len(part.content) == 127 and part.content[:7] == b"PMTiles"
    monkeypatch.setenv("AVISA_BASEMAP", "off")
    get_settings.cache_clear()
    assert client.get("/console/basemap.pmtiles").status_code == 404
    page = client.get("/console/map")
    assert page.status_code == 200 and 'data-basemap=""' in page.text


def test_static_files_stay_inside_their_folder(client):
    assert client.get("/console/static/console.css").status_code == 200
    assert client.get("/console/static/../web.py").status_code == 404
    assert client.get("/console/static/%2e%2e/web.py").status_code == 404


def test_the_inbox_attaches_and_pins_reports(client, make_user, twilio_post, work, db):
    from core.models import Incident, Report
    from tests.conftest import sms_form

    for sender, body in [
        ("+13235550151", "ICE en la Pacific y Florence"),
        ("+13235550152", "hay migra aqui"),
        ("+13235550153", "vi la migra por aqui"),
    ]:
        assert twilio_post("/twilio/sms", sms_form(sender, body)).status_code == 200
    work()
    csrf = signed_in(client, make_user, "coordinator")
    with Session(db) as session:
        incident = session.exec(select(Incident)).one()
        waiting = [r.id for r in session.exec(select(Report).where(Report.lat == None))]  # noqa: E711
    assert len(waiting) == 2 and f"report-{waiting[0]}" in client.get("/console/inbox").text
    inbox = "http://testserver/console/inbox"

    attached = client.post(
        f"/console/inbox/{waiting[0]}/attach",
        data={"csrf": csrf, "incident_id": incident.id},
        headers={"referer": inbox},
    )
    assert f"incident #{incident.id}" in attached.text
    unknown = client.post(
        f"/console/inbox/{waiting[1]}/place",
        data={"csrf": csrf, "place": "zzzz qqqq"},
        headers={"referer": inbox},
    )
    assert "not found" in unknown.text
    malformed = client.post(
        f"/console/inbox/{waiting[1]}/place",
        data={"csrf": csrf, "lat": "north", "lon": "-118.2"},
        headers={"referer": inbox},
    )
    assert malformed.status_code == 200 and "lat:" in malformed.text
    pinned = client.post(
        f"/console/inbox/{waiting[1]}/place",
        data={"csrf": csrf, "lat": "33.9500", "lon": "-118.1500"},  # far from the first: its own
        headers={"referer": inbox},
    )
    assert "Report placed in incident #" in pinned.text
    work()
    with Session(db) as session:
        assert session.get(Incident, incident.id).report_count == 2
        placed = session.get(Report, waiting[1])
        assert placed.geo_source == "coordinator" and placed.incident_id != incident.id
        assert {e.action for e in session.exec(select(AuditEvent))} >= {
            "report.attach",
            "report.place",
        }
    assert "hay migra aqui" not in client.get("/console/inbox").text


def test_subscriber_changes_are_audited_once_as_the_console_user(client, make_user, db):
    csrf = signed_in(client, make_user, "admin")
    form = {"csrf": csrf, "phone": "+13235550181", "name": "Lu", "roles": ["responder"]}
    assert client.post("/console/subscribers", data=form, follow_redirects=False).status_code == 303
    with Session(db) as session:
        subscriber = session.exec(select(Subscriber)).one()
    update = {"csrf": csrf, "name": "Lucía", "language": "es", "roles": ["responder"]}
    client.post(f"/console/subscribers/{subscriber.id}", data=update, follow_redirects=False)
    rows = "phone,name,language,roles,zones\n+13235550182,Bo,es,responder,\n"
    client.post("/console/subscribers/import", data={"csrf": csrf, "csv_text": rows})
    with Session(db) as session:
        audited = session.exec(
            select(AuditEvent.action, AuditEvent.actor).where(
                AuditEvent.action.startswith("subscriber.")
            )
        ).all()
    assert sorted(audited) == [
        ("subscriber.create", "user:ana"),
        ("subscriber.import", "user:ana"),
        ("subscriber.update", "user:ana"),
    ]
