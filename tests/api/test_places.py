from tests.conftest import sms_form


def test_a_coordinator_place_locates_reports(api, twilio_post, work):
    body = {
        "name": "Escuela Miles",
        "aliases": ["la escuela miles", "miles elementary"],
        "lat": 33.9791,
        "lon": -118.2136,
    }
    created = api.post("/api/v1/places", json=body)
    assert created.status_code == 201
    assert api.post("/api/v1/places", json=body).status_code == 409
    assert api.post("/api/v1/places", json={**body, "name": "x", "lat": 95}).status_code == 422
    twilio_post("/twilio/sms", sms_form("+13105550001", "hay migra afuera de la escuela Miles!!"))
    work()
    incident = api.get("/api/v1/incidents").json()["items"][0]
    assert abs(incident["lat"] - 33.9791) < 1e-6 and incident["label"]
    assert api.delete(f"/api/v1/places/{created.json()['id']}").status_code == 204
    assert api.get("/api/v1/places").json()["items"] == []
