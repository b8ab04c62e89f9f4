"""Sign-ups and commands tried as an attacker would: floods of JOIN from many numbers, one number
repeating itself, STOP/START cycles, the same number on SMS and WhatsApp. Each costs a bounded
number of texts; STOP always takes effect at once; a real report in the middle still alerts.
Driven through the signed webhook and a real worker."""

import random
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from core import signup
from core.clock import frozen_at, now
from core.db import session_scope
from core.enums import MessageKind
from core.models import AuditEvent, Message, Subscriber
from core.settings import get_settings
from tests.conftest import sms_form
from workers.effects import carry_out

LATER = timedelta(minutes=11)  # past AVISA_COMMAND_WINDOW_MIN (10)


@pytest.fixture
def zone(api):
    return api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]}).json()["id"]


def _post(twilio_post, sender, body):
    response = twilio_post("/twilio/sms", sms_form(sender, body))
    assert response.status_code == 200, response.text
    return response


def _count(db, model, *where):
    with Session(db) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _confirmations(db):
    return _count(db, Message, Message.kind == MessageKind.OPT_IN)


def _replies(db):
    return _count(db, Message, Message.kind == MessageKind.REPLY)


def _flags(db):
    with Session(db) as session:
        return [s.flag for s in session.exec(select(Subscriber).order_by(Subscriber.id))]


def _sweep(db):
    with session_scope(db) as session:
        carry_out(session, signup.release_held(session, settings=get_settings()))


def _spread_numbers(count, seed=7):
    """Random numbers, no two consecutive: many people, not a block of bought numbers."""
    picks = random.Random(seed).sample(range(0, 900_000, 3), count)
    return [f"+1323{5_000_000 + p:07d}" for p in picks]


def test_three_hundred_sequential_numbers_cost_a_handful_of_texts(api, twilio_post, work, db, zone):
    responder = {
        "phone": "+13105550001",
        "name": "Ana",
        "roles": ["responder"],
        "zone_ids": [zone],
        "confirmed": True,
    }
    api.post("/api/v1/subscribers", json=responder)
    numbers = [f"+1323555{i:04d}" for i in range(1000, 1300)]
    for number in numbers:
        _post(twilio_post, number, "JOIN 90255")
    work()
    assert _count(db, Subscriber) == 301  # every sign-up is kept, for coordinators to see
    run = get_settings().signup_sequential_numbers
    assert _confirmations(db) == run - 1  # the run is recognised at its fifth number
    assert _flags(db)[1:] == [signup.FLOOD] * 300  # the first four too: their YES counts no more
    assert len([e for e in _audits(db, signup.SIGNUP_HELD)]) == 300
    assert not any("555" in (e.detail or "") + e.target for e in _audits(db, signup.SIGNUP_HELD))
    _post(twilio_post, numbers[0], "SI")  # it got a confirmation before the run was seen
    _post(twilio_post, numbers[200], "START")
    for word in ("STOP", "START", "SI"):  # leaving and coming back does not step around it
        _post(twilio_post, numbers[100], word)
        work()
    assert _count(db, Subscriber, Subscriber.status == "active") == 1  # the responder alone
    assert _replies(db) == 1  # the one "you left" to the STOP
    with frozen_at(now() + LATER):
        _sweep(db)
    assert _confirmations(db) == run - 1  # a flood waits for a coordinator, never for the sweep
    # A real report in the middle of it reaches the responder as on a quiet day.
    _post(twilio_post, "+13105559876", "la migra esta en la Pacific y Florence ahorita")
    work()
    alerts = api.get("/api/v1/messages", params={"kind": "alert"}).json()["items"]
    assert len(alerts) == 1 and api.get("/api/v1/incidents").json()["items"][0]["status"] == (
        "reported"
    )


def test_a_burst_of_random_numbers_is_confirmed_at_the_zones_pace(api, twilio_post, work, db, zone):
    burst = get_settings().signup_burst
    numbers = _spread_numbers(burst + 40)
    for number in numbers:
        _post(twilio_post, number, "UNIRSE 90255")
    work()
    assert _count(db, Subscriber) == burst + 40
    assert _confirmations(db) == burst
    assert _flags(db).count(signup.HELD) == 40
    _post(twilio_post, numbers[-1], "SI")  # no confirmation yet: a held sign-up cannot confirm
    work()
    assert _count(db, Subscriber, Subscriber.status == "active") == 0
    _sweep(db)  # the zone's window is still full: nothing more
    assert _confirmations(db) == burst
    with frozen_at(now() + LATER):
        _sweep(db)  # the window has moved on: the next burst's worth, oldest first
        assert _confirmations(db) == 2 * burst
        _post(twilio_post, numbers[-1], "JOIN 90255")  # the zone is full again: still waiting
        work()
        assert _confirmations(db) == 2 * burst
    with frozen_at(now() + 2 * LATER):
        _post(twilio_post, numbers[-1], "JOIN 90255")  # asking again, once there is room
        work()
        _sweep(db)
    assert _confirmations(db) == burst + 40 and signup.HELD not in _flags(db)
    with frozen_at(now() + 2 * LATER):
        _post(twilio_post, numbers[-1], "SI")
        work()
    assert _count(db, Subscriber, Subscriber.status == "active") == 1
    released = _audits(db, signup.SIGNUP_RELEASED)
    assert len(released) == 40 and {e.actor for e in released} == {"system"}


def test_a_neighbourhood_meeting_of_forty_is_all_confirmed_within_the_window(
    twilio_post, work, db, zone
):
    for number in _spread_numbers(40, seed=11):
        _post(twilio_post, number, "UNIRSE 90255")
    work()
    assert _confirmations(db) == get_settings().signup_burst
    with frozen_at(now() + LATER):
        _sweep(db)
    assert _confirmations(db) == 40


def test_one_number_joining_fifty_times_gets_one_confirmation_a_window(twilio_post, work, db, zone):
    for _ in range(50):
        _post(twilio_post, "+13235557801", "JOIN 90255")
    work()
    assert _count(db, Subscriber) == 1 and _confirmations(db) == 1
    for _ in range(10):
        _post(twilio_post, "+13235557802", "JOIN")  # asked for the ZIP once
    work()
    assert _replies(db) == 1
    with frozen_at(now() + LATER):
        for _ in range(5):
            _post(twilio_post, "+13235557801", "JOIN 90255")
        work()
    assert _confirmations(db) == 2


def test_stop_start_cycles_are_obeyed_at_once_and_answered_once_a_window(
    api, twilio_post, work, db, zone
):
    phone = "+13235557901"
    body = {"phone": phone, "name": "Vol", "zone_ids": [zone], "confirmed": True}
    member = api.post("/api/v1/subscribers", json=body).json()["id"]
    status = lambda: api.get(f"/api/v1/subscribers/{member}").json()["status"]  # noqa: E731
    for _ in range(25):
        _post(twilio_post, phone, "STOP")
        work()
        assert status() == "opted_out"  # every STOP, at once
        _post(twilio_post, phone, "START")
        work()
        assert status() == "active"
    with Session(db) as session:
        bodies = session.exec(
            select(Message.dedupe_key).where(Message.kind == MessageKind.REPLY)
        ).all()
    assert sorted(k.split(":")[0] for k in bodies) == ["opted_in_again", "opted_out"]
    with frozen_at(now() + LATER):
        _post(twilio_post, phone, "STOP")
        work()
    assert status() == "opted_out" and _replies(db) == 3


def test_the_same_number_on_sms_and_whatsapp_is_one_number(api, twilio_post, work, db, zone):
    phone = "+13235557951"
    for sender in [f"whatsapp:{phone}", phone] * 5:
        _post(twilio_post, sender, "UNIRSE 90255")
    work()
    assert _count(db, Subscriber) == 1 and _confirmations(db) == 1
    for sender in [phone, f"whatsapp:{phone}"] * 5:
        _post(twilio_post, sender, "PARA")
        work()
        _post(twilio_post, sender, "AYUDA")
    work()
    assert _count(db, Subscriber, Subscriber.status == "opted_out") == 1
    assert _replies(db) == 2  # one "you left", one help


def test_help_from_a_stranger_is_answered_once_a_window(twilio_post, work, db):
    for _ in range(20):
        _post(twilio_post, "+13235557990", "HELP")
    work()
    assert _replies(db) == 1


def _audits(db, action):
    with Session(db) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))
