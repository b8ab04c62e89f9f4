"""Against the real server: concurrent Twilio retries, and the ``avisa text`` command."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from core.settings import get_settings
from tests.conftest import PUBLIC_URL, run_avisa, sign, sms_form


@pytest.mark.dialects  # concurrent INSERT … ON CONFLICT of one SID
def test_ten_concurrent_copies_of_one_sid_make_one_report(api, live_server, work):
    form = sms_form("+13235550190", "ICE at Gage and Miles")
    signature = sign(PUBLIC_URL + "/twilio/sms", form)

    def post(_):
        return httpx.post(
            f"{live_server}/twilio/sms",
            data=form,
            headers={"X-Twilio-Signature": signature},
            timeout=20,
        )

    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(post, range(10)))
    assert [r.status_code for r in responses] == [200] * 10
    assert sum("<Message>" in r.text for r in responses) == 1  # one acknowledgement, not ten
    work()
    incidents = api.get("/api/v1/incidents").json()["items"]
    assert len(incidents) == 1 and incidents[0]["report_count"] == 1


def test_avisa_text_plays_a_resident(api, live_server, work, settings, monkeypatch):
    # The server is reached (and configured) at live_server; the command's own AVISA_PUBLIC_URL
    # (http://testserver) is stale: `--url` is both where it posts and what it signs.
    monkeypatch.setenv("AVISA_PUBLIC_URL", live_server)
    get_settings.cache_clear()
    done = run_avisa(
        "text", "--url", live_server, "(323) 555-0191", "migra en la Pacific y Florence"
    )
    assert done.returncode == 0, done.stderr
    assert "recibimos su mensaje" in done.stdout
    work()
    assert len(api.get("/api/v1/incidents").json()["items"]) == 1
