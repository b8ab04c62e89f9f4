"""Request ids in the ``X-Request-ID`` header and in JSON log lines; numbers masked in both."""

import io
import json
import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.middleware import RequestIdMiddleware
from avisa.logs import JsonFormatter, MaskPhones, TextFormatter

log = logging.getLogger("tests.request_id")


@pytest.fixture
def lines():
    """What the JSON handler writes during the test, one parsed object a line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskPhones())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def app_client():
    app = FastAPI()

    @app.get("/texting")
    def texting():  # a sync route: it runs in the thread pool, the id must follow it there
        log.info("texting +13235550101")
        return {}

    @app.get("/boom")
    def boom():
        try:
            raise ValueError("bad number +13235550199")
        except ValueError:
            log.exception("failed")
        return {}

    app.add_middleware(RequestIdMiddleware)
    return TestClient(app)


def test_each_response_has_an_id_and_a_tame_one_given_is_kept(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first.headers["X-Request-ID"]) == 32
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.1"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a.1"
    for wild in ("a b", "x" * 65, "<script>"):
        replaced = client.get("/healthz", headers={"X-Request-ID": wild})
        assert replaced.headers["X-Request-ID"] != wild


def test_json_log_lines_carry_the_request_id_and_no_phone_number(app_client, lines):
    rid = app_client.get("/texting").headers["X-Request-ID"]
    texting, access = [line for line in lines() if line["logger"] != "httpx"]
    assert texting["request_id"] == rid and texting["logger"] == "tests.request_id"
    assert texting["message"].endswith("0101") and texting["level"] == "INFO"
    assert "+13235550101" not in texting["message"]
    assert access["logger"] == "avisa.access" and access["request_id"] == rid
    assert access["message"].startswith("GET /texting 200 ")
    log.info("outside any request")
    assert "request_id" not in lines()[-1]


def test_tracebacks_are_masked_too(app_client, lines):
    app_client.get("/boom")
    failed = lines()[0]
    assert "ValueError" in failed["exception"] and "0199" in failed["exception"]
    assert "+13235550199" not in json.dumps(failed, ensure_ascii=False)
    for text in ("to +13235550101", "GET /x?To=%2B13235550101"):
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, text, None, None)
        assert "3235550101" not in TextFormatter().format(record)
