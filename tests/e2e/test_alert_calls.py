"""A call when an alert text cannot reach a responder, against the local Twilio fake: the call on
30003, none for a reply, never two for one text, and pressing 1 answers as ``N SI`` does."""

from urllib.parse import urlsplit

import pytest
from sqlmodel import Session, select

from avisa.testing.twilio_server import AUTH_TOKEN
from core.models import Acknowledgement, AlertCall
from tests.conftest import sms_form
from tests.fakes.conftest_twilio import OUR_NUMBER

ANA, BEA, LUZ = "+13235550101", "+13235550102", "+13235550103"  # responders, legal aid


@pytest.fixture
def fake(twilio_backend):
    return twilio_backend


@pytest.fixture
def network(api, fake):
    def sink(url, params, headers):
        parts = urlsplit(url)
        api.post(f"{parts.path}?{parts.query}", data=params, headers=headers)

    fake.callback_sink = sink
    zone = api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]}).json()["id"]
    ids = {}
    for phone, roles, language in [
        (ANA, ["responder"], "es"),
        (BEA, ["responder"], "en"),
        (LUZ, ["legal_aid"], "es"),
    ]:
        body = {"phone": phone, "name": "Vol", "language": language, "roles": roles}
        body |= {"zone_ids": [zone], "confirmed": True}
        ids[phone] = api.post("/api/v1/subscribers", json=body).json()["id"]
    return ids


def _report(twilio_post, work, fake, callbacks):
    twilio_post("/twilio/sms", sms_form("+13105550999", "la migra en Pacific y Florence"))
    work()
    fake.wait_for_callbacks(callbacks)
    work()  # the jobs the callbacks enqueued


def _calls(db) -> list[AlertCall]:
    with Session(db) as session:
        return list(session.exec(select(AlertCall)))


def test_an_unreachable_alert_is_followed_by_one_call_and_1_confirms(
    api, twilio_post, work, fake, network, db
):
    fake.callback_outcome(ANA, "undelivered", 30003)
    _report(twilio_post, work, fake, 4)  # two alerts: sent + final each
    [call] = fake.calls
    assert (call.to, call.sender) == (ANA, OUR_NUMBER)
    assert urlsplit(call.url).path == "/twilio/voice/alert"
    assert call.status_callback.startswith("http://testserver/twilio/voice/alert/status?call=")
    [row] = _calls(db)
    assert row.status == "placed" and row.error_code == "30003" and row.call_sid == call.sid

    # Twilio retries the callback: still one call.
    url, params = next((u, p) for u, p in fake.callbacks_sent if p.get("ErrorCode") == "30003")
    fake.callback_sink(url, params, {"X-Twilio-Signature": _sign(url, params)})
    work()
    assert len(fake.calls) == 1 and len(_calls(db)) == 1

    # Twilio fetches the TwiML when Ana picks up: her alert, read in Spanish, then press 1.
    path = f"{urlsplit(call.url).path}?{urlsplit(call.url).query}"
    twiml = twilio_post(path, {"CallSid": call.sid, "CallStatus": "in-progress"}).text
    assert "<Gather" in twiml and "SIN VERIFICAR" in twiml and "oprima 1" in twiml
    assert "press 1" in twiml  # both languages, hers first
    answer = path.replace("/alert?", "/alert/answer?")
    done = twilio_post(answer, {"CallSid": call.sid, "Digits": "1"}).text
    assert "Registrado" in done and "<Hangup" in done
    work()
    incident = api.get("/api/v1/incidents").json()["items"][0]
    assert incident["status"] == "confirmed"  # as if she had texted "N SI": legal aid alerted
    legal = api.get("/api/v1/messages", params={"subscriber_id": network[LUZ]}).json()["items"]
    assert [m["kind"] for m in legal] == ["alert"]
    with Session(db) as session:
        [ack] = session.exec(select(Acknowledgement)).all()
    assert (ack.subscriber_id, ack.action) == (network[ANA], "confirm")
    assert _calls(db)[0].status == "acknowledged"
    # Pressing 1 again (Twilio retried the request) records nothing more.
    twilio_post(answer, {"CallSid": call.sid, "Digits": "1"})
    with Session(db) as session:
        assert len(session.exec(select(Acknowledgement)).all()) == 1


def test_no_call_for_a_reply_nor_a_delivered_text_nor_another_error(
    api, twilio_post, work, fake, network, db
):
    fake.callback_outcome(BEA, "undelivered", 30003)
    fake.callback_outcome(ANA, "undelivered", 21610)  # opted out at the carrier: not a call
    twilio_post("/twilio/sms", sms_form(BEA, "HELP"))  # her reply will fail with 30003
    work()
    fake.wait_for_callbacks(2)
    work()
    assert fake.calls == [] and _calls(db) == []
    _report(twilio_post, work, fake, 6)
    assert [c.to for c in fake.calls] == [BEA]  # the alert, yes; the 21610 one, no


def test_a_call_twilio_refuses_is_failed_and_never_retried(
    api, twilio_post, work, fake, network, db
):
    fake.callback_outcome(ANA, "undelivered", 30005)
    fake.fail_call(ANA, status=400, code=21215)  # geo permissions
    _report(twilio_post, work, fake, 4)
    [row] = _calls(db)
    assert row.status == "failed" and "21215" in row.detail and fake.calls == []
    from workers.calls import place_alert_call

    assert place_alert_call(row.id) == "skipped"


def _sign(url: str, params: dict[str, str]) -> str:
    from twilio.request_validator import RequestValidator

    return RequestValidator(AUTH_TOKEN).compute_signature(url, params)
