"""Report → alert latency through the whole running system (`avisa dev`: API, worker, Redis,
SQLite).

Starts `avisa dev` on a free port, adds a zone and an active responder, then N times: a signed SMS
report of a new raid is posted, and the clock stops when the responder's alert has been handed to
the (local) provider. Each incident is resolved before the next report so every report opens a new
one. The webhook's own answer time is printed alongside as the baseline.

    .venv/bin/python bench/report_to_alert.py [N]
"""

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time

import httpx
from twilio.request_validator import RequestValidator

from avisa.redis_server import free_port
from avisa.testing.keys import admin_key

SECRET = "bench-" + "k" * 40


def start(port: int, workdir: str) -> tuple[subprocess.Popen, dict]:
    env = dict(
        os.environ,
        AVISA_DATABASE_URL=f"sqlite:///{workdir}/bench.db",
        AVISA_SECRET_KEY=SECRET,
        AVISA_PUBLIC_URL=f"http://127.0.0.1:{port}",
        AVISA_LOG_LEVEL="WARNING",
    )
    env.pop("AVISA_REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "avisa", "dev", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process, env
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("avisa dev did not start")


def main(n: int) -> None:
    port, workdir = free_port(), tempfile.mkdtemp()
    process, env = start(port, workdir)
    base = f"http://127.0.0.1:{port}"
    try:
        key = admin_key(env)
        api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=10)
        zone = api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]}).json()["id"]
        api.post(
            "/api/v1/subscribers",
            json={"phone": "+13235550101", "name": "Ana", "zone_ids": [zone], "confirmed": True},
        )
        twilio = httpx.Client(
            base_url=base, timeout=10
        )  # kept open, as Twilio keeps its connections
        webhook, total = [], []
        for i in range(n):
            form = {
                "MessageSid": "SM" + secrets.token_hex(16),
                "From": f"+1323555{2000 + i:04d}",
                "To": "+13235550000",
                "Body": "la migra esta en la Pacific y Florence",
                "AccountSid": "AC" + "0" * 32,
            }
            signature = RequestValidator(f"local-{SECRET}").compute_signature(
                base + "/twilio/sms", form
            )
            started = time.perf_counter()
            assert (
                twilio.post(
                    "/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
                ).status_code
                == 200
            )
            webhook.append(time.perf_counter() - started)
            while True:  # one read per poll: the newest alert, and how many there are
                alerts = api.get("/api/v1/messages", params={"kind": "alert"}).json()["items"]
                if len(alerts) == i + 1 and alerts[0]["status"] == "delivered":
                    break
                if time.perf_counter() - started > 10:
                    raise SystemExit(f"report {i}: no alert after 10 s")
                time.sleep(0.002)
            total.append(time.perf_counter() - started)
            resolved = api.post(f"/api/v1/incidents/{alerts[0]['incident_id']}/resolve")
            assert resolved.status_code == 200, resolved.text
            time.sleep(0.05)

        def ms(xs):
            p95 = sorted(xs)[int(len(xs) * 0.95) - 1]
            return f"median {statistics.median(xs) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"

        print(f"reports: {n}")
        print(f"webhook answer (baseline): {ms(webhook)}")
        print(f"report → alert handed to provider: {ms(total)}")
    finally:
        process.terminate()
        process.wait(15)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
