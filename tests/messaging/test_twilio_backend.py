import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
import requests
from fastapi import FastAPI
from fastapi.testclient import TestClient
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from api.routers.twilio_status import router as status_router
from avisa.redis_server import free_port
from avisa.testing.outbox import add_messages, add_subscribers, make_settings, messages, phone
from avisa.testing.twilio_server import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from core.clock import now
from core.settings import get_settings
from messaging.factory import get_provider
from messaging.local import LocalProvider
from messaging.provider import PermanentSendError, TransientSendError, UncertainSendError
from messaging.twilio_backend import TwilioProvider, scrub, translate

TO = phone(1)
SERVICE_SID = "MG" + "1" * 32


@pytest.fixture
def fake():
    with FakeTwilio(callbacks=False) as server:
        yield server


def provider_for(fake: FakeTwilio, *, timeout_s: float = 5.0, **overrides) -> TwilioProvider:
    values = (
        dict(
            sms_backend="twilio",
            twilio_account_sid=ACCOUNT_SID,
            twilio_auth_token=AUTH_TOKEN,
            twilio_from_number="+13235550000",
            twilio_api_url=fake.url,
        )
        | overrides
    )
    return TwilioProvider(make_settings("sqlite://", **values), timeout_s=timeout_s)


def test_posts_to_base_url_with_from_body_and_status_callback(fake):
    receipt = provider_for(fake).send(TO, "AVISA #7 prueba ñ", idempotency_key="42")
    [accepted] = fake.accepted
    assert (accepted.sid, accepted.to, accepted.sender, accepted.body) == (
        receipt.provider_sid,
        TO,
        "+13235550000",
        "AVISA #7 prueba ñ",
    )
    assert accepted.status_callback == "https://hotline.example.org/twilio/status?ref=42"
    assert receipt.provider_sid.startswith("SM") and len(receipt.provider_sid) == 34
    assert receipt.status == "queued"


def test_messaging_service_sid_is_preferred_to_a_from_number(fake):
    receipt = provider_for(fake, twilio_messaging_service_sid=SERVICE_SID).send(
        TO, "hola", idempotency_key="1"
    )
    assert fake.accepted[0].sender == SERVICE_SID
    assert receipt.status == "accepted"


def test_wrong_credentials_are_refused_and_kept_for_retry(fake):
    with pytest.raises(TransientSendError) as err:
        provider_for(fake, twilio_auth_token="not-the-token").send(TO, "hola", idempotency_key="1")
    assert (err.value.status, err.value.code) == (401, "20003")
    assert fake.accepted == [] and fake.responses[401] == 1


@pytest.mark.parametrize("code", [21610, 21211, 21614, 21408, 21617])
def test_4xx_codes_are_permanent_with_their_code(fake, code):
    fake.fail_number(TO, status=400, code=code, message=f"The 'To' number {TO} cannot be messaged")
    with pytest.raises(PermanentSendError) as err:
        provider_for(fake).send(TO, "hola", idempotency_key="1")
    assert (err.value.code, err.value.status) == (str(code), 400)
    assert TO not in str(err.value) and "0001" in str(err.value)  # masked, still recognisable


@pytest.mark.parametrize(("status", "code"), [(429, 20429), (500, 20500), (503, 20503)])
def test_throttling_and_server_errors_are_transient(fake, status, code):
    fake.fail_next(1, status=status, code=code)
    with pytest.raises(TransientSendError) as err:
        provider_for(fake).send(TO, "hola", idempotency_key="1")
    assert not isinstance(err.value, UncertainSendError)
    assert err.value.code == str(code)


def test_read_timeout_after_sending_is_uncertain(fake):
    fake.hang_number(TO, 1.0)
    with pytest.raises(UncertainSendError):
        provider_for(fake, timeout_s=0.2).send(TO, "hola", idempotency_key="1")
    assert len(fake.accepted) == 1  # it did go out: resending would double it


def test_connection_dropped_after_sending_is_uncertain(fake):
    fake.drop_number(TO)
    with pytest.raises(UncertainSendError):
        provider_for(fake).send(TO, "hola", idempotency_key="1")
    assert len(fake.accepted) == 1


def test_connection_refused_is_transient(fake):
    with pytest.raises(TransientSendError) as err:
        provider_for(fake, twilio_api_url=f"http://127.0.0.1:{free_port()}").send(
            TO, "hola", idempotency_key="1"
        )
    assert not isinstance(err.value, UncertainSendError)


def test_translate_handles_errors_without_a_twilio_code():
    assert isinstance(
        translate(TwilioRestException(502, "/Accounts/AC/Messages.json", "Bad Gateway")),
        TransientSendError,
    )
    assert isinstance(translate(requests.ConnectTimeout()), TransientSendError)
    assert isinstance(translate(requests.exceptions.ChunkedEncodingError()), UncertainSendError)


def test_scrub_masks_numbers_in_provider_text():
    assert (
        scrub("The 'To' number +1 (323) 555-0101 is not valid")
        == "The 'To' number +1••••••0101 is not valid"
    )
    assert scrub("code 21610") == "code 21610"


def test_find_sent_settles_a_lost_answer_and_never_logs_the_number(fake, caplog):
    provider = provider_for(fake)
    since = now()
    sid = provider.send(TO, "hola", idempotency_key="1").provider_sid
    provider.send(TO, "otra cosa", idempotency_key="2")
    with caplog.at_level(logging.DEBUG):
        found = provider.find_sent(TO, "hola", since=since)
        assert provider.find_sent(TO, "no enviado", since=since) is None
        assert provider.find_sent(phone(2), "hola", since=since) is None
    assert found.provider_sid == sid
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Messages.json?To=" in logged and TO not in logged and TO[1:] not in logged


def test_one_provider_is_shared_by_many_threads(fake):
    provider = provider_for(fake)
    with ThreadPoolExecutor(16) as pool:
        receipts = list(
            pool.map(lambda n: provider.send(phone(n), "hola", idempotency_key=str(n)), range(64))
        )
    assert len({r.provider_sid for r in receipts}) == 64
    assert sorted(a.to for a in fake.accepted) == sorted(phone(n) for n in range(64))


def test_factory_picks_the_backend_and_reuses_the_twilio_client(fake):
    assert isinstance(get_provider(make_settings("sqlite://")), LocalProvider)
    settings = make_settings(
        "sqlite://",
        sms_backend="twilio",
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_from_number="+13235550000",
        twilio_api_url=fake.url,
    )
    first = get_provider(settings)
    assert isinstance(first, TwilioProvider) and get_provider(settings) is first


def test_callbacks_are_posted_over_http_signed_and_optionally_late_and_reversed():
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            form = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
            received.append((self.path, form, self.headers["X-Twilio-Signature"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    public_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with FakeTwilio(callback_delay=0.05, reverse_callbacks=True) as fake:
            fake.callback_outcome(TO, "undelivered", 30003)
            provider_for(fake, public_url=public_url).send(TO, "hola", idempotency_key="9")
            fake.wait_for_callbacks(2)
    finally:
        server.shutdown()
        server.server_close()
    assert [form["MessageStatus"] for _, form, _ in received] == ["undelivered", "sent"]
    path, form, signature = received[0]
    assert path == "/twilio/status?ref=9" and form["ErrorCode"] == "30003" and form["To"] == TO
    assert RequestValidator(AUTH_TOKEN).validate(public_url + path, form, signature)


# -- the whole loop: our send → the fake → signed status callbacks → POST /twilio/status → the row


@pytest.fixture
def status_app(settings, monkeypatch):
    """The status router on a bare app, with settings whose signing token is the fake's."""
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    get_settings.cache_clear()
    app = FastAPI()
    app.include_router(status_router)
    with TestClient(app) as client:
        yield client, get_settings()
    get_settings.cache_clear()


def _post_through(client: TestClient):
    def sink(url, params, headers):
        response = client.post(url, data=params, headers=headers)
        assert response.status_code == 204, response.text

    return sink


@pytest.mark.parametrize("reverse", [False, True])
def test_signed_callbacks_reach_the_router_and_settle_the_text(db, status_app, reverse):
    client, settings = status_app
    [message_id] = add_messages(db, add_subscribers(db, [TO]))
    with FakeTwilio(callback_sink=_post_through(client), reverse_callbacks=reverse) as fake:
        provider = provider_for(fake, public_url=settings.public_url)
        sid = provider.send(TO, "hola", idempotency_key=str(message_id)).provider_sid
        assert len(fake.wait_for_callbacks(2)) == 2
    assert [p["MessageStatus"] for _, p in fake.callbacks_sent] == (
        ["delivered", "sent"] if reverse else ["sent", "delivered"]
    )
    row = messages(db)[message_id]
    assert (row.status, row.provider_sid) == (
        "delivered",
        sid,
    )  # found by ?ref=, although we never stored the SID


def test_unsigned_callback_is_refused(status_app):
    client, settings = status_app
    response = client.post(
        "/twilio/status",
        data={"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"},
        headers={"X-Twilio-Signature": "bogus"},
    )
    assert response.status_code == 403
