"""A family reports a detention by text; legal aid takes the case and moves it by text; the
family hears every change. Through the real webhook, the intake job and the API."""

import pytest
from sqlmodel import col, select

from core.db import session_scope
from core.enums import CaseStatus
from core.models import AuditEvent, DetentionCase, InboundMessage, Message
from core.phones import vault_for
from tests.conftest import sms_form

FAMILY, LEGAL_A, LEGAL_B, RESPONDER = "+13105550101", "+13235550141", "+13235550142", "+13235550143"
WITNESS = "+13105550177"


@pytest.fixture
def line(monkeypatch, settings):
    from core.settings import get_settings

    monkeypatch.setenv("AVISA_LEGAL_AID_LINE", "(213) 555-0199")
    get_settings.cache_clear()


@pytest.fixture
def network(api):
    zone = api.post("/api/v1/zones", json={"name": "SE", "zips": ["90255", "90001"]}).json()["id"]
    ids = {}
    for phone, roles, language in (
        (LEGAL_A, ["legal_aid"], "es"),
        (LEGAL_B, ["legal_aid"], "en"),
        (RESPONDER, ["responder"], "es"),
    ):
        body = {"phone": phone, "name": "Vol", "language": language, "roles": roles}
        made = api.post("/api/v1/subscribers", json=body | {"zone_ids": [zone], "confirmed": True})
        assert made.status_code == 201, made.text
        ids[phone] = made.json()["id"]
    return zone, ids


def say(twilio_post, work, phone, body):
    answer = twilio_post("/twilio/sms", sms_form(phone, body))
    assert answer.status_code == 200
    work()
    return answer.text


def texts_to(db, settings, phone) -> list[str]:
    index = vault_for(settings.secret_key).index(phone)
    with session_scope(db) as session:
        rows = session.exec(
            select(Message).where(Message.to_hash == index).order_by(col(Message.id))
        )
        return [m.body for m in rows]


def the_case(db) -> DetentionCase:
    with session_scope(db) as session:
        return session.exec(select(DetentionCase)).one()


def test_a_family_reports_by_text_and_legal_aid_takes_and_moves_the_case(
    api, twilio_post, work, db, settings, network, line
):
    zone, ids = network
    say(twilio_post, work, WITNESS, "la migra en Pacific y Florence, 3 camionetas")
    [incident] = [i["id"] for i in api.get("/api/v1/incidents").json()["items"]]

    # Plain words open the case: no "we got your report" for a raid, but the rights and the line.
    answer = say(twilio_post, work, FAMILY, "se llevaron a mi esposo")
    assert "<Message>" not in answer
    first = texts_to(db, settings, FAMILY)
    assert len(first) == 2 and "(213) 555-0199" in first[0] and "guardar silencio" in first[0]
    assert "1/5" in first[1]
    for answer_text in ("Juan Perez Lopez", "SALTAR", "Pacific y Florence", "hoy 7am"):
        say(twilio_post, work, FAMILY, answer_text)
    say(twilio_post, work, FAMILY, "(323) 555-0188")
    family = texts_to(db, settings, FAMILY)
    assert [t[:3] for t in family[1:6]] == ["1/5", "2/5", "3/5", "4/5", "5/5"]
    assert "Apoyo legal ya tiene su caso" in family[-1]

    case = the_case(db)
    assert case.incident_id == incident and case.zone_id == zone and case.step == "done"
    assert case.name_enc and "Juan" not in case.name_enc and case.birth_enc is None
    with session_scope(db) as session:  # the family's words live only sealed on the case
        bodies = [m.body for m in session.exec(select(InboundMessage))]
    assert not any("Juan" in b or "0188" in b for b in bodies)

    # Offered to the zone's legal aid (not to responders), without the person's name.
    offer_a, offer_b = texts_to(db, settings, LEGAL_A)[-1], texts_to(db, settings, LEGAL_B)[-1]
    assert f"TOMO {case.id}" in offer_a and f"redada #{incident}" in offer_a
    assert f"TAKE {case.id}" in offer_b and "Juan" not in offer_a + offer_b
    assert not any("CASO" in t for t in texts_to(db, settings, RESPONDER))

    say(twilio_post, work, LEGAL_B, f"take {case.id}")
    brief = texts_to(db, settings, LEGAL_B)[-1]
    assert "is yours" in brief and "Juan Perez Lopez" in brief and "+13235550188" in brief
    assert "tomo otra persona" in texts_to(db, settings, LEGAL_A)[-1]
    assert "tomo su caso" in texts_to(db, settings, FAMILY)[-1]
    say(twilio_post, work, LEGAL_A, f"TOMO {case.id}")  # too late: told, nothing changes
    assert "tomo otra persona" in texts_to(db, settings, LEGAL_A)[-1]
    assert the_case(db).owner == f"subscriber:{ids[LEGAL_B]}"

    say(twilio_post, work, LEGAL_A, f"CASO {case.id} LIBERADO")  # not theirs
    assert "no es suyo" in texts_to(db, settings, LEGAL_A)[-1]
    say(twilio_post, work, LEGAL_B, f"CASE {case.id} LOCATED Adelanto ICE Processing Center")
    assert "the family was told" in texts_to(db, settings, LEGAL_B)[-1]
    assert "Adelanto ICE Processing Center" in texts_to(db, settings, FAMILY)[-1]
    assert the_case(db).status == CaseStatus.LOCATED

    # The family writes again: kept on the case and passed to the owner.
    say(twilio_post, work, FAMILY, "gracias, cuando lo podemos ver?")
    assert "the family writes: gracias" in texts_to(db, settings, LEGAL_B)[-1]
    say(twilio_post, work, LEGAL_B, f"CASE {case.id} RELEASED")
    assert "liberada" in texts_to(db, settings, FAMILY)[-1]
    say(twilio_post, work, LEGAL_B, f"CASE {case.id} CLOSED")
    assert "se cerro" in texts_to(db, settings, FAMILY)[-1]
    assert the_case(db).closed_at is not None

    # The messages API and the audit log never show the case's words.
    items = api.get("/api/v1/messages", params={"limit": 500}).json()["items"]
    assert not any("Juan" in m["body"] or "Adelanto" in m["body"] for m in items)
    with session_scope(db) as session:
        events = session.exec(select(AuditEvent)).all()
    assert any(e.action == "case.view" for e in events)
    assert not any("Juan" in f"{e.detail}{e.target}" for e in events)


def test_detained_in_english_with_skips_reaches_every_legal_aid_when_no_place(
    api, twilio_post, work, db, settings, network
):
    say(twilio_post, work, FAMILY, "DETAINED")
    assert "Legal aid will get your case" in texts_to(db, settings, FAMILY)[0]
    for _ in range(5):
        say(twilio_post, work, FAMILY, "skip")
    assert "Legal aid has your case" in texts_to(db, settings, FAMILY)[-1]
    case = the_case(db)
    assert case.zone_id is None and case.incident_id is None
    assert f"TAKE {case.id}" in texts_to(db, settings, LEGAL_B)[-1]
    assert f"TOMO {case.id}" in texts_to(db, settings, LEGAL_A)[-1]


def test_stop_mid_conversation_is_obeyed_and_a_sighting_is_still_a_report(
    api, twilio_post, work, db, settings, network
):
    say(twilio_post, work, FAMILY, "they took my son")
    assert "1/5" in texts_to(db, settings, FAMILY)[-1]
    say(twilio_post, work, FAMILY, "Carlos")
    # A later text that is a raid report, after the questions: a report, not the case's words.
    for _ in range(4):
        say(twilio_post, work, FAMILY, "SKIP")
    say(twilio_post, work, FAMILY, "ICE agents at Pacific y Florence now, 2 vans")
    assert len(api.get("/api/v1/incidents").json()["items"]) == 1
    say(twilio_post, work, FAMILY, "STOP")
    assert the_case(db).status == CaseStatus.NEW


def test_first_words_that_tell_of_agents_now_are_a_raid_report_too(
    api, twilio_post, work, db, settings, network
):
    say(twilio_post, work, FAMILY, "se llevaron a mi hijo, la migra sigue en Pacific y Florence")
    [incident] = api.get("/api/v1/incidents").json()["items"]
    assert any("SIN VERIFICAR" in t for t in texts_to(db, settings, RESPONDER))
    case = the_case(db)
    assert case.incident_id == incident["id"] and case.step == "name"  # the place is known
    family = texts_to(db, settings, FAMILY)
    assert len(family) == 2 and "1/5" in family[1]  # the case answers; no second reply
    say(twilio_post, work, FAMILY, "Pedro")
    assert "2/5" in texts_to(db, settings, FAMILY)[-1]
    say(twilio_post, work, FAMILY, "SALTAR")
    assert "4/5" in texts_to(db, settings, FAMILY)[-1]  # where: said in their first words


def test_words_of_a_detention_at_a_place_are_the_case_only(
    api, twilio_post, work, db, settings, network
):
    say(twilio_post, work, FAMILY, "se llevaron a mi hijo en Pacific y Florence")
    assert api.get("/api/v1/incidents").json()["items"] == []
    assert the_case(db).lat is not None


def test_a_family_on_whatsapp_is_answered_on_whatsapp(
    api, twilio_post, work, db, settings, network
):
    family = "whatsapp:" + FAMILY
    say(twilio_post, work, family, "DETENIDO")
    say(twilio_post, work, family, "Juan")
    with session_scope(db) as session:
        texts = session.exec(select(Message).where(Message.subscriber_id == None)).all()  # noqa: E711
    assert len(texts) == 3 and {m.channel for m in texts} == {"whatsapp"}
    assert the_case(db).family_hash == vault_for(settings.secret_key).index(FAMILY)
