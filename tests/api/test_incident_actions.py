"""Coordinator actions on incidents: confirm, dismiss, resolve, merge, split, notes, GeoJSON."""

import pytest

from tests.conftest import sms_form

# Both databases: status actions are conditional updates; merge and split move rows in bulk.
pytestmark = pytest.mark.dialects


def _report(twilio_post, sender, body):
    assert twilio_post("/twilio/sms", sms_form(sender, body)).status_code == 200


def _incidents(api):
    return {i["label"]: i for i in api.get("/api/v1/incidents").json()["items"]}


def test_merge_split_and_notes(api, twilio_post, work):
    _report(twilio_post, "+13105550001", "ICE at Pacific and Florence")
    _report(twilio_post, "+13105550002", "migra en Gage y Miles")
    work()
    found = _incidents(api)
    a, b = (
        found["Pacific / Florence"]["id"],
        next(i["id"] for label, i in found.items() if "Gage" in label),
    )
    merged = api.post(f"/api/v1/incidents/{b}/merge", json={"into": a})
    assert merged.status_code == 200 and merged.json()["report_count"] == 2
    assert api.get(f"/api/v1/incidents/{b}").json()["status"] == "merged"
    assert api.post(f"/api/v1/incidents/{b}/merge", json={"into": a}).status_code == 409

    reports = api.get(f"/api/v1/incidents/{a}").json()["reports"]
    gage = next(r["id"] for r in reports if "Gage" in (r["matched"] or ""))
    split = api.post(f"/api/v1/incidents/{a}/split", json={"report_ids": [gage]})
    assert split.status_code == 201 and split.json()["report_count"] == 1
    assert api.get(f"/api/v1/incidents/{a}").json()["report_count"] == 1
    only = api.get(f"/api/v1/incidents/{a}").json()["reports"][0]["id"]
    assert api.post(f"/api/v1/incidents/{a}/split", json={"report_ids": [only]}).status_code == 409

    assert (
        api.post(f"/api/v1/incidents/{a}/notes", json={"text": "verified by Ana"}).status_code
        == 201
    )
    api.post(f"/api/v1/incidents/{a}/notes", json={"text": "call her at 323-555-0101"})
    page = api.get(f"/api/v1/incidents/{a}/notes", params={"limit": 1}).json()
    assert [n["text"] for n in page["items"]] == ["call her at •••-•••-0101"]  # newest first
    rest = api.get(f"/api/v1/incidents/{a}/notes", params={"cursor": page["next_cursor"]}).json()
    assert [n["text"] for n in rest["items"]] == ["verified by Ana"] and rest["next_cursor"] is None


def test_status_actions_and_their_conflicts(api, twilio_post, work):
    _report(twilio_post, "+13105550001", "ICE at Pacific and Florence")
    work()
    incident = api.get("/api/v1/incidents").json()["items"][0]["id"]
    assert api.post(f"/api/v1/incidents/{incident}/confirm").json()["status"] == "confirmed"
    assert api.post(f"/api/v1/incidents/{incident}/confirm").status_code == 409
    assert (
        api.post(
            f"/api/v1/incidents/{incident}/dismiss", json={"reason": "it was a film crew"}
        ).json()["status"]
        == "dismissed"
    )
    assert api.post(f"/api/v1/incidents/{incident}/resolve").status_code == 409
    assert api.post("/api/v1/incidents/999/confirm").status_code == 404


def test_geojson_for_maps(api, twilio_post, work):
    _report(twilio_post, "+13105550001", "ICE at Pacific and Florence")
    work()
    collection = api.get("/api/v1/incidents.geojson").json()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 1
    lon, lat = collection["features"][0]["geometry"]["coordinates"]
    assert 33.9 < lat < 34.0 and -118.3 < lon < -118.2


def test_an_action_with_redis_down_takes_effect_once_and_its_texts_follow(
    api, twilio_post, work, monkeypatch, db
):
    """Never both a 500 and an effect: the answer is 200, and the sweep sends what it decided."""
    from sqlmodel import Session, select

    from core.models import Alert
    from workers import effects, maintenance

    _report(twilio_post, "+13105550001", "ICE at Pacific and Florence")
    work()
    incident = api.get("/api/v1/incidents").json()["items"][0]["id"]

    def redis_down(*_args, **_kwargs):
        from redis.exceptions import ConnectionError

        raise ConnectionError("redis is down")

    monkeypatch.setattr(effects, "enqueue_dispatch", redis_down)
    resolved = api.post(f"/api/v1/incidents/{incident}/resolve")
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert api.post(f"/api/v1/incidents/{incident}/resolve").status_code == 409
    with Session(db) as session:
        [all_clear] = session.exec(select(Alert).where(Alert.reason == "resolved")).all()
        assert all_clear.dispatched_at is None  # decided and stored, not yet fanned out
    monkeypatch.setattr(maintenance, "GRACE_S", -1)
    maintenance.sweep_outbound()
    work()
    with Session(db) as session:
        assert session.get(Alert, all_clear.id).dispatched_at is not None
