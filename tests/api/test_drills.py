"""Drills: a SIMULACRO / DRILL alert down a zone's real chain, answers measured, nothing beyond."""

from urllib.parse import urlsplit

import pytest

from core import drills, incidents
from core.db import session_scope
from core.errors import Conflict
from core.models import Incident
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


# Sealed: every text a drill causes goes to its audience only, marked in the reader's language.

CARLA, DAN, COORD = "+13235550104", "+13235550105", "+13235550106"  # residents, a coordinator
MARK = {"es": "SIMULACRO", "en": "DRILL"}


def _sealed_network(api):
    """HP with two responders (es, en), legal aid, two residents signed up for confirmed raids
    (es, en) and a coordinator who watches everywhere; returns {phone: (id, language)}."""
    zone = _network(api)
    people = {}
    for phone, roles, language, zones in [
        (CARLA, ["community"], "es", [zone]),
        (DAN, ["community"], "en", [zone]),
        (COORD, ["coordinator"], "es", []),
    ]:
        body = {"phone": phone, "name": "P", "language": language, "roles": roles}
        body |= {"zone_ids": zones, "confirmed": True}
        assert api.post("/api/v1/subscribers", json=body).status_code == 201
    for item in api.get("/api/v1/subscribers").json()["items"]:  # numbers come back masked
        [phone] = [p for p in (ANA, BEA, LEGAL, CARLA, DAN, COORD) if p[-4:] == item["phone"][-4:]]
        people[phone] = (item["id"], item["language"])
    return zone, people


def _texts(api, people, incident_id):
    """Every text about the incident, by phone: (kind, body) oldest first."""
    items = api.get("/api/v1/messages", params={"incident_id": incident_id, "limit": 200})
    by_id = {sid: phone for phone, (sid, _) in people.items()}
    found: dict[str, list[tuple[str, str]]] = {phone: [] for phone in people}
    for m in sorted(items.json()["items"], key=lambda m: m["id"]):
        found[by_id[m["subscriber_id"]]].append((m["kind"], m["body"]))
    return found


def _assert_sealed(people, texts, expected: dict[str, int]):
    """Exactly ``expected`` texts to each phone (0 to anyone not named), each marked in its
    reader's language at the start."""
    counts = {phone: len(texts[phone]) for phone in people}
    assert counts == {phone: expected.get(phone, 0) for phone in people}
    for phone, (_, language) in people.items():
        for kind, body in texts[phone]:
            assert body.startswith(MARK[language]), (phone, kind, body)


def _replies(api, people, phone):
    sid = people[phone][0]
    params = {"subscriber_id": sid, "kind": "reply"}
    return [m["body"] for m in api.get("/api/v1/messages", params=params).json()["items"]]


def test_a_drill_confirmed_by_a_responder_and_cleared_stays_with_its_responders(
    api, twilio_post, work
):
    zone, people = _sealed_network(api)
    drill = api.post("/api/v1/drills", json={"zone_id": zone, "place": "Pacific y Gage"}).json()
    work()
    incident = drill["incident_id"]
    assert twilio_post("/twilio/sms", sms_form(ANA, f"{incident} SI")).text.endswith("<Response />")
    work()
    assert api.get(f"/api/v1/drills/{drill['id']}").json()["status"] == "confirmed"
    assert twilio_post("/twilio/sms", sms_form(BEA, f"{incident} CLEAR")).text.endswith(
        "<Response />"
    )
    work()
    texts = _texts(api, people, incident)
    # Ana: alert, the reply to her SI, the all-clear. Bea: alert, the confirmed update, the
    # reply to her CLEAR (never the all-clear as a second answer). Nobody else: not legal aid
    # (not full), never the residents, not the coordinator (no escalation).
    _assert_sealed(people, texts, {ANA: 3, BEA: 3})
    assert [kind for kind, _ in texts[ANA]] == ["alert", "reply", "update"]
    assert [kind for kind, _ in texts[BEA]] == ["alert", "update", "reply"]
    assert "CONFIRMADO" in texts[ANA][1][1] and "TERMINADO" in texts[ANA][2][1]


def test_a_full_drill_confirmed_and_resolved_by_a_coordinator_never_reaches_residents(
    api, twilio_post, work
):
    zone, people = _sealed_network(api)
    drill = api.post("/api/v1/drills", json={"zone_id": zone, "full": True}).json()
    work()
    incident = drill["incident_id"]
    assert api.post(f"/api/v1/incidents/{incident}/confirm").status_code == 200
    work()
    assert api.post(f"/api/v1/incidents/{incident}/resolve").status_code == 200
    work()
    texts = _texts(api, people, incident)
    # Responders: alert, confirmed, all-clear; legal aid (full): confirmed, all-clear.
    _assert_sealed(people, texts, {ANA: 3, BEA: 3, LEGAL: 2})
    assert "apoyo legal" in texts[LEGAL][0][1]


def test_a_full_drill_escalated_then_called_off_reaches_only_its_chain(api, twilio_post, work):
    from workers.escalation import escalate_if_unanswered

    zone, people = _sealed_network(api)
    drill = api.post("/api/v1/drills", json={"zone_id": zone, "full": True}).json()
    work()
    incident = drill["incident_id"]
    assert escalate_if_unanswered(incident)
    work()
    twilio_post("/twilio/sms", sms_form(BEA, f"{incident} NO"))
    work()
    texts = _texts(api, people, incident)
    # The coordinator: escalation, stand-down. Ana: alert, stand-down. Bea: alert, the reply to
    # her NO (one answer, not the stand-down too).
    _assert_sealed(people, texts, {ANA: 2, BEA: 2, COORD: 2})
    assert "SIN RESPUESTA" in texts[COORD][0][1] and "FALSA ALARMA" in texts[COORD][1][1]
    assert [kind for kind, _ in texts[BEA]] == ["alert", "reply"]


def test_a_resident_answering_a_drill_number_moves_nothing_and_hears_nothing(
    api, twilio_post, work
):
    zone, people = _sealed_network(api)
    drill = api.post("/api/v1/drills", json={"zone_id": zone}).json()
    work()
    incident = drill["incident_id"]
    for phone in (CARLA, DAN):
        twilio_post("/twilio/sms", sms_form(phone, f"{incident} SI"))
        work()
    assert api.get(f"/api/v1/drills/{drill['id']}").json()["status"] == "reported"
    texts = _texts(api, people, incident)
    _assert_sealed(people, texts, {ANA: 1, BEA: 1})
    assert _replies(api, people, CARLA) == _replies(api, people, DAN) == []


def test_a_responders_notes_on_a_drill_are_answered_marked(api, twilio_post, work):
    zone, people = _sealed_network(api)
    drill = api.post("/api/v1/drills", json={"zone_id": zone}).json()
    work()
    twilio_post("/twilio/sms", sms_form(ANA, "estoy en la esquina y no hay nadie"))
    twilio_post("/twilio/sms", sms_form(BEA, "two vans parked here"))
    work()
    texts = _texts(api, people, drill["incident_id"])
    _assert_sealed(people, texts, {ANA: 2, BEA: 2})


def test_a_responders_real_sighting_elsewhere_during_a_drill_is_a_real_report(
    api, twilio_post, work
):
    zone, people = _sealed_network(api)
    drill = api.post("/api/v1/drills", json={"zone_id": zone, "place": "Pacific y Gage"}).json()
    work()
    twilio_post("/twilio/sms", sms_form(ANA, "la migra esta en Pacific y Florence ahorita"))
    work()
    [real] = api.get("/api/v1/incidents").json()["items"]  # not a note on the drill
    assert real["id"] != drill["incident_id"] and not real["drill"]
    alerted = api.get("/api/v1/messages", params={"incident_id": real["id"], "kind": "alert"})
    assert len(alerted.json()["items"]) >= 1  # BEA hears of the real raid
    assert api.get(f"/api/v1/incidents/{drill['incident_id']}/notes").json()["items"] == []


def test_every_text_a_drill_can_cause_has_a_marked_version_in_both_languages():
    from core.audience import TEMPLATE, UPDATE_CONFIRMED_NO_LEGAL
    from core.drills import DRILL_TEMPLATES, NEVER_AUDIENCES
    from messaging.templates import CATALOGUE, render

    caused = {
        key for (_, audience), (key, _) in TEMPLATE.items() if audience not in NEVER_AUDIENCES
    }
    caused |= {UPDATE_CONFIRMED_NO_LEGAL}
    caused |= {"ack_recorded", "ack_confirmed", "ack_confirmed_legal"}
    caused |= {"note_added", "note_negative"}
    assert caused <= set(DRILL_TEMPLATES)
    # A text with no drill version is refused for a drill rather than sent unmarked.
    with pytest.raises(KeyError):
        drills.template(Incident(lat=0, lon=0, precision_m=1, drill=True), "alert_community")
    for key in DRILL_TEMPLATES.values():
        assert set(CATALOGUE[key]) == {"es", "en"}
        params = {"incident": 17, "place": "Pacific y Gage", "time": "10:02", "action": "confirm"}
        for language, mark in MARK.items():
            assert render(key, language, **params).startswith(mark), (key, language)


def test_a_drill_is_never_merged_with_a_real_incident_either_way(api, twilio_post, work):
    zone, _ = _sealed_network(api)
    drill = api.post("/api/v1/drills", json={"zone_id": zone}).json()
    other = api.post("/api/v1/drills", json={"zone_id": zone}).json()
    twilio_post("/twilio/sms", sms_form("+13105550999", "la migra en Pacific y Florence"))
    work()
    [real] = api.get("/api/v1/incidents").json()["items"]
    pairs = [
        (drill["incident_id"], real["id"]),
        (real["id"], drill["incident_id"]),
        (drill["incident_id"], other["incident_id"]),
    ]
    for source, target in pairs:
        refused = api.post(f"/api/v1/incidents/{source}/merge", json={"into": target})
        assert refused.status_code == 409, refused.text
        assert "is a drill" in refused.text and "never merged" in refused.text
    assert api.get(f"/api/v1/incidents/{real['id']}").json()["status"] == "reported"
    for d in (drill, other):
        assert api.get(f"/api/v1/incidents/{d['incident_id']}").json()["status"] == "reported"


def test_core_merge_refuses_a_drill(api, db):
    zone, _ = _sealed_network(api)
    drill = api.post("/api/v1/drills", json={"zone_id": zone}).json()
    with session_scope(db) as session:
        real = Incident(lat=33.98, lon=-118.22, precision_m=50, label="Pacific y Gage")
        session.add(real)
        session.flush()
        for source, into in ((real.id, drill["incident_id"]), (drill["incident_id"], real.id)):
            with pytest.raises(Conflict) as refused:
                incidents.merge(session, source, into=into, actor="test")
            assert refused.value.template.startswith("incident {drill} is a drill")


def test_a_drill_alert_that_cannot_be_texted_is_called_marked_and_1_stays_in_the_drill(
    api, twilio_post, work, twilio_backend
):
    fake = twilio_backend

    def sink(url, params, headers):
        parts = urlsplit(url)
        api.post(f"{parts.path}?{parts.query}", data=params, headers=headers)

    fake.callback_sink = sink
    fake.callback_outcome(ANA, "undelivered", 30003)
    zone, people = _sealed_network(api)
    drill = api.post("/api/v1/drills", json={"zone_id": zone}).json()
    work()
    fake.wait_for_callbacks(4)  # two alerts: sent + final each
    work()
    [call] = fake.calls
    assert call.to == ANA
    path = f"{urlsplit(call.url).path}?{urlsplit(call.url).query}"
    twiml = twilio_post(path, {"CallSid": call.sid, "CallStatus": "in-progress"}).text
    assert "SIMULACRO AVISA" in twiml
    answer = path.replace("/alert?", "/alert/answer?")
    assert "Registrado" in twilio_post(answer, {"CallSid": call.sid, "Digits": "1"}).text
    work()
    assert api.get(f"/api/v1/drills/{drill['id']}").json()["status"] == "confirmed"
    texts = _texts(api, people, drill["incident_id"])
    # Ana: her (undelivered) alert only — the call was her answer. Bea: alert, update.
    _assert_sealed(people, texts, {ANA: 1, BEA: 2})


def test_a_responder_made_a_resident_mid_drill_hears_no_more_of_it(api, twilio_post, work):
    zone, people = _sealed_network(api)
    drill = api.post("/api/v1/drills", json={"zone_id": zone}).json()
    work()
    ana = people[ANA][0]
    assert api.patch(f"/api/v1/subscribers/{ana}", json={"roles": ["community"]}).status_code == 200
    assert api.post(f"/api/v1/incidents/{drill['incident_id']}/dismiss").status_code == 200
    work()
    texts = _texts(api, people, drill["incident_id"])
    _assert_sealed(people, texts, {ANA: 1, BEA: 2})  # Ana: the alert before; no stand-down
