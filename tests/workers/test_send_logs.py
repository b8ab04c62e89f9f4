"""Logs fit for production: sending texts through the Twilio backend makes at most one line per
text at INFO (none of the library's request lines unless asked for), and never a phone number."""

import logging
import re

import pytest

from avisa.testing.outbox import add_messages, add_subscribers, phone
from avisa.testing.twilio_server import FakeTwilio
from messaging.twilio_backend import TwilioProvider
from tests.workers.test_sender import twilio_settings
from workers.sender import send_messages

TEXTS = 12


@pytest.fixture
def db(db, database_url):
    return database_url, db


@pytest.mark.parametrize("http_log", [False, True])
def test_at_most_one_line_per_text_and_never_a_number(db, redis_client, caplog, http_log):
    url, engine = db
    ids = add_messages(engine, add_subscribers(engine, [phone(i) for i in range(TEXTS)]))
    with FakeTwilio(callbacks=False) as fake:
        settings = twilio_settings(url, fake, twilio_http_log=http_log)
        with caplog.at_level(logging.INFO):
            send_messages(
                ids,
                provider=TwilioProvider(settings),
                redis=redis_client,
                settings=settings,
                engine=engine,
            )
    assert len(fake.accepted) == TEXTS
    lines = [r for r in caplog.records if r.levelno >= logging.INFO]
    if http_log:
        assert len(lines) > TEXTS  # asked for: the library's request lines
    else:
        assert len(lines) <= TEXTS
    for record in lines:
        assert not re.search(r"323\D?555\D?\d{4}", record.getMessage()), record.getMessage()
