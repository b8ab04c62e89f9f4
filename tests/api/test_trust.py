"""Only real reports raise alarms — sign-ups, greetings, floods and responders' own
words do not. Driven through the signed webhook, a real worker and the coordinator API."""

import pytest
from sqlmodel import Session, func, select

from core.models import AuditEvent, InboundMessage, Incident, IncidentNote, Report, Subscriber
from tests.conftest import sms_form

HP = ["90255"]
# A forwarded chain text with only the corner changed: what a coordinated flood looks like.
FLOOD = (
    "ALERTA URGENTE comunidad: la migra esta en {} ahorita, estan deteniendo gente en la calle "
    "y en las casas, no abran la puerta, pasen la voz a todos sus contactos"
)


@pytest.fixture
def zone(api):
    return api.post("/api/v1/zones", json={"name": "HP", "zips": HP}).json()["id"]


@pytest.fixture
def everywhere(api):
    """A zone around the whole service area, so every corner of these tests has responders."""
    body = {"name": "SE LA", "center": {"lat": 33.96, "lon": -118.21}, "radius_m": 15000}
    return api.post("/api/v1/zones", json=body).json()["id"]


def _add(api, zone, phone, roles=("responder",), language="es"):
    body = {
        "phone": phone,
        "name": "Vol",
        "language": language,
        "roles": list(roles),
        "zone_ids": [zone],
        "confirmed": True,
    }
    return api.post("/api/v1/subscribers", json=body).json()["id"]


def _text(twilio_post, work, sender, body):
    response = twilio_post("/twilio/sms", sms_form(sender, body))
    assert response.status_code == 200, response.text
    work()
    return response.text


def _messages(api, **params):
    return api.get("/api/v1/messages", params={"limit": 500, **params}).json()["items"]


def _incidents(api):
    return sorted(api.get("/api/v1/incidents").json()["items"], key=lambda i: i["id"])


def _replies_to(api, phone):
    masked = phone[:2] + "•" * (len(phone) - 6) + phone[-4:]
    return [m["body"] for m in reversed(_messages(api, kind="reply")) if m["to"] == masked]


def _count(db, model, *where):
    with Session(db) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _audits(db, action):
    with Session(db) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


# --- sign-up by text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "says", "yes", "done"),
    [("JOIN 90255", "reply YES", "YES", "confirmed raids"), ("unirse 90255", "SI", "si", "listo")],
)
def test_join_with_a_zip_makes_a_pending_community_subscriber(
    api, twilio_post, work, db, zone, word, says, yes, done
):
    responder = _add(api, zone, "+13235557700")
    phone = "+13235557701"
    assert "<Message>" not in _text(twilio_post, work, phone, word)  # answered by the job
    assert _count(db, Incident) == 0 and _count(db, Report) == 0  # never a report
    assert not _messages(api, subscriber_id=responder)  # nobody alerted
    joined = [s for s in api.get("/api/v1/subscribers").json()["items"] if s["id"] != responder]
    assert len(joined) == 1
    member = joined[0]
    assert member["roles"] == ["community"] and member["status"] == "pending"
    assert member["zone_ids"] == [zone]
    opt_in = _messages(api, kind="opt_in", subscriber_id=member["id"])[0]["body"]
    assert says in opt_in and "YES" in opt_in and "SI" in opt_in  # bilingual, theirs first
    _text(twilio_post, work, phone, yes)
    assert api.get(f"/api/v1/subscribers/{member['id']}").json()["status"] == "active"
    assert done in _messages(api, kind="reply", subscriber_id=member["id"])[0]["body"]


@pytest.mark.parametrize(("word", "asks"), [("UNIRSE", "codigo postal"), ("join", "ZIP code")])
def test_join_alone_asks_for_the_zip_and_the_next_text_completes_it(
    api, twilio_post, work, db, zone, word, asks
):
    phone = "+13235557702"
    _text(twilio_post, work, phone, word)
    assert asks in _replies_to(api, phone)[-1]
    assert _count(db, Subscriber) == 0
    _text(twilio_post, work, phone, "90255")
    with Session(db) as session:
        member = session.exec(select(Subscriber)).one()
    assert member.roles == ["community"] and member.status == "pending"
    assert member.language == ("en" if word == "join" else "es")
    assert _count(db, Incident) == 0 and _count(db, Report) == 0


def test_a_zip_held_by_a_circle_zone_and_a_zip_nobody_holds(api, twilio_post, work, db):
    circle = api.post(
        "/api/v1/zones",
        json={"name": "HP circle", "center": {"lat": 33.977, "lon": -118.216}, "radius_m": 3000},
    ).json()["id"]
    _text(twilio_post, work, "+13235557703", "JOIN 90255")
    with Session(db) as session:
        member = session.exec(select(Subscriber)).one()
    assert api.get(f"/api/v1/subscribers/{member.id}").json()["zone_ids"] == [circle]
    _text(twilio_post, work, "+13235557704", "JOIN 90210")
    answer = _replies_to(api, "+13235557704")[-1]
    assert "90210" in answer and "no hay red" in answer and "no response network" in answer
    assert _count(db, Subscriber) == 1 and _count(db, Incident) == 0


def test_community_gets_confirmed_raids_but_never_unverified_alerts(api, twilio_post, work, zone):
    responder = _add(api, zone, "+13235557710")
    legal = _add(api, zone, "+13235557711", roles=("legal_aid",))
    member = _add(api, zone, "+13235557712", roles=("community",))
    _text(twilio_post, work, "+13235557790", "ICE at Pacific and Florence")
    incident = _incidents(api)[0]["id"]
    assert {m["subscriber_id"] for m in _messages(api, kind="alert")} == {responder}
    api.post(f"/api/v1/incidents/{incident}/confirm")
    work()
    assert {m["subscriber_id"] for m in _messages(api, kind="alert")} == {responder, legal, member}
    (confirmed,) = _messages(api, subscriber_id=member)
    assert "CONFIRMADO" in confirmed["body"]
    api.post(f"/api/v1/incidents/{incident}/resolve")
    work()
    assert "TERMINADO" in _messages(api, subscriber_id=member, kind="update")[0]["body"]
    # A resident who signed up cannot move an incident by answering.
    _text(twilio_post, work, "+13235557712", f"{incident} SI")
    assert api.get(f"/api/v1/incidents/{incident}").json()["status"] == "resolved"


def test_coordinators_promote_or_remove_a_community_member(api, twilio_post, work, zone):
    member = _add(api, zone, "+13235557713", roles=("community",))
    patched = api.patch(f"/api/v1/subscribers/{member}", json={"roles": ["responder"]})
    assert patched.status_code == 200 and patched.json()["roles"] == ["responder"]
    _text(twilio_post, work, "+13235557791", "ICE at Pacific and Florence")
    assert {m["subscriber_id"] for m in _messages(api, kind="alert")} == {member}
    removed = api.patch(f"/api/v1/subscribers/{member}", json={"status": "opted_out"})
    assert removed.json()["status"] == "opted_out"


# --- not everything is a report ---------------------------------------------------------------


@pytest.mark.parametrize("body", ["hola", "gracias", "que hago si la migra toca mi puerta?", "ok"])
def test_greetings_and_questions_get_help_not_a_promise(api, twilio_post, work, db, zone, body):
    responder = _add(api, zone, "+13235557720")
    phone = "+13235557721"
    twiml = _text(twilio_post, work, phone, body)
    assert "<Message>" not in twiml  # the webhook promises nothing
    (answer,) = _replies_to(api, phone)
    assert "para reportar" in answer.lower() and "Enviamos" not in answer and "donde" in answer
    assert _count(db, Report) == 0 and _count(db, Incident) == 0
    assert not _messages(api, subscriber_id=responder)


def test_the_help_answer_names_the_legal_aid_line_when_set(
    api, twilio_post, work, monkeypatch, settings
):
    from core.settings import get_settings

    monkeypatch.setenv("AVISA_LEGAL_AID_LINE", "(213) 555-0199")
    get_settings.cache_clear()
    _text(twilio_post, work, "+13235557722", "hola")
    assert "(213) 555-0199" in _replies_to(api, "+13235557722")[0]


def test_acknowledgements_promise_only_what_happens_next(api, twilio_post, work, zone):
    _add(api, zone, "+13235557723")
    placeless = _text(twilio_post, work, "+13235557724", "hay migra!!")
    assert "recibimos su mensaje" in placeless and "Enviamos" not in placeless
    assert "donde" in _replies_to(api, "+13235557724")[-1]  # the job asks where, once
    placed = _text(twilio_post, work, "+13235557725", "Pacific y Florence")  # a place, no word
    assert "<Message>" not in placed
    assert "Avisamos a la red" in _replies_to(api, "+13235557725")[-1]  # it went to responders


# --- responders' own words ---------------------------------------------------------------------


def test_a_responders_no_hay_nada_is_a_negative_note_never_a_report(
    api, twilio_post, work, db, zone
):
    first, second = _add(api, zone, "+13235557730"), _add(api, zone, "+13235557731")
    _text(twilio_post, work, "+13235557792", "ICE at Pacific and Florence")
    incident = _incidents(api)[0]
    assert incident["reporter_count"] == 1
    for phone in ("+13235557730", "+13235557731"):
        twiml = _text(
            twilio_post, work, phone, "Estoy en Pacific y Florence y no veo a nadie de ICE"
        )
        assert "<Message>" not in twiml
    after = api.get(f"/api/v1/incidents/{incident['id']}").json()
    assert after["status"] == "reported"  # two of them did not confirm the raid they debunked
    assert after["reporter_count"] == 1 and after["report_count"] == 1
    assert after["negative_count"] == 2
    notes = api.get(f"/api/v1/incidents/{incident['id']}/notes").json()["items"][
        ::-1
    ]  # oldest first
    assert [(n["author"], n["kind"], n["negative"]) for n in notes] == [
        (f"subscriber:{first}", "responder", True),
        (f"subscriber:{second}", "responder", True),
    ]
    assert f"#{incident['id']}" in _messages(api, kind="reply", subscriber_id=first)[0]["body"]
    _text(twilio_post, work, "+13235557730", "nothing here")
    assert api.get(f"/api/v1/incidents/{incident['id']}").json()["reporter_count"] == 1


def test_a_responders_note_goes_to_the_nearest_incident_they_were_alerted_about(
    api, twilio_post, work, everywhere
):
    responder = _add(api, everywhere, "+13235557732")
    _text(twilio_post, work, "+13235557793", "ICE at Pacific and Florence")
    _text(twilio_post, work, "+13235557794", "migra en la Atlantic y Imperial")
    pacific, atlantic = (i["id"] for i in _incidents(api))
    _text(twilio_post, work, "+13235557732", "llegando a Pacific y Florence, hay 3 camionetas")
    _text(twilio_post, work, "+13235557732", "voy con otra persona")  # no place: the latest
    pacific_notes = api.get(f"/api/v1/incidents/{pacific}/notes").json()["items"]
    atlantic_notes = api.get(f"/api/v1/incidents/{atlantic}/notes").json()["items"]
    assert [n["negative"] for n in pacific_notes] == [False] and len(atlantic_notes) == 1
    replies = [m["body"] for m in _messages(api, kind="reply", subscriber_id=responder)]
    assert any(f"nota agregada a #{pacific}" in r for r in replies)


def test_a_responder_who_sees_agents_elsewhere_reports_them_and_passing_by_stays_a_note(
    api, twilio_post, work, everywhere
):
    _add(api, everywhere, "+13235557733")
    _text(twilio_post, work, "+13235557795", "ICE at Pacific and Florence")
    [pacific] = (i["id"] for i in _incidents(api))
    _text(twilio_post, work, "+13235557733", "voy pasando por Pacific y Gage")  # no sighting
    assert len(_incidents(api)) == 1
    assert len(api.get(f"/api/v1/incidents/{pacific}/notes").json()["items"]) == 1
    # 1.6 km away, agents seen: a second raid (or the same one moved), never a note on the first.
    _text(twilio_post, work, "+13235557733", "hay 3 camionetas de la migra en Pacific y Gage")
    incidents = _incidents(api)
    assert len(incidents) == 2
    [gage] = [i for i in incidents if i["id"] != pacific]
    assert gage["status"] == "reported" and gage["reporter_count"] == 0  # alerted, not counted
    assert len(api.get(f"/api/v1/incidents/{pacific}/notes").json()["items"]) == 1
    assert all(i["report_count"] == 1 for i in _incidents(api))


# --- per-number limits -------------------------------------------------------------------------

CORNERS = [
    "Pacific y Florence",
    "Atlantic y Imperial",
    "Eastern y Slauson",
    "Otis y Tweedy",
    "Long Beach y Imperial",
]


def test_one_number_naming_many_places_is_held_then_limited(api, twilio_post, work, db, everywhere):
    responder = _add(api, everywhere, "+13235557740")
    phone = "+13235557741"
    for corner in CORNERS:
        _text(twilio_post, work, phone, f"ICE at {corner}")
    statuses = [i["status"] for i in _incidents(api)]
    # Far second place, the limit, then nothing; past the limit its first place is held too.
    assert statuses == ["held", "held", "held"]
    assert _count(db, Report) == len(CORNERS)  # every report kept
    (alert,) = _messages(api, kind="alert", subscriber_id=responder)
    (stand_by,) = _messages(api, kind="update", subscriber_id=responder)
    assert alert["incident_id"] == stand_by["incident_id"]
    limited = [r for r in _replies_to(api, phone) if "muchos reportes" in r]
    assert len(limited) == 1 and "many reports" in limited[0]  # once per window, bilingual
    assert len(_audits(db, "incident.held")) == 3 and len(_audits(db, "reporter.limited")) == 1
    assert all("+1" not in (a.target + (a.detail or "")) for a in _audits(db, "reporter.limited"))
    metrics = api.get("/metrics").text
    assert 'avisa_trust_events_total{action="incident.held"} 3.0' in metrics
    assert 'avisa_trust_events_total{action="reporter.limited"} 1.0' in metrics


def test_a_second_place_nearby_is_not_held(api, twilio_post, work, zone):
    for corner in ("Pacific y Florence", "Pacific y Gage"):  # 800 m: agents move
        _text(twilio_post, work, "+13235557742", f"la migra en la {corner}")
    assert [i["status"] for i in _incidents(api)] == ["reported", "reported"]


# --- floods across numbers ---------------------------------------------------------------------


def test_near_identical_texts_from_many_new_numbers_are_held(
    api, twilio_post, work, db, everywhere
):
    responder = _add(api, everywhere, "+13235557750")
    senders = ["+13105551234", "+13235559876", "+15625554321", "+12135556789", "+18185552468"]
    for sender, corner in zip(senders, CORNERS, strict=True):
        _text(twilio_post, work, sender, FLOOD.format(corner))
    # "pasen la voz": a chain text, so the second place marks it, and the first is held with it.
    assert [i["status"] for i in _incidents(api)] == ["held"] * 5
    held = [a.detail for a in _audits(db, "incident.held")]
    assert held[:2] == ["flood:chain"] * 2 and set(held) <= {"flood:chain", "flood:similar"}
    assert len(held) == 5
    (alert,) = _messages(api, kind="alert", subscriber_id=responder)
    (stand_by,) = _messages(api, kind="update", subscriber_id=responder)
    assert alert["incident_id"] == stand_by["incident_id"] and "NO CONFIRMADO" in stand_by["body"]


def test_one_script_with_only_the_place_changed_is_held_with_its_first_incidents(
    api, twilio_post, work, db, everywhere
):
    responder = _add(api, everywhere, "+13235557752")
    senders = ["+13105551234", "+13235559876", "+15625554321", "+12135556789", "+18185552468"]
    script = "Confirmado por vecinos: agentes federales en {} revisando papeles a todos"
    for sender, corner in zip(senders, CORNERS, strict=True):
        _text(twilio_post, work, sender, script.format(corner))
    assert [i["status"] for i in _incidents(api)] == ["held"] * 5
    assert {a.detail for a in _audits(db, "incident.held")} == {"flood:similar"}
    alerted = {m["incident_id"] for m in _messages(api, kind="alert", subscriber_id=responder)}
    updates = [m["incident_id"] for m in _messages(api, kind="update", subscriber_id=responder)]
    assert len(alerted) == 4 and sorted(updates) == sorted(alerted)  # one stand-by each


def test_a_run_of_sequential_numbers_is_held(api, twilio_post, work, db, everywhere):
    for n, corner in enumerate(CORNERS[:4]):
        _text(twilio_post, work, f"+1323555{7760 + n}", f"ICE en {corner}")
    # The fourth number shows the block; the three before it are held with it.
    assert [i["status"] for i in _incidents(api)] == ["held"] * 4
    assert [a.detail for a in _audits(db, "incident.held")] == ["flood:sequential"] * 4


def test_more_new_incidents_than_the_network_has_seen_are_held(
    api, twilio_post, work, db, everywhere, monkeypatch
):
    from core.settings import get_settings

    monkeypatch.setenv("AVISA_FLOOD_INCIDENT_RATE", "3")
    get_settings.cache_clear()
    senders = ["+13105551234", "+13235559876", "+15625554321", "+12135556789"]
    for sender, corner in zip(senders, CORNERS, strict=False):
        _text(twilio_post, work, sender, f"ICE at {corner}")
    assert [i["status"] for i in _incidents(api)] == ["reported"] * 3 + ["held"]
    assert [a.detail for a in _audits(db, "incident.held")] == ["flood:rate"]


def test_reports_joining_a_held_flood_never_confirm_it(api, twilio_post, work, db, everywhere):
    _add(api, everywhere, "+13235557751")
    for n, corner in enumerate(CORNERS[:4]):
        _text(twilio_post, work, f"+1323555{7760 + n}", f"ICE en {corner}")
    held = _incidents(api)[-1]
    for sender in ("+13105551234", "+15625554321", "+18185552468"):
        _text(twilio_post, work, sender, f"ICE en {CORNERS[3]}")
    after = api.get(f"/api/v1/incidents/{held['id']}").json()
    assert after["status"] == "held" and after["report_count"] == 4
    assert after["reporter_count"] == 0  # none of it corroborates


# --- held incidents: release, dismiss, escalation, expiry -----------------------------------------


def _held_incident(api, twilio_post, work):
    for n, corner in enumerate(CORNERS[:4]):
        _text(twilio_post, work, f"+1323555{7760 + n}", f"ICE en {corner}")
    held = _incidents(api)[-1]
    assert held["status"] == "held"
    return held["id"]


def test_release_sends_the_new_incident_alert_once(api, twilio_post, work, db, everywhere):
    responder = _add(api, everywhere, "+13235557770")
    held = _held_incident(api, twilio_post, work)
    alerts = lambda: [  # noqa: E731
        m for m in _messages(api, kind="alert", subscriber_id=responder) if m["incident_id"] == held
    ]
    assert alerts() == []
    released = api.post(f"/api/v1/incidents/{held}/release", json={"reason": "called, it is real"})
    assert released.status_code == 200 and released.json()["status"] == "reported"
    assert released.json()["closed_at"] is None
    work()
    assert len(alerts()) == 1 and "SIN VERIFICAR" in alerts()[0]["body"]
    assert api.post(f"/api/v1/incidents/{held}/release").status_code == 409
    work()
    assert len(alerts()) == 1
    (audit,) = _audits(db, "incident.release")
    assert audit.target == f"incident:{held}" and audit.actor == "apikey:test-admin"
    assert 'avisa_trust_events_total{action="incident.release"} 1.0' in api.get("/metrics").text


def test_dismissing_a_held_incident_texts_nobody(api, twilio_post, work, db, everywhere):
    responder = _add(api, everywhere, "+13235557771")
    held = _held_incident(api, twilio_post, work)
    before = len(_messages(api, subscriber_id=responder))
    assert api.post(f"/api/v1/incidents/{held}/dismiss").json()["status"] == "dismissed"
    work()
    assert len(_messages(api, subscriber_id=responder)) == before
    assert not [m for m in _messages(api, kind="update") if m["incident_id"] == held]


def test_escalation_ignores_held_incidents_and_the_sweep_expires_quiet_ones(
    api, twilio_post, work, db, everywhere
):
    from datetime import timedelta

    from core import escalation, matching
    from core.clock import frozen_at, now

    held = _held_incident(api, twilio_post, work)
    with Session(db) as session:
        assert escalation.escalate_if_unanswered(session, held).alert_ids == []
        assert held not in escalation.overdue(session, ack_minutes=0)
        with frozen_at(now() + timedelta(hours=4)):
            expired = matching.expire_quiet(session, quiet_min=180)
        assert held in [i.id for i in expired]


# --- who may report at all ------------------------------------------------------------------------


@pytest.mark.parametrize("sender", ["hello", "anonymous", "+1", "12345", "whatsapp:hello"])
def test_a_from_that_is_no_phone_number_is_refused_and_stored_nowhere(twilio_post, db, sender):
    assert twilio_post("/twilio/sms", sms_form(sender, "ICE at Pacific")).status_code == 400
    assert _count(db, InboundMessage) == 0


def test_a_whatsapp_address_is_its_number_on_another_channel(api, twilio_post, work, db, zone):
    # One person writing on SMS and WhatsApp is one reporter (core.channels).
    _text(twilio_post, work, "whatsapp:+13235557780", "ICE at Pacific and Florence")
    _text(twilio_post, work, "+13235557780", "migra en la Pacific y Florence")
    assert _incidents(api)[0]["reporter_count"] == 1
    with Session(db) as session:
        assert len(set(session.exec(select(InboundMessage.from_hash)))) == 1
        assert _count(db, IncidentNote) == 0


def test_copies_of_one_chain_text_are_one_voice_and_never_confirm(api, twilio_post, work, zone):
    chain = FLOOD.format("la Pacific y Florence")
    for sender in ("+13105551234", "+13235559876", "+15625554321", "+12135556789"):
        _text(twilio_post, work, sender, chain)
    (incident,) = _incidents(api)
    assert incident["status"] == "reported" and incident["reporter_count"] == 1
    for sender, words in [
        ("+18185552468", "la migra en la Pacific y Florence"),
        ("+13108889999", "ICE at Florence & Pacific, 2 vans"),
    ]:
        _text(twilio_post, work, sender, words)
    assert _incidents(api)[0]["status"] == "confirmed"  # three own voices


def test_a_late_release_gets_its_full_time_before_the_escalation_sweep(
    api, twilio_post, work, db, everywhere
):
    from datetime import timedelta

    from core import escalation
    from core.clock import frozen_at, now

    held = _held_incident(api, twilio_post, work)
    with frozen_at(now() + timedelta(minutes=30)):  # released half an hour after its first report
        assert api.post(f"/api/v1/incidents/{held}/release").status_code == 200
        with Session(db) as session:
            assert held not in escalation.overdue(session, ack_minutes=5)
    with frozen_at(now() + timedelta(minutes=36)), Session(db) as session:
        assert held in escalation.overdue(session, ack_minutes=5)
