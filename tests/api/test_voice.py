"""Whole phone calls, played as Twilio plays them: signed webhooks, following the TwiML we answer
(Gather and Record actions, Redirects), answering with Digits / SpeechResult / RecordingUrl, then
the status callback; the report is checked through the coordinator API after a real RQ worker
ran."""

import secrets
import xml.etree.ElementTree as ET
from math import cos, radians, sqrt

import pytest
from sqlmodel import Session, select

from core.models import InboundMessage, Report, VoiceCall
from tests.conftest import PUBLIC_URL, sign, sms_form

RESIDENT = "+13235550177"
LINE = "+13235550000"
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC" + "1" * 32 + "/Recordings/RE" + "2" * 32
PACIFIC_FLORENCE = (33.974441, -118.22531)
GAGE_MILES = (33.9816, -118.219121)
GAGE_STATE = (33.980752, -118.212543)
VOICE_PATHS = [
    "/twilio/voice",
    "/twilio/voice/language",
    "/twilio/voice/place?try=0",
    "/twilio/voice/description?try=0",
    "/twilio/voice/recording",
    "/twilio/voice/done",
    "/twilio/voice/status",
]


class Call:
    """One caller's phone call as Twilio drives it. Each step returns the TwiML root we answered."""

    def __init__(self, twilio_post, caller: str = RESIDENT):
        self.post = twilio_post
        self.sid = "CA" + secrets.token_hex(16)
        self.params = {
            "CallSid": self.sid,
            "AccountSid": "AC" + "1" * 32,
            "From": caller,
            "To": LINE,
            "Caller": caller,
            "Called": LINE,
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
            "FromCity": "",
            "FromZip": "",
            "CallerZip": "",
            "ToCity": "",
        }
        self.twiml: ET.Element | None = None
        self.last: tuple[str, dict[str, str]] | None = None

    def dial(self) -> ET.Element:
        return self._request(PUBLIC_URL + "/twilio/voice", CallStatus="ringing")

    def press(self, digits: str) -> ET.Element:
        return self._gather("dtmf", Digits=digits)

    def say(self, speech: str, confidence: str = "0.91") -> ET.Element:
        return self._gather("speech", SpeechResult=speech, Confidence=confidence)

    def silence(self) -> ET.Element:
        return self._gather(None)  # actionOnEmptyResult: the action comes with no answer at all

    def leave_recording(self, url: str = RECORDING) -> ET.Element:
        record = self._verb("Record")
        return self._request(
            record.get("action"),
            CallStatus="in-progress",
            RecordingUrl=url,
            RecordingSid="RE" + "2" * 32,
            RecordingDuration="14",
            Digits="#",
        )

    def record_nothing(self) -> ET.Element:
        """Twilio skips the Record action when it heard no audio and runs the next verb."""
        assert self._verb("Record") is not None
        return self._request(self._verb("Redirect").text, CallStatus="in-progress")

    def hang_up(self, status: str = "completed"):
        form = {
            **self.params,
            "CallStatus": status,
            "CallDuration": "40",
            "Timestamp": "Sat, 14 Jun 2025 17:02:00 +0000",
        }
        response = self.post("/twilio/voice/status", form)
        assert response.status_code == 200 and response.headers["content-type"].startswith(
            "application/xml"
        )
        return response

    def retry(self) -> ET.Element:
        """Twilio sending the last request again (a timeout on its side)."""
        path, form = self.last
        return self._parse(self.post(path, form))

    def _verb(self, tag: str) -> ET.Element:
        verb = self.twiml.find(tag)
        assert verb is not None, f"no <{tag}> in {ET.tostring(self.twiml, encoding='unicode')}"
        return verb

    def _gather(self, kind: str | None, **answer: str) -> ET.Element:
        gather = self._verb("Gather")
        assert gather.get("actionOnEmptyResult") == "true"
        assert kind is None or kind in gather.get("input", "dtmf").split()
        return self._request(gather.get("action"), CallStatus="in-progress", **answer)

    def _request(self, url: str, **extra: str) -> ET.Element:
        assert url.startswith(PUBLIC_URL + "/twilio/voice"), url  # absolute, from AVISA_PUBLIC_URL
        path, form = url[len(PUBLIC_URL) :], {**self.params, **extra}
        self.last = (path, form)
        return self._parse(self.post(path, form))

    def _parse(self, response) -> ET.Element:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        self.twiml = ET.fromstring(response.content)
        assert self.twiml.tag == "Response"
        return self.twiml


def spoken(twiml: ET.Element) -> str:
    return " ".join(say.text for say in twiml.iter("Say"))


def voices(twiml: ET.Element) -> set[tuple[str, str]]:
    return {(say.get("voice"), say.get("language")) for say in twiml.iter("Say")}


def distance_m(lat: float, lon: float, point: tuple[float, float]) -> float:
    dy, dx = (lat - point[0]) * 111_320, (lon - point[1]) * 111_320 * cos(radians(lat))
    return sqrt(dx * dx + dy * dy)


def only_incident(api) -> dict:
    items = api.get("/api/v1/incidents").json()["items"]
    assert len(items) == 1, items
    return api.get(f"/api/v1/incidents/{items[0]['id']}").json()


def rows(db, model, **where) -> list:
    with Session(db) as session:
        return list(session.exec(select(model).filter_by(**where)))


def test_spanish_call_becomes_a_voice_report_at_the_spoken_corner(api, twilio_post, work, caplog):
    caplog.set_level("INFO")
    call = Call(twilio_post)
    greeting = call.dial()
    gather = greeting.find("Gather")
    assert gather.get("input") == "dtmf" and gather.get("numDigits") == "1"
    assert "oprima 2" in spoken(greeting) and "press 1" in spoken(greeting)
    assert voices(greeting) == {("Polly.Mia", "es-MX"), ("Polly.Joanna", "en-US")}

    where = call.press("2")
    gather = where.find("Gather")
    assert gather.get("input") == "speech dtmf" and gather.get("language") == "es-MX"
    assert gather.get("speechTimeout").isdigit() and gather.get("numDigits") == "5"
    assert "¿Dónde está pasando?" in spoken(where) and voices(where) == {("Polly.Mia", "es-MX")}

    what = call.say("pacific en florence")
    assert (
        what.find("Gather").get("input") == "speech"
        and what.find("Gather").get("language") == "es-MX"
    )
    assert "¿Qué está pasando?" in spoken(what)

    goodbye = call.say("hay tres camionetas de la migra y agentes con máscara")
    words = spoken(goodbye)
    assert "Recibimos su reporte" in words
    assert "orden firmada por un juez" in words and "derecho a guardar silencio" in words
    assert goodbye[-1].tag == "Hangup" and voices(goodbye) == {("Polly.Mia", "es-MX")}
    call.hang_up()
    work()

    incident = only_incident(api)
    assert distance_m(incident["lat"], incident["lon"], PACIFIC_FLORENCE) < 150
    [report] = incident["reports"]
    assert report["channel"] == "voice" and report["language"] == "es"
    assert (
        report["text"]
        == "pacific en florence\nhay tres camionetas de la migra y agentes con máscara"
    )
    assert (
        RESIDENT not in str(incident)
        and RESIDENT[2:] not in caplog.text
        and RESIDENT[-7:] not in caplog.text
    )


def test_english_call_is_answered_and_recognised_in_english(api, twilio_post, work):
    call = Call(twilio_post)
    call.dial()
    where = call.press("1")
    assert where.find("Gather").get("language") == "en-US"
    assert voices(where) == {("Polly.Joanna", "en-US")} and "Where is it happening?" in spoken(
        where
    )
    what = call.say("Gage and Miles")
    assert what.find("Gather").get("language") == "en-US" and "What is happening?" in spoken(what)
    goodbye = call.say("two white vans and agents in vests taking people")
    words = spoken(goodbye)
    assert "We received your report" in words
    assert "warrant signed by a judge" in words and "right to remain silent" in words
    work()

    incident = only_incident(api)
    assert distance_m(incident["lat"], incident["lon"], GAGE_MILES) < 150
    assert (
        incident["reports"][0]["channel"] == "voice" and incident["reports"][0]["language"] == "en"
    )


def test_silence_at_the_greeting_means_spanish(client, twilio_post):
    call = Call(twilio_post)
    call.dial()
    where = call.silence()
    assert where.find("Gather").get("language") == "es-MX" and "¿Dónde" in spoken(where)


def test_a_zip_typed_on_the_keypad_is_the_place(api, twilio_post, work):
    call = Call(twilio_post)
    call.dial()
    call.press("2")
    assert "¿Qué está pasando?" in spoken(call.press("90255"))
    call.say("están revisando carros")
    work()
    incident = only_incident(api)
    assert (
        incident["zip"] == "90255"
        and incident["reports"][0]["text"] == "90255\nestán revisando carros"
    )


def test_a_spoken_zip_read_digit_by_digit_is_the_place(api, twilio_post, work):
    call = Call(twilio_post)
    call.dial()
    call.press("2")
    call.say("nueve cero dos cinco cinco")
    call.say("la migra")
    work()
    assert only_incident(api)["zip"] == "90255"


def test_too_few_digits_is_asked_again(client, twilio_post):
    call = Call(twilio_post)
    call.dial()
    call.press("2")
    again = call.press("12")
    assert "no le escuché" in spoken(again) and "¿Dónde" in spoken(again)
    assert again.find("Gather").get("action").endswith("/twilio/voice/place?try=1")


def test_speech_failing_twice_falls_back_to_a_recording_kept_for_coordinators(
    api, twilio_post, work, db
):
    call = Call(twilio_post)
    call.dial()
    call.press("2")
    again = call.silence()
    assert "Perdón, no le escuché." in spoken(again) and again.find("Gather") is not None
    fallback = call.silence()
    assert fallback.find("Gather") is None and "Después del tono" in spoken(fallback)
    record = fallback.find("Record")
    assert (
        record.get("action") == PUBLIC_URL + "/twilio/voice/recording"
        and record.get("finishOnKey") == "#"
    )
    assert fallback.find("Redirect").text == PUBLIC_URL + "/twilio/voice/done"

    goodbye = call.leave_recording()
    assert "Recibimos su reporte" in spoken(goodbye) and goodbye[-1].tag == "Hangup"
    call.hang_up()
    work()

    assert api.get("/api/v1/incidents").json()["items"] == []  # nothing to place it yet
    [message] = rows(db, InboundMessage, channel="voice")
    assert (
        message.provider_sid == call.sid and message.report_id is not None and message.processed_at
    )
    assert rows(db, VoiceCall, call_sid=call.sid)[0].recording_url == RECORDING


def test_the_recording_reaches_the_report_in_the_callers_language(api, twilio_post, work, db):
    call = Call(twilio_post)
    call.dial()
    call.press("1")
    call.say("Pacific and Florence")
    call.silence()
    call.silence()
    call.leave_recording()
    work()
    [report] = only_incident(api)["reports"]
    assert report["channel"] == "voice" and report["language"] == "en"
    assert rows(db, Report)[0].recording_url == RECORDING


def test_a_caller_saying_a_keyword_still_makes_a_report_not_a_command(api, twilio_post, work, db):
    call = Call(twilio_post)
    call.dial()
    call.press("2")
    call.say("alto")  # "stop" in Spanish: an opt-out by text, a place (or nothing) by phone
    call.hang_up()
    work()
    assert rows(db, InboundMessage)[0].outcome.startswith("report")
    assert api.get("/api/v1/messages").json()["items"] == []


def test_a_failed_description_after_the_place_is_recorded_and_the_place_kept(
    api, twilio_post, work
):
    call = Call(twilio_post)
    call.dial()
    call.press("2")
    call.say("la gage y la estate")
    assert "no le escuché" in spoken(call.silence())
    assert call.silence().find("Record") is not None
    call.leave_recording()
    work()
    incident = only_incident(api)
    assert distance_m(incident["lat"], incident["lon"], GAGE_STATE) < 150
    assert incident["reports"][0]["text"] == "la gage y la estate"


def test_a_recording_with_no_audio_ends_the_call_without_a_report(api, twilio_post, work, db):
    call = Call(twilio_post)
    call.dial()
    call.press("1")
    call.silence()
    call.silence()
    goodbye = call.record_nothing()
    assert "We did not get your report" in spoken(goodbye) and "remain silent" in spoken(goodbye)
    call.hang_up()
    assert work() == 0 and rows(db, InboundMessage) == []


def test_hanging_up_after_the_place_still_leaves_a_report(api, twilio_post, work, db):
    call = Call(twilio_post)
    call.dial()
    call.press("2")
    call.say("la gage y la estate")
    call.hang_up()
    work()
    incident = only_incident(api)
    assert distance_m(incident["lat"], incident["lon"], GAGE_STATE) < 150
    assert (
        incident["reports"][0]["channel"] == "voice"
        and incident["reports"][0]["text"] == "la gage y la estate"
    )
    assert rows(db, VoiceCall, call_sid=call.sid)[0].finalised_at is not None


@pytest.mark.parametrize("when", ["greeting", "place_prompt", "ringing"])
def test_hanging_up_before_the_place_leaves_nothing_and_breaks_nothing(
    api, twilio_post, work, db, when
):
    call = Call(twilio_post)
    if when != "ringing":
        call.dial()
    if when == "place_prompt":
        call.press("2")
    call.hang_up("completed" if when != "ringing" else "canceled")
    call.hang_up()
    work()
    assert api.get("/api/v1/incidents").json()["items"] == [] and rows(db, InboundMessage) == []


def test_garbage_speech_becomes_an_unplaced_report_and_valid_twiml(api, twilio_post, work, db):
    call = Call(twilio_post)
    call.dial()
    call.press("2")
    what = call.say("eh este mmm <Say>]]> & no sé", confidence="0.08")
    assert "¿Qué está pasando?" in spoken(what)
    goodbye = call.say("]]><Hangup/> ay", confidence="0.11")
    assert "Recibimos su reporte" in spoken(goodbye) and len(list(goodbye.iter("Hangup"))) == 1
    work()
    assert api.get("/api/v1/incidents").json()["items"] == []
    [report] = rows(db, Report)
    assert report.channel == "voice" and report.lat is None
    assert api.get("/api/v1/messages", params={"kind": "alert"}).json()["items"] == []


def test_twilio_retries_change_nothing(api, twilio_post, work, db):
    call = Call(twilio_post)
    greeting = ET.tostring(call.dial())
    assert ET.tostring(call.retry()) == greeting
    place_prompt = ET.tostring(call.press("2"))
    assert ET.tostring(call.retry()) == place_prompt
    again = ET.tostring(call.silence())
    assert ET.tostring(call.retry()) == again  # still a second chance, not the recording
    assert rows(db, VoiceCall, call_sid=call.sid)[0].speech_failures == 1
    call.say("pacific y florence")
    call.retry()
    goodbye = ET.tostring(call.say("agentes en la esquina"))
    assert ET.tostring(call.retry()) == goodbye
    call.hang_up()
    call.hang_up()
    work()
    assert len(rows(db, InboundMessage)) == 1 and len(rows(db, VoiceCall)) == 1
    assert only_incident(api)["report_count"] == 1


def test_a_call_and_a_text_about_one_raid_are_one_incident(api, twilio_post, work):
    twilio_post("/twilio/sms", sms_form("+13235550166", "ICE en Pacific y Florence"))
    call = Call(twilio_post)
    call.dial()
    call.press("2")
    call.say("Pacific y Florence")
    call.say("se llevaron a dos personas")
    work()
    incident = only_incident(api)
    assert incident["report_count"] == 2
    assert sorted(r["channel"] for r in incident["reports"]) == ["sms", "voice"]


@pytest.mark.parametrize("path", VOICE_PATHS)
def test_bad_or_missing_signature_is_403_and_stores_nothing(client, twilio_post, db, path):
    form = Call(twilio_post).params | {
        "CallStatus": "completed",
        "SpeechResult": "pacific y florence",
    }
    assert twilio_post(path, form, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    assert client.post(path, data=form).status_code == 403
    assert rows(db, VoiceCall) == [] and rows(db, InboundMessage) == []


def test_a_signature_for_another_path_is_refused(client, twilio_post):
    form = Call(twilio_post).params | {"SpeechResult": "pacific y florence"}
    signature = sign(PUBLIC_URL + "/twilio/voice/place?try=0", form)
    response = client.post(
        "/twilio/voice/place?try=1", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403


def test_a_request_without_callsid_is_400(client, twilio_post):
    assert twilio_post("/twilio/voice", {"From": RESIDENT, "To": LINE}).status_code == 400
