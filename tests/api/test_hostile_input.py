"""Every input is answered, never with a 500: ids and cursors out of range, NUL and control
characters, numbers typed into reports (masked on the way out)."""

import pytest
from sqlmodel import select

from core.db import session_scope
from core.models import InboundMessage
from tests.conftest import sms_form

# Both databases: integer ranges and NUL characters are where the dialects differ.
pytestmark = pytest.mark.dialects

ID_ROUTES = [
    ("get", "/api/v1/incidents/{id}"),
    ("get", "/api/v1/incidents/{id}/notes"),
    ("post", "/api/v1/incidents/{id}/confirm"),
    ("get", "/api/v1/zones/{id}"),
    ("get", "/api/v1/subscribers/{id}"),
    ("delete", "/api/v1/places/{id}"),
    ("delete", "/api/v1/apikeys/{id}"),
]


@pytest.mark.parametrize("big", [2**31, 2**63, 2**64 + 1, 0, -1])
def test_ids_out_of_range_are_422(api, big):
    for method, path in ID_ROUTES:
        assert getattr(api, method)(path.format(id=big)).status_code == 422, path
    assert api.get("/api/v1/incidents", params={"cursor": big}).status_code == 422
    assert api.get("/api/v1/messages", params={"incident_id": big}).status_code == 422
    assert api.post("/api/v1/incidents/1/merge", json={"into": big}).status_code == 422
    assert api.post("/api/v1/incidents/1/split", json={"report_ids": [big]}).status_code == 422


def test_ids_in_range_but_unknown_are_404(api):
    for method, path in ID_ROUTES[:-2]:
        assert getattr(api, method)(path.format(id=2**31 - 1)).status_code == 404, path
    assert api.post("/api/v1/incidents/7/merge", json={"into": 8}).status_code == 404


@pytest.mark.parametrize("cursor", ["²", "abc", "1.5", "", "٣"])
def test_odd_cursors_are_answered(api, cursor):
    assert api.get("/api/v1/zones", params={"cursor": cursor}).status_code in (200, 422)


def test_control_characters_in_bodies_names_and_filters_are_422(api):
    assert api.post("/api/v1/zones", json={"name": "a\x00b", "zips": ["90280"]}).status_code == 422
    assert api.post("/api/v1/zones", json={"name": "a\x1bb", "zips": ["90280"]}).status_code == 422
    body = {"phone": "+13235550101", "name": "Ana\x00"}
    assert api.post("/api/v1/subscribers", json=body).status_code == 422
    place = {"name": "Home\x00Depot", "lat": 33.9, "lon": -118.2}
    assert api.post("/api/v1/places", json=place).status_code == 422
    assert api.get("/api/v1/audit", params={"actor": "x\x00"}).status_code == 422
    ok = api.post("/api/v1/zones", json={"name": "Line\tone", "zips": ["90280"]})
    assert ok.status_code == 201  # a tab is text


def test_an_sms_with_nul_is_kept_without_it(api, twilio_post, work, db):
    sid = "SM" + "a" * 32
    answer = twilio_post(
        "/twilio/sms", sms_form("+13105550001", "ICE at Pacific\x00 and Florence\x07", sid=sid)
    )
    assert answer.status_code == 200
    with session_scope(db) as session:
        stored = session.exec(select(InboundMessage)).one()
        assert stored.body == "ICE at Pacific and Florence"
    work()
    assert len(api.get("/api/v1/incidents").json()["items"]) == 1


def test_numbers_typed_into_reports_are_masked_in_answers(api, twilio_post, work):
    twilio_post(
        "/twilio/sms", sms_form("+13105550001", "ICE at Pacific and Florence, call me 323-555-0188")
    )
    work()
    incident = api.get("/api/v1/incidents").json()["items"][0]["id"]
    detail = api.get(f"/api/v1/incidents/{incident}").text
    assert "555-0188" not in detail and "•••-•••-0188" in detail
