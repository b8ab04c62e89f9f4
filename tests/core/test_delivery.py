import pytest
from sqlmodel import Session

from avisa.testing.outbox import add_messages, add_subscribers, phone
from core.db import session_scope
from core.delivery import UNCERTAIN, apply_status
from core.models import Message, Subscriber

# Both databases: a status only moves forward by a conditional UPDATE.
pytestmark = pytest.mark.dialects

SID = "SM" + "a" * 32


@pytest.fixture
def text(db):
    """One text, already accepted by the provider as ``SID``; returns (engine, message id,
    subscriber id)."""
    [subscriber_id] = add_subscribers(db, [phone(1)])
    [message_id] = add_messages(db, [subscriber_id])
    _update(db, message_id, status="queued", provider_sid=SID, attempts=1)
    return db, message_id, subscriber_id


def _update(engine, message_id, **values):
    with session_scope(engine) as session:
        row = session.get(Message, message_id)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


def _apply(engine, **kwargs):
    with session_scope(engine) as session:
        return apply_status(session, **({"provider_sid": SID} | kwargs))


def _message(engine, message_id) -> Message:
    with Session(engine) as session:
        return session.get(Message, message_id)


@pytest.mark.parametrize(
    ("sequence", "final"),
    [
        (["sent", "delivered"], "delivered"),
        (["delivered", "sent"], "delivered"),  # late "sent" never regresses a terminal state
        (["delivered", "sent", "queued", "sending"], "delivered"),
        (["sent", "queued"], "sent"),
        (["undelivered", "sent"], "undelivered"),
        (["delivered", "undelivered"], "delivered"),  # the first terminal word stands
        (["sending"], "queued"),  # Twilio's "sending" is not our "claimed"
        (["read"], "delivered"),
        (["canceled"], "failed"),
        (["delivered", "delivered"], "delivered"),
    ],
)
def test_status_only_moves_forward(text, sequence, final):
    engine, message_id, _ = text
    for status in sequence:
        _apply(engine, status=status)
    assert _message(engine, message_id).status == final


def test_undelivered_records_a_readable_cause(text):
    engine, message_id, subscriber_id = text
    _apply(engine, status="undelivered", error_code="30003")
    row = _message(engine, message_id)
    assert (row.status, row.error_code) == ("undelivered", "30003")
    assert "unreachable" in row.error_message
    with Session(engine) as session:
        assert session.get(Subscriber, subscriber_id).status == "active"


@pytest.mark.parametrize("code", ["30004", "30005", "30006", "30007", "30008", "30034"])
def test_every_carrier_error_has_a_cause(text, code):
    engine, message_id, _ = text
    _apply(engine, status="failed", error_code=code)
    assert _message(engine, message_id).error_message


def test_unknown_code_keeps_the_providers_words(text):
    engine, message_id, _ = text
    _apply(engine, status="failed", error_code="39999", error_message="Something new")
    assert _message(engine, message_id).error_message == "Something new"


def test_21610_opts_the_subscriber_out(text):
    engine, _, subscriber_id = text
    _apply(engine, status="failed", error_code="21610")
    with Session(engine) as session:
        assert session.get(Subscriber, subscriber_id).status == "opted_out"


@pytest.mark.parametrize("code", ["21211", "21614"])
def test_bad_numbers_are_flagged_for_a_coordinator(text, code):
    engine, _, subscriber_id = text
    _apply(engine, status="failed", error_code=code)
    with Session(engine) as session:
        subscriber = session.get(Subscriber, subscriber_id)
    assert code in subscriber.flag and subscriber.status == "active"


def test_unknown_sid_is_ignored(text):
    engine, message_id, _ = text
    assert _apply(engine, provider_sid="SM" + "0" * 32, status="delivered") is None
    assert _message(engine, message_id).status == "queued"


def test_the_callback_ref_settles_a_text_whose_answer_was_lost(text):
    engine, message_id, _ = text
    _update(engine, message_id, status="sending", provider_sid=None, error_code=UNCERTAIN)
    other = "SM" + "b" * 32
    _apply(engine, provider_sid=other, status="sent", message_id=message_id)
    row = _message(engine, message_id)
    assert (row.status, row.provider_sid, row.error_code) == ("sent", other, None)
    _apply(engine, provider_sid=other, status="delivered")  # later callbacks find it by SID
    assert _message(engine, message_id).status == "delivered"


def test_a_ref_never_steals_a_text_that_has_another_sid(text):
    engine, message_id, _ = text
    assert (
        _apply(engine, provider_sid="SM" + "c" * 32, status="delivered", message_id=message_id)
        is None
    )
    assert _message(engine, message_id).provider_sid == SID


def test_the_providers_word_overrides_our_uncertain_give_up(text):
    engine, message_id, _ = text
    _update(engine, message_id, status="failed", provider_sid=None, error_code=UNCERTAIN)
    _apply(engine, status="delivered", message_id=message_id)
    row = _message(engine, message_id)
    assert (row.status, row.error_code, row.provider_sid) == ("delivered", None, SID)


def test_a_real_failure_is_not_overridden(text):
    engine, message_id, _ = text
    _update(engine, message_id, status="failed", error_code="30007")
    _apply(engine, status="delivered")
    assert _message(engine, message_id).status == "failed"
