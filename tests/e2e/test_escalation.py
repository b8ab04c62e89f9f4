"""No answer within AVISA_ACK_MINUTES: the alert goes to neighbouring zones and coordinators."""

from datetime import timedelta

import pytest
from rq.registry import ScheduledJobRegistry

from core.clock import frozen_at, now
from tests.conftest import sms_form
from workers import escalation
from workers.queues import URGENT, queue

# Both databases: timers read back stored times; transitions are conditional updates.
pytestmark = pytest.mark.dialects


def _setup(api):
    hp = api.post(
        "/api/v1/zones",
        json={"name": "HP", "center": {"lat": 33.9745, "lon": -118.2253}, "radius_m": 500},
    ).json()["id"]
    # Its edge is ~450 m from the corner, outside HP: a neighbour within 2 × 400 m.
    near = api.post(
        "/api/v1/zones",
        json={"name": "Walnut Park", "center": {"lat": 33.9745, "lon": -118.2178}, "radius_m": 250},
    ).json()["id"]
    far = api.post(
        "/api/v1/zones",
        json={"name": "Pasadena", "center": {"lat": 34.1478, "lon": -118.1445}, "radius_m": 2000},
    ).json()["id"]
    ids = {}
    for name, zone, roles in [
        ("local", hp, ["responder"]),
        ("neighbour", near, ["responder"]),
        ("far", far, ["responder"]),
        ("coordinator", far, ["coordinator"]),
    ]:
        body = {
            "phone": f"+1323555{len(ids) + 8100:04d}",
            "name": name,
            "zone_ids": [zone],
            "roles": roles,
            "confirmed": True,
        }
        ids[name] = api.post("/api/v1/subscribers", json=body).json()["id"]
    body = {
        "phone": "+13235558199",
        "name": "network",
        "zone_ids": [],
        "roles": ["coordinator"],
        "confirmed": True,
    }
    ids["network coordinator"] = api.post("/api/v1/subscribers", json=body).json()["id"]
    return ids


def _alerted(api):
    return {
        m["subscriber_id"]
        for m in api.get("/api/v1/messages", params={"kind": "alert"}).json()["items"]
    }


def test_unanswered_incident_escalates_once_to_neighbours_and_coordinators(
    api, twilio_post, work, redis
):
    ids = _setup(api)
    twilio_post("/twilio/sms", sms_form("+13105550001", "migra en la Pacific y Florence"))
    work()
    assert _alerted(api) == {ids["local"]}
    incident = api.get("/api/v1/incidents").json()["items"][0]["id"]
    assert f"escalate-{incident}" in ScheduledJobRegistry(queue=queue(URGENT, redis)).get_job_ids()

    assert escalation.escalate_if_unanswered(incident)  # what RQ's scheduler runs at the deadline
    assert not escalation.escalate_if_unanswered(incident)  # once only
    work()
    assert _alerted(api) == {ids["local"], ids["neighbour"], ids["network coordinator"]}
    bodies = [
        m["body"] for m in api.get("/api/v1/messages", params={"kind": "alert"}).json()["items"]
    ]
    assert sum("SIN RESPUESTA" in b for b in bodies) == 2


def test_an_answer_stops_the_escalation(api, twilio_post, work):
    ids = _setup(api)
    twilio_post("/twilio/sms", sms_form("+13105550001", "migra en la Pacific y Florence"))
    work()
    twilio_post("/twilio/sms", sms_form("+13235558100", "VOY"))  # the local responder is on the way
    work()
    incident = api.get("/api/v1/incidents").json()["items"][0]["id"]
    assert not escalation.escalate_if_unanswered(incident)
    assert _alerted(api) == {ids["local"]}


def test_sweep_escalates_when_the_timer_was_lost(api, twilio_post, work, redis):
    _setup(api)
    twilio_post("/twilio/sms", sms_form("+13105550001", "migra en la Pacific y Florence"))
    work()
    redis.flushall()  # the scheduled timer is gone
    assert escalation.sweep() == 0  # not overdue yet
    with frozen_at(now() + timedelta(minutes=6)):
        assert escalation.sweep() == 1
