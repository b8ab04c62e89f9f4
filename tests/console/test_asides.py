"""The console shows what residents sent that is no sighting: the inbox's own section (past
events, rumours, questions) and a question on the incident at its place, marked, never counted."""

import pytest

from tests.api.test_trust import _incidents, _text
from tests.api.test_words import RESIDENTS
from tests.console.test_pages import signed_in


@pytest.fixture
def responder(api):
    body = {"name": "SE LA", "center": {"lat": 33.96, "lon": -118.21}, "radius_m": 15000}
    zone = api.post("/api/v1/zones", json=body).json()["id"]
    subscriber = {
        "phone": "+13235550601",
        "name": "Vol",
        "language": "es",
        "roles": ["responder"],
        "zone_ids": [zone],
        "confirmed": True,
    }
    api.post("/api/v1/subscribers", json=subscriber)


def test_the_console_shows_what_is_no_sighting(
    client, make_user, api, twilio_post, work, responder
):
    _text(twilio_post, work, RESIDENTS[0], "ICE en la Pacific y Florence")
    _text(twilio_post, work, RESIDENTS[1], "¿hay migra en la Pacific y Florence?")
    _text(twilio_post, work, RESIDENTS[2], "la semana pasada se llevaron a dos en la Atlantic")
    (incident,) = _incidents(api)
    signed_in(client, make_user, "coordinator")
    inbox = client.get("/console/inbox").text
    assert "Not sightings" in inbox
    assert 'data-flag="past"' in inbox and 'data-flag="question"' in inbox
    assert "la semana pasada se llevaron" in inbox
    page = client.get(f"/console/incidents/{incident['id']}").text
    assert "¿hay migra en la Pacific y Florence?" in page and ">question<" in page


def test_a_coordinator_who_reads_a_sighting_in_it_makes_it_one(
    client, make_user, api, twilio_post, work, db, responder
):
    from sqlmodel import Session, select

    from core.models import AuditEvent, Report

    _text(twilio_post, work, RESIDENTS[0], "ICE en la Pacific y Florence")
    _text(twilio_post, work, RESIDENTS[1], "¿hay migra en la Pacific y Florence?")
    (incident,) = _incidents(api)
    with Session(db) as session:
        question = session.exec(select(Report).where(Report.flag == "question")).one()
    assert question.incident_id == incident["id"] and incident["reporter_count"] == 1
    csrf = signed_in(client, make_user, "coordinator")
    assert f'action="/console/inbox/{question.id}/attach"' in client.get("/console/inbox").text
    response = client.post(
        f"/console/inbox/{question.id}/attach",
        data={"csrf": csrf, "incident_id": str(incident["id"])},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    (after,) = _incidents(api)
    assert (after["report_count"], after["reporter_count"]) == (2, 2)
    with Session(db) as session:
        assert session.get(Report, question.id).flag is None
        (audit,) = session.exec(select(AuditEvent).where(AuditEvent.action == "report.attach"))
        assert audit.detail.endswith("(was question)")
