"""Every coordinator action leaves an AuditEvent, and admins can page and filter them."""

from datetime import UTC, datetime, timedelta

from tests.conftest import sms_form

ZONE = {"name": "South Gate", "zips": ["90280"]}


def test_every_mutating_route_is_audited(api, twilio_post, work):
    zone = api.post("/api/v1/zones", json=ZONE).json()["id"]
    ana = api.post(
        "/api/v1/subscribers", json={"phone": "+13235550101", "name": "Ana", "zone_ids": [zone]}
    ).json()["id"]
    api.patch(f"/api/v1/subscribers/{ana}", json={"language": "en"})
    api.post(
        "/api/v1/subscribers/import",
        content="phone,name\n+13235550102,Bea\n",
        headers={"content-type": "text/csv"},
    )
    api.get("/api/v1/subscribers.csv")
    place = api.post(
        "/api/v1/places", json={"name": "Home Depot", "lat": 33.98, "lon": -118.22}
    ).json()["id"]
    api.delete(f"/api/v1/places/{place}")
    for sender, text in (("+13105550001", "ICE at Pacific and Florence"),) * 1:
        twilio_post("/twilio/sms", sms_form(sender, text))
    twilio_post("/twilio/sms", sms_form("+13105550002", "ICE at Slauson and Compton"))
    work()
    first, second = sorted(i["id"] for i in api.get("/api/v1/incidents").json()["items"])
    api.post(f"/api/v1/incidents/{first}/notes", json={"text": "on it"})
    api.post(f"/api/v1/incidents/{first}/confirm", json={"reason": "seen"})
    api.post(f"/api/v1/incidents/{second}/merge", json={"into": first})
    api.post(f"/api/v1/incidents/{first}/resolve")
    api.post(
        "/api/v1/broadcasts",
        json={"zone_ids": [zone], "roles": ["responder"], "body": {"es": "hola"}},
    )
    key = api.post("/api/v1/apikeys", json={"name": "bo", "role": "viewer"}).json()["id"]
    api.delete(f"/api/v1/apikeys/{key}")

    events = api.get("/api/v1/audit", params={"limit": 500}).json()["items"]
    actions = {e["action"] for e in events}
    assert {
        "zone.create",
        "subscriber.create",
        "subscriber.update",
        "subscriber.import",
        "subscriber.export",
        "place.create",
        "place.delete",
        "incident.note",
        "incident.confirmed",
        "incident.merge",
        "incident.resolved",
        "broadcast.send",
        "apikey.create",
        "apikey.revoke",
    } <= actions
    mine = {e["actor"] for e in events if e["action"] != "apikey.create"}
    assert mine == {"apikey:test-admin"}


def test_audit_pages_and_filters(api):
    for i in range(5):
        api.post("/api/v1/zones", json={"name": f"Z{i}", "zips": ["90280"]})
    page = api.get("/api/v1/audit", params={"limit": 2, "action": "zone.create"}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = api.get(
        "/api/v1/audit", params={"cursor": page["next_cursor"], "action": "zone.create"}
    ).json()
    assert len(rest["items"]) == 3 and rest["next_cursor"] is None
    assert api.get("/api/v1/audit", params={"actor": "apikey:nobody"}).json()["items"] == []
    family = api.get("/api/v1/audit", params={"action": "zone."}).json()["items"]
    assert len(family) == 5
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    earlier = (datetime.now(UTC) - timedelta(minutes=5)).replace(tzinfo=None).isoformat()
    assert api.get("/api/v1/audit", params={"since": later}).json()["items"] == []
    window = {"since": earlier, "until": later}
    assert len(api.get("/api/v1/audit", params=window).json()["items"]) == 6  # and the key's
    assert api.get("/api/v1/audit", params={"since": "yesterday"}).status_code == 422
