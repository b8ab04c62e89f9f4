"""Attacks on the limits, tried as an attacker would on a running hotline: a number's limit holds
for the whole flood, a flood cannot silence a resident anywhere else, and a coordinated flood is
held — with the responders it reached before it was recognisable told to stand by, once.

Driven through the signed webhook, a real worker and the coordinator API."""

import pytest
from sqlmodel import Session, select

from core.models import AuditEvent
from tests.conftest import sms_form

# Corners the flood names, all inside the "south" zone below; the resident's corner is in "east".
CORNERS = [
    "Pacific y Florence",
    "Atlantic y Imperial",
    "Eastern y Slauson",
    "Otis y Tweedy",
    "Long Beach y Imperial",
    "Central y Slauson",
    "Firestone y California",
    "Compton y Imperial",
    "Florence y State",
    "Garfield y Florence",
]
RESIDENT = "+13105550123"
RESIDENT_WORDS = "acaban de llegar camionetas de la migra a Cesar Chavez y Soto"


@pytest.fixture
def zones(api):
    south = {"name": "South", "center": {"lat": 33.955, "lon": -118.21}, "radius_m": 7000}
    east = {"name": "East", "center": {"lat": 34.045, "lon": -118.205}, "radius_m": 2000}
    return tuple(api.post("/api/v1/zones", json=body).json()["id"] for body in (south, east))


@pytest.fixture
def responders(api, zones):
    south, east = zones
    return _add(api, south, "+13235558800"), _add(api, east, "+13235558801")


def _add(api, zone, phone):
    body = {
        "phone": phone,
        "name": "Vol",
        "language": "es",
        "roles": ["responder"],
        "zone_ids": [zone],
        "confirmed": True,
    }
    return api.post("/api/v1/subscribers", json=body).json()["id"]


def _text(twilio_post, work, sender, body):
    response = twilio_post("/twilio/sms", sms_form(sender, body))
    assert response.status_code == 200, response.text
    work()


def _messages(api, **params):
    return api.get("/api/v1/messages", params={"limit": 500, **params}).json()["items"]


def _incidents(api):
    return sorted(api.get("/api/v1/incidents").json()["items"], key=lambda i: i["id"])


def _alerted_incidents(api, subscriber):
    return {m["incident_id"] for m in _messages(api, kind="alert", subscriber_id=subscriber)}


def _the_resident_is_heard(api, twilio_post, work, east_responder):
    before = _alerted_incidents(api, east_responder)
    _text(twilio_post, work, RESIDENT, RESIDENT_WORDS)
    mine = _incidents(api)[-1]
    assert mine["status"] == "reported", mine
    assert _alerted_incidents(api, east_responder) - before == {mine["id"]}


# --- one number -------------------------------------------------------------------------------


def test_a_limited_number_sending_each_new_place_twice_stays_limited(
    api, twilio_post, work, db, responders
):
    south, east = responders
    phone = "+12135550177"
    for corner in CORNERS[:8]:
        for _ in range(2):  # the second text is "the same place again" as its limited first
            _text(twilio_post, work, phone, f"ICE en {corner}")
    # Its first place went out like any resident's first text, and was held once it was limited.
    assert {i["status"] for i in _incidents(api)} == {"held"}
    (alerted,) = _alerted_incidents(api, south)
    (stand_by,) = _messages(api, kind="update", subscriber_id=south)
    assert stand_by["incident_id"] == alerted
    _the_resident_is_heard(api, twilio_post, work, east)


def test_ten_places_cycled_fifty_times_never_alert_past_the_first(
    api, twilio_post, work, db, responders
):
    south, _ = responders
    number = "+12135550178"
    for n in range(50):
        # The same number on SMS and on WhatsApp is one reporter.
        sender = f"whatsapp:{number}" if n % 3 == 1 else number
        _text(twilio_post, work, sender, f"ICE en {CORNERS[n % 10]}")
    assert {i["status"] for i in _incidents(api)} == {"held"}
    assert len(_alerted_incidents(api, south)) == 1
    assert len(_messages(api, kind="update", subscriber_id=south)) == 1  # one stand-by
    limited = [m for m in _messages(api, kind="reply") if "muchos reportes" in m["body"]]
    assert len(limited) == 1  # one polite answer, however it cycles


def test_a_limited_place_stays_limited_when_repeated_later_in_the_window(
    api, twilio_post, work, db, responders
):
    from datetime import timedelta

    from core.clock import frozen_at, now

    phone = "+12135550179"
    start = now()
    for n, corner in enumerate(CORNERS[:5]):
        with frozen_at(start + timedelta(seconds=5 * n)):
            _text(twilio_post, work, phone, f"ICE en {corner}")
    # Six minutes later the same five places again: nothing it reached only while limited opens.
    for n, corner in enumerate(CORNERS[:5]):
        with frozen_at(start + timedelta(minutes=6, seconds=5 * n)):
            _text(twilio_post, work, phone, f"la migra en {corner}")
    assert [i["status"] for i in _incidents(api)] == ["held", "held", "held"]


def test_a_number_is_heard_again_once_its_flood_has_decayed(api, twilio_post, work, db, responders):
    from datetime import timedelta

    from core.clock import frozen_at, now

    phone = "+12135550180"
    start = now()
    for n, corner in enumerate(CORNERS[:6]):
        with frozen_at(start + timedelta(seconds=5 * n)):
            _text(twilio_post, work, phone, f"ICE en {corner}")
    with frozen_at(start + timedelta(minutes=15)):  # still remembered: cycling changes nothing
        _text(twilio_post, work, phone, f"ICE en {CORNERS[7]}")
    assert len(_incidents(api)) == 3
    with frozen_at(start + timedelta(hours=3)):  # hours later its word counts again
        _text(twilio_post, work, phone, f"ICE en {CORNERS[8]}")
    assert _incidents(api)[-1]["status"] == "reported"


# --- a flood cannot silence anyone else ----------------------------------------------------------


def test_many_numbers_in_one_zone_cannot_use_up_another_zones_budget(
    api, twilio_post, work, db, responders, monkeypatch
):
    from core.settings import get_settings

    monkeypatch.setenv("AVISA_FLOOD_INCIDENT_RATE", "3")
    get_settings.cache_clear()
    south, east = responders
    senders = ["+13105551234", "+13235559876", "+15625554321", "+12135556789", "+18185552468"]
    words = ["ICE at {}", "migra en la {}", "agentes en {} ahorita", "{} hay migra", "redada {}"]
    for sender, corner, said in zip(senders, CORNERS, words, strict=False):
        _text(twilio_post, work, sender, said.format(corner))
    statuses = [i["status"] for i in _incidents(api)]
    assert statuses == ["reported"] * 3 + ["held"] * 2  # the south zone's own budget
    _the_resident_is_heard(api, twilio_post, work, east)


def test_one_number_counts_once_against_a_zones_budget(
    api, twilio_post, work, db, responders, monkeypatch
):
    from core.settings import get_settings

    monkeypatch.setenv("AVISA_FLOOD_INCIDENT_RATE", "2")
    get_settings.cache_clear()
    for corner in CORNERS[:6]:
        _text(twilio_post, work, "+12135550181", f"ICE en {corner}")
    # Its own limit holds it; a resident of the same zone is still somebody new.
    _text(twilio_post, work, "+13105557777", "la migra esta en la Pacific y Gage ahorita")
    assert _incidents(api)[-1]["status"] == "reported"


# --- many numbers, one script ---------------------------------------------------------------------

TEMPLATE = "⚠️ RAID at {} NOW — forward to everyone"
# A dozen numbers: a block of sequential ones and random ones, two per corner.
SCRIPTED = [
    "+17475553301",
    "+13109827713",
    "+17475553302",
    "+16265550142",
    "+17475553303",
    "+15628841290",
    "+13234417765",
    "+17475553304",
    "+18189920034",
    "+12139987701",
    "+13106651980",
    "+17475553305",
]


def test_a_dozen_numbers_sending_one_template_are_held_and_responders_told_to_stand_by(
    api, twilio_post, work, db, responders
):
    south, east = responders
    for n, sender in enumerate(SCRIPTED):
        _text(twilio_post, work, sender, TEMPLATE.format(CORNERS[n % 6]))
    incidents = _incidents(api)
    assert incidents and all(i["status"] == "held" for i in incidents), incidents
    alerted = _alerted_incidents(api, south)
    assert len(alerted) <= 2  # before the flood could be told from a witness
    updates = _messages(api, kind="update", subscriber_id=south)
    assert sorted(m["incident_id"] for m in updates) == sorted(alerted)  # one each
    assert all("NO CONFIRMADO" in m["body"] for m in updates)
    with Session(db) as session:
        held = session.exec(select(AuditEvent).where(AuditEvent.action == "incident.held")).all()
    assert {int(a.target.split(":")[1]) for a in held} == {i["id"] for i in incidents}
    assert all(a.actor == "system" and a.detail.startswith("flood:") for a in held)
    _the_resident_is_heard(api, twilio_post, work, east)


def test_chain_wording_across_places_is_held_from_the_second_place(
    api, twilio_post, work, db, responders
):
    south, _ = responders
    chain = "ICE en {} pasalo a todos tus contactos"
    _text(twilio_post, work, "+13109827713", chain.format(CORNERS[0]))
    _text(twilio_post, work, "+16265550142", chain.format(CORNERS[1]))
    assert [i["status"] for i in _incidents(api)] == ["held", "held"]
    (update,) = _messages(api, kind="update", subscriber_id=south)
    assert "stand by" not in update["body"] and "NO CONFIRMADO" in update["body"]


def test_a_released_incident_is_not_held_again_by_the_same_flood(
    api, twilio_post, work, db, responders
):
    for n, sender in enumerate(SCRIPTED[:4]):
        _text(twilio_post, work, sender, TEMPLATE.format(CORNERS[n]))
    first = _incidents(api)[0]["id"]
    assert api.post(f"/api/v1/incidents/{first}/release").status_code == 200
    work()
    for n, sender in enumerate(SCRIPTED[4:6]):
        _text(twilio_post, work, sender, TEMPLATE.format(CORNERS[4 + n]))
    assert api.get(f"/api/v1/incidents/{first}").json()["status"] == "reported"


def test_a_busy_day_of_own_words_is_never_held(api, twilio_post, work, db, responders):
    said = [
        ("+13105550001", "ICE at Pacific and Florence"),
        ("+13235550002", "migra en la Atlantic y Imperial"),
        ("+15625550003", "agentes en la Eastern y Slauson, 3 camionetas"),
        ("+12135550004", "Otis/Tweedy ICE right now"),
        ("+18185550005", "la migra se esta llevando gente en Long Beach y Imperial"),
        ("+13105550006", "ICE en Central y Slauson"),
        ("+13235550007", "immigration at Firestone & California, be careful"),
        ("+15625550008", "migra compton y imperial"),
        ("+12135550009", "hay agentes en Florence y State cerca de la escuela"),
    ]
    for sender, words in said:
        _text(twilio_post, work, sender, words)
    assert [i["status"] for i in _incidents(api)] == ["reported"] * len(said)


# --- a flood first at a corner does not silence the residents who then see agents there ----------


def test_a_resident_in_their_own_words_releases_a_held_flood_incident_at_their_corner(
    api, twilio_post, work, db, responders
):
    south, _ = responders
    for n, corner in enumerate(CORNERS[:4]):
        _text(twilio_post, work, f"+1323555{7760 + n}", f"ICE en {corner}")
    held = _incidents(api)[-1]
    assert held["status"] == "held"
    _text(twilio_post, work, "+13108880001", "ICE en Otis y Tweedy")  # the flood's own words
    assert api.get(f"/api/v1/incidents/{held['id']}").json()["status"] == "held"
    _text(twilio_post, work, "+13108880002", "hay dos camionetas de la migra en Tweedy y Otis")
    after = api.get(f"/api/v1/incidents/{held['id']}").json()
    assert after["status"] == "reported" and after["reporter_count"] == 1
    assert held["id"] in _alerted_incidents(api, south)
    with Session(db) as session:
        (release,) = session.exec(
            select(AuditEvent).where(AuditEvent.action == "incident.release")
        ).all()
    assert release.actor == "system" and release.detail == "report:independent"


def test_one_long_text_copied_by_many_new_numbers_at_one_place_is_held(
    api, twilio_post, work, db, responders
):
    south, _ = responders
    chain = (
        "ALERTA URGENTE comunidad: la migra esta en la Pacific y Gage ahorita, estan deteniendo "
        "gente, no abran la puerta"
    )
    for sender in SCRIPTED[:5]:
        _text(twilio_post, work, sender, chain)
    (incident,) = _incidents(api)
    assert incident["status"] == "held"
    (update,) = _messages(api, kind="update", subscriber_id=south)
    assert update["incident_id"] == incident["id"]


def test_releasing_an_incident_held_after_its_alert_tells_its_responders_again(
    api, twilio_post, work, db, responders
):
    south, _ = responders
    chain = "ICE en {} pasalo a todos tus contactos"
    _text(twilio_post, work, "+13109827713", chain.format(CORNERS[0]))
    _text(twilio_post, work, "+16265550142", chain.format(CORNERS[1]))
    first = _incidents(api)[0]["id"]
    assert api.post(f"/api/v1/incidents/{first}/release").status_code == 200
    work()  # inside the quiet period, but after a stand-by a release is news
    kinds = [
        (m["kind"], "NO CONFIRMADO" in m["body"])
        for m in reversed(_messages(api, subscriber_id=south))
        if m["incident_id"] == first
    ]
    assert kinds == [("alert", False), ("update", True), ("alert", False)]
    assert api.post(f"/api/v1/incidents/{first}/dismiss").status_code == 200
    work()  # dismissing it now stands its responders down
    assert "FALSA ALARMA" in _messages(api, kind="update", subscriber_id=south)[0]["body"]


def test_a_number_with_a_clean_history_is_never_held_by_its_zones_budget(
    api, twilio_post, work, db, responders, monkeypatch
):
    from datetime import timedelta

    from core.clock import frozen_at, now
    from core.settings import get_settings

    monkeypatch.setenv("AVISA_FLOOD_INCIDENT_RATE", "2")
    get_settings.cache_clear()
    start = now()
    with frozen_at(start - timedelta(minutes=45)):  # heard from before, and nothing held
        _text(twilio_post, work, RESIDENT, "ICE en Garfield y Florence")
    senders = ["+13105551234", "+13235559876", "+15625554321"]
    words = ["ICE at {}", "migra en la {}", "agentes en {} ahorita"]
    for sender, corner, said in zip(senders, CORNERS[:3], words, strict=True):
        _text(twilio_post, work, sender, said.format(corner))
    assert [i["status"] for i in _incidents(api)][-1] == "held"  # the zone's budget is spent
    _text(twilio_post, work, RESIDENT, "la migra esta en Florence y State ahorita")
    assert _incidents(api)[-1]["status"] == "reported"


def test_the_stand_by_is_said_in_each_responders_language(api, twilio_post, work, db, zones):
    south, _ = zones
    english = _add(api, south, "+13235558802")
    api.patch(f"/api/v1/subscribers/{english}", json={"language": "en"})
    chain = "ICE en {} pasalo a todos tus contactos"
    _text(twilio_post, work, "+13109827713", chain.format(CORNERS[0]))
    _text(twilio_post, work, "+16265550142", chain.format(CORNERS[1]))
    (update,) = _messages(api, kind="update", subscriber_id=english)
    assert "UNCONFIRMED, likely false" in update["body"] and "Stand by" in update["body"]
