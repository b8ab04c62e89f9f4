"""Drills: a SIMULACRO / DRILL alert down a zone's real chain, answers measured, nothing beyond."""

from tests.conftest import sms_form

ANA, BEA, LEGAL = "+13235550101", "+13235550102", "+13235550103"


def _network(api):
    zone = api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]}).json()["id"]
    for phone, roles, language in [
        (ANA, ["responder"], "es"),
        (BEA, ["responder"], "en"),
        (LEGAL, ["legal_aid"], "es"),
    ]:
        body = {"phone": phone, "name": "Vol", "language": language, "roles": roles}
        assert (
            api.post(
                "/api/v1/subscribers", json=body | {"zone_ids": [zone], "confirmed": True}
            ).status_code
            == 201
        )
    return zone


def _alerts(api, incident_id, kind="alert"):
    params = {"incident_id": incident_id, "kind": kind}
    return api.get("/api/v1/messages", params=params).json()["items"]


def test_a_drill_with_two_responders_one_answering(api, twilio_post, work):
    zone = _network(api)
    started = api.post("/api/v1/drills", json={"zone_id": zone, "place": "Pacific y Florence"})
    assert started.status_code == 201, started.text
    drill = started.json()
    work()
    alerts = _alerts(api, drill["incident_id"])
    assert len(alerts) == 2  # the two responders, never legal aid
    bodies = sorted(a["body"] for a in alerts)
    assert bodies[0].startswith("DRILL AVISA #") and bodies[1].startswith("SIMULACRO AVISA #")

    twilio_post("/twilio/sms", sms_form(ANA, f"{drill['incident_id']} SI"))
    work()
    twilio_post("/twilio/sms", sms_form(ANA, f"{drill['incident_id']} VOY"))
    work()
    figures = api.get(f"/api/v1/drills/{drill['id']}").json()
    assert figures["sent"] == 2 and figures["delivered"] == 2
    assert figures["acknowledged"] == 1 and figures["confirmed"] == 1
    assert figures["on_my_way"] == 1
    assert figures["first_ack_s"] is not None and figures["median_ack_s"] is not None
    assert figures["status"] == "confirmed"
    # Confirmed, but not full: legal aid never hears of it; the responders' update says DRILL.
    assert _alerts(api, drill["incident_id"]) == alerts
    updates = _alerts(api, drill["incident_id"], "update")
    assert updates and all(u["body"].startswith(("SIMULACRO", "DRILL")) for u in updates)

    # Not a real incident: not in the list, not in /metrics, not joined by a real report.
    assert api.get("/api/v1/incidents").json()["items"] == []
    listed = api.get("/api/v1/incidents", params={"drill": "true"}).json()["items"]
    assert [i["id"] for i in listed] == [drill["incident_id"]] and listed[0]["drill"]
    assert 'avisa_incidents{status="confirmed"}' not in api.get("/metrics").text
    twilio_post("/twilio/sms", sms_form("+13105550999", "la migra en Pacific y Florence"))
    work()
    real = api.get("/api/v1/incidents").json()["items"]
    assert len(real) == 1 and real[0]["id"] != drill["incident_id"]


def test_a_full_drill_reaches_legal_aid(api, twilio_post, work):
    zone = _network(api)
    drill = api.post("/api/v1/drills", json={"zone_id": zone, "full": True}).json()
    work()
    twilio_post("/twilio/sms", sms_form(BEA, "YES"))
    work()
    alerts = _alerts(api, drill["incident_id"])
    assert len(alerts) == 3
    assert any(
        a["body"].startswith("SIMULACRO AVISA") and "apoyo legal" in a["body"] for a in alerts
    )


def test_an_unanswered_drill_does_not_escalate_unless_full(api, work, db):
    from core.db import session_scope
    from core.escalation import escalate_if_unanswered

    zone = _network(api)
    quiet = api.post("/api/v1/drills", json={"zone_id": zone}).json()
    full = api.post("/api/v1/drills", json={"zone_id": zone, "full": True}).json()
    with session_scope(db) as session:
        assert escalate_if_unanswered(session, quiet["incident_id"]).alert_ids == []
        assert escalate_if_unanswered(session, full["incident_id"]).alert_ids != []


def test_drill_errors(api):
    assert api.post("/api/v1/drills", json={"zone_id": 999}).status_code == 404
    assert api.get("/api/v1/drills/999").status_code == 404
