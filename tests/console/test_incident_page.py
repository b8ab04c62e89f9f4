"""One incident's page without a browser: releasing a held incident, the live parts it polls."""

from sqlmodel import Session, select

from core.models import AuditEvent, Incident, Message
from tests.console.conftest import csrf_of
from tests.console.test_accounts import sign_in


def page_of(client, incident_id: int) -> str:
    return client.get(f"/console/incidents/{incident_id}").text


def test_a_coordinator_releases_a_held_incident_and_its_alert_goes_out(
    client, make_user, db, work, network, held_incident
):
    _, responder = network
    sign_in(client, "ana", make_user("ana", "coordinator", language="es"))
    page = page_of(client, held_incident)
    assert "Liberar y alertar" in page and "nadie recibió alerta" in page
    assert "button.confirm" not in page and 'value="confirm"' not in page  # held: release first
    url = f"/console/incidents/{held_incident}"
    released = client.post(
        url + "/release",
        data={"csrf": csrf_of(page), "reason": "llamé, es real"},
        follow_redirects=False,
    )
    assert released.status_code == 303 and released.headers["location"] == url
    work()
    with Session(db) as session:
        assert session.get(Incident, held_incident).status == "reported"
        (audit,) = session.exec(select(AuditEvent).where(AuditEvent.action == "incident.release"))
        assert audit.actor == "user:ana" and audit.target == f"incident:{held_incident}"
        assert "llamé, es real" in (audit.detail or "")
        alerts = session.exec(
            select(Message).where(Message.kind == "alert", Message.subscriber_id == responder)
        ).all()
        assert len(alerts) == 1 and alerts[0].incident_id == held_incident
    after = client.get(url).text
    assert "Liberar y alertar" not in after and 'value="confirm"' in after

    again = client.post(
        url + "/release",
        data={"csrf": csrf_of(after)},
        headers={"referer": "http://testserver" + url},
    )
    assert again.status_code == 200 and "flash" in again.text  # a Conflict, flashed on the page
    work()
    with Session(db) as session:
        assert len(session.exec(select(Message).where(Message.kind == "alert")).all()) == 1


def test_a_viewer_sees_a_held_incident_without_the_release_button(client, make_user, held_incident):
    sign_in(client, "vic", make_user("vic", "viewer"))
    page = page_of(client, held_incident)
    assert "held" in page and "Release and alert" not in page
    refused = client.post(
        f"/console/incidents/{held_incident}/release", data={"csrf": csrf_of(page)}
    )
    assert refused.status_code == 403


def test_the_page_names_every_part_it_polls_and_a_poll_leaves_the_flash(
    client, make_user, held_incident
):
    import re

    sign_in(client, "ana", make_user("ana", "coordinator"))
    page = page_of(client, held_incident)
    polled = re.search(r'hx-select-oob="([^"]+)"', page).group(1).split(",")
    assert len(polled) == 6
    for part in polled:
        assert page.count(f'id="{part.lstrip("#")}"') == 1, part
    notes = page[
        page.index('id="notes-list"') : page.index(
            '<form method="post"', page.index('id="notes-list"')
        )
    ]
    assert "<textarea" not in notes  # the form being typed in is outside every polled part

    client.cookies.set("avisa_flash", "Hecho.", path="/console")
    polled_page = client.get(f"/console/incidents/{held_incident}", headers={"HX-Request": "true"})
    assert "avisa_flash" not in polled_page.headers.get("set-cookie", "")
    shown = client.get(f"/console/incidents/{held_incident}")
    assert "Hecho." in shown.text and 'avisa_flash=""' in shown.headers["set-cookie"]  # once


def _incident(session, **fields) -> int:
    incident = Incident(
        status="reported", lat=33.9742, lon=-118.2252, precision_m=60, report_count=1, **fields
    )
    session.add(incident)
    session.flush()
    return incident.id


def test_an_incidents_history_is_its_own_not_that_of_incidents_whose_number_starts_alike(
    client, make_user, db
):
    from core import board
    from core.db import session_scope

    with session_scope(db) as session:
        ids = [_incident(session, label=f"Place {n}") for n in range(17)]
        one, eleven, seventeen, two = ids[0], ids[10], ids[16], ids[1]
        assert (one, eleven, seventeen) == (1, 11, 17)
        session.add_all(
            [
                AuditEvent(actor="user:ana", action="incident.confirmed", target="incident:1"),
                AuditEvent(
                    actor="user:ana",
                    action="incident.merge",
                    target="incident:12",
                    detail="into incident:11",
                ),
                AuditEvent(
                    actor="user:ana",
                    action="drill.start",
                    target="drill:3",
                    detail="zone:2 incident:17",
                ),
                AuditEvent(
                    actor="user:ana",
                    action="incident.merge",
                    target=f"incident:{two}",
                    detail="into incident:1",
                ),
            ]
        )
    with Session(db) as session:
        history = [(e.action, e.target) for e in board.history(session, 1)]
    assert history == [("incident.confirmed", "incident:1"), ("incident.merge", "incident:2")]

    sign_in(client, "ana", make_user("ana", "viewer"))
    page = page_of(client, 1)
    audit = page[page.index('id="audit-list"') :]
    assert "into incident:11" not in audit and "incident:17" not in audit
    assert "into incident:1" in audit


def test_numbers_typed_into_a_report_a_note_or_a_text_are_masked_on_the_page(client, make_user, db):
    from core import incidents
    from core.db import session_scope
    from core.models import Report

    with session_scope(db) as session:
        incident_id = _incident(session, label="Pacific / Florence")
        session.add(
            Report(
                incident_id=incident_id,
                reporter_hash="h" * 64,
                text="migra en Pacific, llamen al 323-555-0101",
                channel="sms",
                language="es",
                status="located",
                lat=33.9742,
                lon=-118.2252,
                precision_m=100,
                matched="Pacific / Florence",
            )
        )
        incidents.add_note(
            session, incident_id, author="user:bea", text="su hermano: (323) 555 0199"
        )
    sign_in(client, "ana", make_user("ana", "viewer"))
    page = page_of(client, incident_id)
    assert "323-555-0101" not in page and "•••-•••-0101" in page
    assert "555 0199" not in page and "0199" in page

    where = client.get(f"/console/incidents/{incident_id}/map.geojson").json()
    kinds = [(f["properties"]["kind"], f["properties"]["precision_m"]) for f in where["features"]]
    assert kinds == [("incident", 60), ("report", 100)]
    assert "323" not in str(where)
