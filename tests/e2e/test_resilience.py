"""Nothing lost when Redis is down, and no phone number in any log line."""

import logging
import re

from core.settings import get_settings
from tests.conftest import sms_form
from workers.maintenance import sweep_inbound


def test_report_is_stored_when_redis_is_down_and_swept_later(
    api, twilio_post, work, monkeypatch, settings
):
    monkeypatch.setenv("AVISA_REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    get_settings.cache_clear()
    response = twilio_post("/twilio/sms", sms_form("+13235550170", "ICE en la Pacific y Florence"))
    assert response.status_code == 200 and "<Message>" in response.text
    monkeypatch.setenv("AVISA_REDIS_URL", settings.redis_url)
    get_settings.cache_clear()
    assert work() == 0  # nothing was queued
    import workers.maintenance as maintenance

    monkeypatch.setattr(maintenance, "GRACE_S", 0)
    assert sweep_inbound() == 1
    work()
    assert len(api.get("/api/v1/incidents").json()["items"]) == 1
    assert sweep_inbound() == 0  # processed: not swept again


def test_no_phone_number_in_any_log_line(api, twilio_post, work, caplog):
    caplog.set_level(logging.DEBUG)
    zone = api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]}).json()["id"]
    api.post(
        "/api/v1/subscribers", json={"phone": "+13235550181", "name": "Ana", "zone_ids": [zone]}
    )
    twilio_post("/twilio/sms", sms_form("+13235550181", "SI"))
    twilio_post("/twilio/sms", sms_form("+13235550182", "hay agentes"))
    twilio_post("/twilio/sms", sms_form("+13235550183", "ICE on Pacific near Florence"))
    work()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # the pipeline does log
    assert not re.search(r"555018\d", logged)
