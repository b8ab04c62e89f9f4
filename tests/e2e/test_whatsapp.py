"""WhatsApp through the same Twilio webhooks, against the local Twilio fake: reports and answers
come and go on WhatsApp, one person on two channels is one reporter, and a WhatsApp subscriber's
alert outside the 24-hour window is an approved template, or an SMS when none is set."""

import pytest
from sqlmodel import Session, select

from core.models import InboundMessage, Report
from core.settings import get_settings
from tests.conftest import sms_form
from tests.fakes.conftest_twilio import OUR_NUMBER

RESIDENT, ANA = "+13105550999", "+13235550101"

TEMPLATE = "HX" + "a" * 32


@pytest.fixture
def fake(twilio_backend):
    twilio_backend.callbacks = False  # delivery outcomes play no part here
    return twilio_backend


def _sent(fake) -> list[tuple[str, str, str | None]]:
    return [(a.to, a.sender, a.content_sid) for a in fake.accepted]


def test_a_report_on_whatsapp_is_answered_on_whatsapp_and_one_reporter_across_channels(
    api, twilio_post, work, fake, db
):
    asked = twilio_post("/twilio/sms", sms_form(f"whatsapp:{RESIDENT}", "hay agentes aqui"))
    assert asked.status_code == 200
    work()
    # "Where?" goes back on WhatsApp, from our WhatsApp sender.
    assert _sent(fake) == [(f"whatsapp:{RESIDENT}", f"whatsapp:{OUR_NUMBER}", None)]
    twilio_post("/twilio/sms", sms_form(f"whatsapp:{RESIDENT}", "en la Pacific y Florence"))
    twilio_post("/twilio/sms", sms_form(RESIDENT, "ICE at Pacific and Florence"))  # now by SMS
    work()
    [incident] = api.get("/api/v1/incidents").json()["items"]
    assert incident["reporter_count"] == 1  # the same person, whatever the channel
    with Session(db) as session:
        channels = [m.channel for m in session.exec(select(InboundMessage))]
        assert channels == ["whatsapp", "whatsapp", "sms"]
        assert {r.reporter_hash for r in session.exec(select(Report))} == {
            session.exec(select(InboundMessage.from_hash)).first()
        }
    reply = api.get("/api/v1/messages", params={"kind": "reply"}).json()["items"][0]
    assert reply["channel"] == "whatsapp" and reply["to"] == "whatsapp:+1••••••0999"


def _responder(api, zone, channel="whatsapp"):
    body = {"phone": ANA, "name": "Ana", "zone_ids": [zone], "confirmed": True}
    created = api.post("/api/v1/subscribers", json=body | {"channel": channel})
    assert created.status_code == 201, created.text
    return created.json()


def test_a_whatsapp_subscriber_gets_sms_then_a_template_then_free_text(
    api, twilio_post, work, fake, monkeypatch
):
    zone = api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]}).json()["id"]
    ana = _responder(api, zone)
    assert ana["channel"] == "whatsapp" and ana["status"] == "active"

    # Outside the 24-hour window with no template set: the alert falls back to SMS.
    twilio_post("/twilio/sms", sms_form("+13105550901", "la migra en Pacific y Florence"))
    work()
    assert _sent(fake) == [(ANA, OUR_NUMBER, None)]

    # A template set for alerts: the next alert is that template, on WhatsApp.
    monkeypatch.setenv("AVISA_WHATSAPP_TEMPLATE_ALERT", TEMPLATE)
    get_settings.cache_clear()
    twilio_post("/twilio/sms", sms_form("+13105550902", "migra en Gage y Miles"))
    work()
    assert _sent(fake)[1] == (f"whatsapp:{ANA}", f"whatsapp:{OUR_NUMBER}", TEMPLATE)
    assert "AVISA #2" in fake.accepted[1].content_variables

    # She answers on WhatsApp: the answer is hers, the reply and later alerts are free text.
    twilio_post("/twilio/sms", sms_form(f"whatsapp:{ANA}", "2 VOY"))
    work()
    assert _sent(fake)[2] == (f"whatsapp:{ANA}", f"whatsapp:{OUR_NUMBER}", None)
    assert "en camino" in fake.accepted[2].body
    api.post("/api/v1/incidents/1/confirm")  # an update to the responders
    work()
    assert _sent(fake)[3] == (f"whatsapp:{ANA}", f"whatsapp:{OUR_NUMBER}", None)
    assert fake.accepted[3].body.startswith("AVISA #1 CONFIRMADO")


def test_channel_in_the_api_and_the_csv(api):
    zone = api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]}).json()["id"]
    ana = _responder(api, zone, channel="sms")
    patched = api.patch(f"/api/v1/subscribers/{ana['id']}", json={"channel": "whatsapp"})
    assert patched.json()["channel"] == "whatsapp"
    assert (
        api.post(
            "/api/v1/subscribers", json={"phone": "+13235550177", "name": "X", "channel": "fax"}
        ).status_code
        == 422
    )
    csv = "phone,name,zones,channel\n+13235550102,Bea,HP,whatsapp\n+13235550103,Cy,HP,\n"
    imported = api.post(
        "/api/v1/subscribers/import", content=csv, headers={"content-type": "text/csv"}
    ).json()
    assert imported["created"] == 2 and imported["errors"] == []
    people = {s["name"]: s["channel"] for s in api.get("/api/v1/subscribers").json()["items"]}
    assert people == {"Ana": "whatsapp", "Bea": "whatsapp", "Cy": "sms"}
    bad = "phone,name,channel\n+13235550104,Di,pigeon\n"
    answer = api.post(
        "/api/v1/subscribers/import", content=bad, headers={"content-type": "text/csv"}
    ).json()
    assert answer["errors"][0]["error"].startswith("channel:")
