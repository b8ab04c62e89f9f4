"""The opt-in / STOP / START / HELP flow and responders' answers, in both languages."""

import pytest

from tests.conftest import sms_form


@pytest.fixture
def zone(api):
    return api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]}).json()["id"]


def _add(api, zone, phone, language, confirmed=False):
    body = {
        "phone": phone,
        "name": "Vol",
        "language": language,
        "zone_ids": [zone],
        "confirmed": confirmed,
    }
    return api.post("/api/v1/subscribers", json=body).json()["id"]


def _status(api, subscriber_id):
    return api.get(f"/api/v1/subscribers/{subscriber_id}").json()["status"]


def _last_reply(api, subscriber_id):
    return api.get(
        "/api/v1/messages", params={"subscriber_id": subscriber_id, "kind": "reply"}
    ).json()["items"][0]["body"]


@pytest.mark.parametrize(
    "language,yes,stop,start,help_word,expect",
    [
        ("es", "Sí", "PARA", "ALTA", "ayuda", "linea de alerta"),
        ("es", "si", "basta", "START", "AYUDA", "linea de alerta"),
        ("en", "YES", "Stop", "start", "HELP", "alert line"),
        ("en", "yes!", "CANCELAR", "ALTA", "help", "alert line"),
    ],
)
def test_confirm_stop_start_help(
    api, twilio_post, work, zone, language, yes, stop, start, help_word, expect
):
    phone = "+13235550150"
    subscriber = _add(api, zone, phone, language)
    work()
    opt_in = api.get("/api/v1/messages", params={"kind": "opt_in"}).json()["items"][0]["body"]
    assert "SI" in opt_in and "YES" in opt_in  # bilingual
    for word, status in [(yes, "active"), (stop, "opted_out"), (start, "active")]:
        assert twilio_post("/twilio/sms", sms_form(phone, word)).text.endswith("<Response />")
        work()
        assert _status(api, subscriber) == status, word
    twilio_post("/twilio/sms", sms_form(phone, help_word))
    work()
    assert expect in _last_reply(api, subscriber)


def test_opted_out_and_pending_never_get_alerts(api, twilio_post, work, zone):
    active = _add(api, zone, "+13235550151", "es", confirmed=True)
    pending = _add(api, zone, "+13235550152", "es")
    leaving = _add(api, zone, "+13235550153", "en", confirmed=True)
    twilio_post("/twilio/sms", sms_form("+13235550153", "STOP"))
    work()
    twilio_post("/twilio/sms", sms_form("+13235550199", "ICE en 90255"))
    work()
    alerted = {
        m["subscriber_id"]
        for m in api.get("/api/v1/messages", params={"kind": "alert"}).json()["items"]
    }
    assert alerted == {active}
    assert pending not in alerted and leaving not in alerted


def test_responder_confirms_by_sms_and_legal_aid_is_alerted(api, twilio_post, work, zone):
    responder = _add(api, zone, "+13235550161", "es", confirmed=True)
    legal = api.post(
        "/api/v1/subscribers",
        json={
            "phone": "+13235550162",
            "name": "Lic",
            "language": "en",
            "roles": ["legal_aid"],
            "zone_ids": [zone],
            "confirmed": True,
        },
    ).json()["id"]
    twilio_post("/twilio/sms", sms_form("+13235550199", "migra en la Pacific y Florence"))
    work()
    incident = api.get("/api/v1/incidents").json()["items"][0]
    twilio_post("/twilio/sms", sms_form("+13235550161", f"{incident['id']} SI"))
    work()
    assert api.get(f"/api/v1/incidents/{incident['id']}").json()["status"] == "confirmed"
    legal_alerts = api.get("/api/v1/messages", params={"subscriber_id": legal}).json()["items"]
    assert len(legal_alerts) == 1 and "CONFIRMED" in legal_alerts[0]["body"]
    assert "registrado" in _last_reply(api, responder)
    # Without a number: only one incident is open for them.
    twilio_post("/twilio/sms", sms_form("+13235550161", "listo"))
    work()
    assert api.get(f"/api/v1/incidents/{incident['id']}").json()["status"] == "resolved"
    all_clear = api.get(
        "/api/v1/messages", params={"subscriber_id": legal, "kind": "update"}
    ).json()["items"]
    assert len(all_clear) == 1 and "ALL CLEAR" in all_clear[0]["body"]


def test_residents_get_help_in_the_language_they_asked_in(api, twilio_post, work):
    twilio_post("/twilio/sms", sms_form("+13105550901", "HELP"))
    twilio_post("/twilio/sms", sms_form("+13105550902", "ayuda"))
    work()
    bodies = sorted(
        m["body"] for m in api.get("/api/v1/messages", params={"kind": "reply"}).json()["items"]
    )
    assert len(bodies) == 2 and "alert line" in bodies[0] and "linea de alerta" in bodies[1]
