"""Reports are sightings, now: questions, sign-ups in free words, rumours and past events get
their own answer and open no incident; a question at an open incident's place is shown on it and
never counted; a sighting with a question mark is still a sighting. Driven through the signed SMS
webhook, a real worker and the coordinator API (the console: tests/console/test_asides.py)."""

import pytest
from sqlmodel import Session, select

from core.enums import ReportFlag
from core.models import Report, Subscriber
from messaging.templates import render
from tests.api.test_trust import _add, _incidents, _messages, _replies_to, _text

RESIDENTS = [f"+1323555{n:04d}" for n in range(701, 720)]


@pytest.fixture
def everywhere(api):
    body = {"name": "SE LA", "center": {"lat": 33.96, "lon": -118.21}, "radius_m": 15000}
    return api.post("/api/v1/zones", json=body).json()["id"]


@pytest.fixture
def responder(api, everywhere):
    _add(api, everywhere, "+13235550601")
    return "+13235550601"


def _alerts(api):
    return _messages(api, kind="alert")


def _reports(db, flag=None):
    with Session(db) as session:
        query = select(Report) if flag is None else select(Report).where(Report.flag == flag)
        return list(session.exec(query.order_by(Report.id)))


@pytest.mark.parametrize(
    ("body", "template", "language"),
    [
        ("¿alguien sabe si hay redadas en South Gate?", "question_help", "es"),
        ("alguien sabe si ay migra en la Florence y Pacific", "question_help", "es"),
        ("is ICE in Huntington Park today?", "question_help", "en"),
        ("hay ice en la Pacific y Gage?", "question_help", "es"),
        ("la semana pasada se llevaron a dos en la Atlantic y Florence", "past_recorded", "es"),
        ("last week they took two on Atlantic and Florence", "past_recorded", "en"),
        (
            "reenvía esto: van a hacer redadas en todas las escuelas el lunes",
            "rumour_now_where",
            "es",
        ),
    ],
)
def test_words_that_are_no_sighting_open_no_incident_and_get_their_answer(
    api, twilio_post, work, db, responder, body, template, language
):
    immediate = _text(twilio_post, work, RESIDENTS[0], body)
    assert "<Message>" not in immediate  # no "we got your report" from the webhook
    assert _incidents(api) == [] and _alerts(api) == []
    replies = _replies_to(api, RESIDENTS[0])
    assert len(replies) == 1
    assert replies[0].startswith(render(template, language))
    assert render("ask_location", language) not in replies[0]
    if template == "rumour_now_where":  # short and bilingual: who forwards it reads either
        assert render(template, "en") in replies[0] and render(template, "es") in replies[0]
    (kept,) = _reports(db)
    assert kept.flag in {ReportFlag.QUESTION, ReportFlag.PAST, ReportFlag.RUMOUR}
    assert kept.incident_id is None


def test_past_events_and_rumours_are_listed_for_coordinators(api, twilio_post, work, responder):
    _text(twilio_post, work, RESIDENTS[0], "ayer la migra se llevo a unos señores en Gage y Miles")
    _text(twilio_post, work, RESIDENTS[1], "ICE will raid every Home Depot tomorrow, share this")
    _text(twilio_post, work, RESIDENTS[2], "hay migra en la Pacific y Florence?")
    past = api.get("/api/v1/reports", params={"flag": "past"}).json()["items"]
    assert [(r["flag"], r["incident_id"]) for r in past] == [("past", None)]
    # Where it happened, by name: documentation, never one of the number's own places.
    assert past[0]["matched"] == "Gage / Miles" and past[0]["lat"] is None
    every = api.get("/api/v1/reports").json()["items"]
    assert sorted(r["flag"] for r in every) == ["past", "question", "rumour"]
    assert api.get("/api/v1/reports", params={"flag": "limited"}).status_code == 422
    assert _incidents(api) == []


def test_a_question_at_an_open_incident_is_shown_on_it_and_never_counted(
    api, twilio_post, work, db, responder
):
    _text(twilio_post, work, RESIDENTS[0], "ICE en la Pacific y Florence, 3 camionetas")
    (incident,) = _incidents(api)
    questions = [
        "¿hay migra en la Pacific y Florence?",
        "is ICE at Pacific and Florence right now?",
        "alguien sabe si siguen en la Pacific y Florence",
        "es cierto que hay redadas en la Florence y Pacific?",
    ]
    for sender, body in zip(RESIDENTS[1:5], questions, strict=True):
        _text(twilio_post, work, sender, body)
    (after,) = _incidents(api)
    assert after["status"] == "reported"  # four "voices" asking: none confirms
    assert (after["report_count"], after["reporter_count"]) == (1, 1)
    assert (after["lat"], after["lon"]) == (incident["lat"], incident["lon"])
    detail = api.get(f"/api/v1/incidents/{incident['id']}").json()
    assert [r["flag"] for r in detail["reports"]] == [None] + ["question"] * 4
    assert len(_alerts(api)) == 1  # the responder's one alert, nothing more
    # Real witnesses still confirm it.
    _text(twilio_post, work, RESIDENTS[10], "migra en Pacific y Florence, agarrando gente")
    _text(twilio_post, work, RESIDENTS[11], "ICE at Pacific & Florence, masked agents")
    assert _incidents(api)[0]["status"] == "confirmed"


def test_a_question_then_its_place_is_still_a_question(api, twilio_post, work, db, responder):
    _text(twilio_post, work, RESIDENTS[0], "ICE en la Pacific y Florence")
    _text(twilio_post, work, RESIDENTS[1], "ya se fueron?")
    _text(twilio_post, work, RESIDENTS[1], "pacific y florence")
    (incident,) = _incidents(api)
    assert incident["reporter_count"] == 1
    (question,) = _reports(db, ReportFlag.QUESTION)
    assert question.incident_id == incident["id"] and question.matched is not None
    assert "pacific y florence" in question.text
    assert len(_replies_to(api, RESIDENTS[1])) == 1  # one answer to the question, none to the place


@pytest.mark.parametrize(
    "body",
    [
        "me quiero inscribir, soy de Bell Gardens",
        "how do I sign up for the alerts?",
        "quiero recibir las alertas de redadas",
    ],
)
def test_a_sign_up_in_free_words_asks_for_the_zip_and_counts_for_nothing(
    api, twilio_post, work, db, responder, body
):
    _text(twilio_post, work, RESIDENTS[0], "migra en la Florence y Garfield, Bell Gardens")
    _text(twilio_post, work, RESIDENTS[1], body)
    (incident,) = _incidents(api)
    assert (incident["report_count"], incident["reporter_count"]) == (1, 1)
    (reply,) = _replies_to(api, RESIDENTS[1])
    assert "90255" in reply  # the join_ask_zip example
    _text(twilio_post, work, RESIDENTS[1], "90255")
    with Session(db) as session:
        (subscriber,) = session.exec(select(Subscriber).where(Subscriber.name.contains("90255")))
        assert subscriber.roles == ["community"] and subscriber.status == "pending"
    assert len(_reports(db)) == 1


def test_a_sign_up_with_its_zip_in_free_words(api, twilio_post, work, db, everywhere):
    api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]})
    _text(twilio_post, work, RESIDENTS[0], "hola, quiero unirme a las alertas. 90255")
    with Session(db) as session:
        (subscriber,) = session.exec(select(Subscriber))
        assert subscriber.status == "pending" and subscriber.language == "es"
    assert _reports(db) == [] and _incidents(api) == []


@pytest.mark.parametrize(
    "body",
    [
        "¡¡hay migra en el Home Depot de Cudahy!! ¿alguien puede ir?",
        "ICE at Florence and Pacific right now, can someone come?",
        "la migra esta aqui en la Pacific y Gage??",
        "migra en la Atlantic y Florence, ayuda por favor?",
    ],
)
def test_a_sighting_with_a_question_mark_is_a_sighting(api, twilio_post, work, responder, body):
    immediate = _text(twilio_post, work, RESIDENTS[0], body)
    assert "<Message>" in immediate  # answered at once, as every sighting
    (incident,) = _incidents(api)
    assert incident["status"] == "reported"
    assert len(_alerts(api)) == 1


def test_what_a_number_asked_or_remembered_elsewhere_never_holds_its_sighting(
    api, twilio_post, work, responder
):
    """A question about one corner and a past event at another are not places this number
    reported: its real sighting far from both alerts as anyone's would."""
    _text(twilio_post, work, RESIDENTS[0], "¿hay migra en la Atlantic y Imperial?")
    _text(twilio_post, work, RESIDENTS[0], "ayer se llevaron a dos en la Otis y Tweedy")
    _text(twilio_post, work, RESIDENTS[0], "ICE en la Pacific y Florence, 3 camionetas")
    (incident,) = _incidents(api)
    assert incident["status"] == "reported" and len(_alerts(api)) == 1


def test_a_sign_up_asked_in_english_is_answered_in_english(api, twilio_post, work, db):
    api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]})
    _text(twilio_post, work, RESIDENTS[0], "hi, how do I sign up for the alerts?")
    _text(twilio_post, work, RESIDENTS[0], "90255")
    assert _replies_to(api, RESIDENTS[0])[0] == render("join_ask_zip", "en")
    with Session(db) as session:
        (subscriber,) = session.exec(select(Subscriber))
        assert subscriber.language == "en" and subscriber.status == "pending"


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("reenvia esto: van a hacer redadas en todas las escuelas el lunes", "Pacific y Florence"),
        ("alguien sabe si hay migra?", "si, en la Pacific y Florence"),
        ("la semana pasada se llevaron a dos", "ahorita en la Pacific y Florence"),
    ],
)
def test_an_answer_that_it_is_happening_now_is_a_sighting(
    api, twilio_post, work, db, responder, first, then
):
    """Asked "is it happening now? where?" after a rumour, or told to text what and where, the
    place they answer with (or a yes, a now) is a sighting of theirs, not the rumour's place."""
    _text(twilio_post, work, RESIDENTS[0], first)
    _text(twilio_post, work, RESIDENTS[0], then)
    (incident,) = _incidents(api)
    assert incident["reporter_count"] == 1 and len(_alerts(api)) == 1
    (aside,) = [r for r in _reports(db) if r.flag is not None]
    assert aside.incident_id is None and aside.matched is None


def test_a_subscriber_who_only_asked_is_told_when_it_is_confirmed(
    api, twilio_post, work, everywhere, responder
):
    """Asking about a raid does not make someone its reporter: a community subscriber who asked
    hears of the confirmed raid like their neighbours."""
    _add(api, everywhere, RESIDENTS[5], roles=("community",))
    _text(twilio_post, work, RESIDENTS[0], "ICE en la Pacific y Florence")
    _text(twilio_post, work, RESIDENTS[5], "¿hay migra en la Pacific y Florence?")
    for sender, body in [
        (RESIDENTS[1], "migra en Pacific y Florence, agarrando gente"),
        (RESIDENTS[2], "ICE at Pacific & Florence, masked agents"),
    ]:
        _text(twilio_post, work, sender, body)
    assert _incidents(api)[0]["status"] == "confirmed"
    told = [m for m in _alerts(api) if m["to"].endswith(RESIDENTS[5][-4:])]
    assert len(told) == 1 and "CONFIRMADO" in told[0]["body"]
