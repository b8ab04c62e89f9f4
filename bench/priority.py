"""A raid's first alert behind a backlog of confirmation texts, on `avisa dev`.

Starts `avisa dev` (API, one worker with its scheduler, embedded Redis, SQLite, local SMS
backend, the default AVISA_SEND_RATE of 10/s), adds a zone and an active responder, and sends
one warm-up report (the worker loads its gazetteer once). Then R reports of new raids with no
backlog, each timed from the webhook's POST to the responder's alert being handed to the
provider (the local backend marks it delivered at that instant), each incident resolved before
the next. Then N new subscribers are imported through the API — N confirmation texts, which
drain at the bulk share of the rate (5/s by default: N=3,000 is ten minutes of backlog) — and,
once they are going out, the same R reports are timed again. Prints both, the backlog each saw,
and the ratio.

    .venv/bin/python bench/priority.py [N] [R]
"""

import re
import secrets
import statistics
import sys
import tempfile
import time

import httpx
from report_to_alert import SECRET, start
from twilio.request_validator import RequestValidator

from avisa.redis_server import free_port
from avisa.testing.keys import admin_key

GOAL_S = 2.0


def main(n: int, repeats: int) -> None:
    port, workdir = free_port(), tempfile.mkdtemp()
    process, env = start(port, workdir)
    base = f"http://127.0.0.1:{port}"
    try:
        key = admin_key(env)
        api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60)
        twilio = httpx.Client(base_url=base, timeout=10)
        zone = api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]}).json()["id"]
        api.post(
            "/api/v1/subscribers",
            json={"phone": "+13235550101", "name": "Ana", "zone_ids": [zone], "confirmed": True},
        ).raise_for_status()
        reports = iter(range(10_000))

        def timed() -> float:
            return report_to_alert(api, twilio, base, next(reports))

        timed()  # warm-up: the worker's first job loads the gazetteer
        quiet = [timed() for _ in range(repeats)]
        quiet_backlog = pending_opt_ins(api)

        rows = ["phone,name,language,roles,zones"] + [
            f"+1626555{i:04d},Vol {i},es,responder,HP" for i in range(n)
        ]
        started = time.perf_counter()
        imported = api.post(
            "/api/v1/subscribers/import",
            content="\n".join(rows),
            headers={"content-type": "text/csv"},
        ).json()
        import_s = time.perf_counter() - started
        assert imported["created"] == n, imported
        while delivered_opt_ins(api) == 0:  # the backlog is draining: bulk jobs are running
            time.sleep(0.05)
        busy, backlogs = [], []
        for _ in range(repeats):
            backlogs.append(pending_opt_ins(api))
            busy.append(timed())
        sent = delivered_opt_ins(api)
        drained_s = time.perf_counter() - started

        def ms(xs: list[float]) -> str:
            return f"median {statistics.median(xs) * 1000:.0f} ms, max {max(xs) * 1000:.0f} ms"

        print(f"import: {n} subscribers in {import_s:.1f} s (confirmation texts queued as bulk)")
        print(f"report → first alert handed to provider, no backlog (backlog {quiet_backlog}):")
        print(f"  {ms(quiet)}  over {repeats} reports")
        print(
            f"report → first alert handed to provider, backlog of {min(backlogs)}–{max(backlogs)}"
        )
        print(f"  confirmation texts: {ms(busy)}  over {repeats} reports")
        print(
            f"ratio (median with backlog / without): {statistics.median(busy) / statistics.median(quiet):.2f}"
        )
        rate = sent / drained_s
        print(f"confirmations sent meanwhile: {sent} in {drained_s:.1f} s ({rate:.1f}/s)")
        verdict = "met" if max(busy) <= GOAL_S else "NOT met"
        print(f"goal (every alert within {GOAL_S:.0f} s with a backlog): {verdict}")
    finally:
        process.terminate()
        process.wait(15)


def report_to_alert(api: httpx.Client, twilio: httpx.Client, base: str, i: int) -> float:
    """Seconds from posting a report of a new raid to its alert being handed to the provider."""
    form = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "From": f"+1323555{2000 + i:04d}",
        "To": "+13235550000",
        "Body": "la migra esta en la Pacific y Florence",
        "AccountSid": "AC" + "0" * 32,
    }
    signature = RequestValidator(f"local-{SECRET}").compute_signature(base + "/twilio/sms", form)
    before = {m["id"] for m in alerts(api)}
    started = time.perf_counter()
    answer = twilio.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 200, answer.status_code
    while True:
        new = [m for m in alerts(api) if m["id"] not in before]
        if new and new[0]["status"] == "delivered":
            elapsed = time.perf_counter() - started
            break
        if time.perf_counter() - started > 120:
            raise SystemExit(f"report {i}: no alert within 120 s")
        time.sleep(0.005)
    resolved = api.post(f"/api/v1/incidents/{new[0]['incident_id']}/resolve")
    assert resolved.status_code == 200, resolved.text
    return elapsed


def alerts(api: httpx.Client) -> list[dict]:
    return api.get("/api/v1/messages", params={"kind": "alert", "limit": 20}).json()["items"]


def _metric(api: httpx.Client, status: str) -> int:
    found = re.search(rf'avisa_messages{{status="{status}"}} ([0-9.e+]+)', api.get("/metrics").text)
    return int(float(found.group(1))) if found else 0


def pending_opt_ins(api: httpx.Client) -> int:
    """Texts waiting to go (all pending texts here are confirmations: alerts leave at once)."""
    return _metric(api, "pending")


def delivered_opt_ins(api: httpx.Client) -> int:
    total = _metric(api, "delivered")
    return total - len(alerts_and_updates(api))


def alerts_and_updates(api: httpx.Client) -> list[dict]:
    items = []
    for kind in ("alert", "update"):
        items += api.get("/api/v1/messages", params={"kind": kind, "limit": 200}).json()["items"]
    return items


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 3000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 5,
    )
