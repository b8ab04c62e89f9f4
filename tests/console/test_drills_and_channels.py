"""Drills and channels on the console: a drill started from a zone's row, its figures page; a
subscriber's alert channel chosen when added and changed later, each change audited once."""

import re

from sqlmodel import Session, select

from core.models import AuditEvent, Drill, Message, Subscriber
from tests.conftest import sms_form
from tests.console.conftest import csrf_of
from tests.console.test_accounts import sign_in
from tests.console.test_pages import signed_in

ANA = "+13235550181"


def _zone(client, csrf: str) -> int:
    made = client.post(
        "/console/zones",
        data={"csrf": csrf, "name": "HP", "shape": "zips", "zips": "90255"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    return int(re.search(r'/console/zones/(\d+)/drill"', client.get("/console/zones").text)[1])


def _subscriber(client, csrf: str, zone_id: int, channel: str = "sms") -> None:
    form = {"csrf": csrf, "name": "Ana", "phone": ANA, "language": "es", "channel": channel}
    form |= {"roles": "responder", "zone_ids": str(zone_id), "confirmed": "true"}
    added = client.post("/console/subscribers", data=form, follow_redirects=False)
    assert added.status_code == 303, added.text


def test_a_drill_from_the_zones_page_measures_the_answer(client, make_user, twilio_post, work, db):
    csrf = signed_in(client, make_user, "admin")
    zone_id = _zone(client, csrf)
    _subscriber(client, csrf, zone_id)
    started = client.post(
        f"/console/zones/{zone_id}/drill", data={"csrf": csrf, "place": ""}, follow_redirects=False
    )
    assert started.status_code == 303
    drill_page = started.headers["location"]
    work()
    with Session(db) as session:
        drill = session.exec(select(Drill)).one()
        [alert] = session.exec(select(Message).where(Message.kind == "alert")).all()
        assert "SIMULACRO" in alert.body
    assert drill_page.endswith(f"/console/drills/{drill.id}")
    twilio_post("/twilio/sms", sms_form(ANA, f"{drill.incident_id} SI"))
    work()
    figures = client.get(f"/console/drills/{drill.id}/figures").text
    answered = re.search(r"(Answered|Respondieron)</th><td>(\d+)<", figures)
    assert answered and answered[2] == "1"
    assert "DRILL" in client.get(drill_page).text


def test_a_viewer_sees_no_drill_button_and_cannot_start_one(client, make_user, db):
    csrf = signed_in(client, make_user, "admin")
    zone_id = _zone(client, csrf)
    client.cookies.clear()
    sign_in(client, "vic", make_user("vic", "viewer"))
    csrf = csrf_of(client.get("/console/zones").text)
    assert "/drill" not in client.get("/console/zones").text
    refused = client.post(f"/console/zones/{zone_id}/drill", data={"csrf": csrf})
    assert refused.status_code == 403
    with Session(db) as session:
        assert session.exec(select(Drill)).all() == []


def test_the_alert_channel_is_chosen_changed_and_audited_once(client, make_user, db):
    csrf = signed_in(client, make_user, "admin")
    zone_id = _zone(client, csrf)
    _subscriber(client, csrf, zone_id, channel="whatsapp")
    with Session(db) as session:
        ana = session.exec(select(Subscriber)).one()
        assert ana.channel == "whatsapp"
    assert "WhatsApp" in client.get("/console/subscribers").text
    page = f"/console/subscribers/{ana.id}"
    changed = client.post(
        page, data={"csrf": csrf, "name": "Ana", "channel": "sms"}, follow_redirects=False
    )
    assert changed.status_code == 303
    refused = client.post(
        page,
        data={"csrf": csrf, "name": "Ana", "channel": "pigeon"},
        headers={"referer": f"http://testserver{page}"},
    )
    assert refused.status_code == 200 and "channel: must be one of" in refused.text
    with Session(db) as session:
        assert session.get(Subscriber, ana.id).channel == "sms"
        actions = list(
            session.exec(
                select(AuditEvent.action, AuditEvent.detail)
                .where(AuditEvent.target == f"subscriber:{ana.id}")
                .order_by(AuditEvent.id)
            )
        )
    assert [a for a, _ in actions] == [
        "subscriber.confirmed_in_person",
        "subscriber.create",
        "subscriber.update",  # once: the service audits, the console adds no second row
    ]
    assert "channel" in actions[-1][1]
