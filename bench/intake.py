"""Issue 13: intake at the speed of the web stack.

In one run, on this machine: a throwaway PostgreSQL cluster (as tests/servers.py starts one) and
an embedded Redis (avisa/redis_server.py); then

1. `avisa serve --workers 1` against them, loaded with signed, distinct SMS webhooks;
2. a bare endpoint — the same uvicorn settings, FastAPI, the same signature check
   (`api.deps.twilio_form`), an empty TwiML answer, nothing stored — loaded the same way.

The load generator is asyncio + httpx with C concurrent connections and every request signed
before the clock starts, three rounds alternating. Prints the rates, the median ratio, errors, and checks that every report
answered 200 is stored (by MessageSid) exactly once.

    PATH=.venv/bin:$PATH .venv/bin/python bench/intake.py [REQUESTS] [CONCURRENCY]
"""

import asyncio
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import psycopg
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from avisa.redis_server import RedisServer, free_port  # noqa: E402
from tests.servers import PostgresServer  # noqa: E402

SECRET = "bench-" + "k" * 40
LOG = Path(tempfile.gettempdir()) / "avisa-bench-intake.log"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))  # avisa and bare alternate: noise weighs on both


def bare_app():
    """The ceiling: what FastAPI + uvicorn + the signature check cost with nothing else."""
    from fastapi import FastAPI

    from api.deps import TwilioForm
    from api.webhooks import xml_response
    from messaging.twiml import sms_reply

    app = FastAPI()

    @app.post("/twilio/sms")
    def receive(form: TwilioForm):
        return xml_response(sms_reply(None))

    return app


def serve(target: list[str], env: dict, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", *target]
    profile = os.environ.get("BENCH_PROFILE")  # a folder: py-spy's collapsed stacks go there
    if profile:
        out = Path(profile) / f"{target[0]}.txt"
        command = ["py-spy", "record", "-r", "200", "-f", "raw", "-o", str(out), "--", *command]
    log = open(LOG, "a")  # noqa: SIM115 — the server's stderr, kept for when errors show
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    for _ in range(300):
        try:
            if httpx.post(f"http://127.0.0.1:{port}/twilio/sms", timeout=1).status_code:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{target} did not start")


def forms(n: int, base: str, tag: str) -> list[tuple[dict, str]]:
    validator = RequestValidator(f"local-{SECRET}")
    signed = []
    for i in range(n):
        form = {
            "MessageSid": f"SM{tag}{secrets.token_hex(15)}",
            "AccountSid": "AC" + "0" * 32,
            "From": f"+1323{5550000 + i % 10000:07d}",
            "To": "+13235550000",
            "Body": f"la migra en Pacific y Florence {i}",
            "NumMedia": "0",
        }
        signed.append((form, validator.compute_signature(base + "/twilio/sms", form)))
    return signed


async def load(base: str, signed: list[tuple[dict, str]], concurrency: int):
    """Post every form; returns (seconds, answers as (sid, status))."""
    answers: list[tuple[str, int]] = []
    todo = iter(signed)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def one_connection():
            for form, signature in todo:
                try:
                    answer = await client.post(
                        "/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
                    )
                    answers.append((form["MessageSid"], answer.status_code))
                except httpx.HTTPError:
                    answers.append((form["MessageSid"], 0))

        started = time.perf_counter()
        await asyncio.gather(*(one_connection() for _ in range(concurrency)))
        return time.perf_counter() - started, answers


def run(name, target, env, port, n, concurrency, tag) -> tuple[float, list[tuple[str, int]]]:
    base = f"http://127.0.0.1:{port}"
    process = serve(target, env, port)
    try:
        asyncio.run(load(base, forms(min(200, n), base, "w" + tag), concurrency))  # warm-up
        seconds, answers = asyncio.run(load(base, forms(n, base, tag), concurrency))
    finally:
        process.send_signal(signal.SIGINT)  # py-spy writes its profile when its child ends
        process.wait(30)
    errors = Counter(status for _, status in answers if status != 200)
    print(
        f"{name:>6}: {n / seconds:7.0f} req/s  ({n} in {seconds:.2f} s,"
        f" {sum(errors.values())} errors {dict(errors) or ''})"
    )
    return n / seconds, answers


def main(n: int, concurrency: int) -> None:
    postgres = PostgresServer().start()
    redis = RedisServer().start()
    try:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AVISA_", "TWILIO_"))}
        env.update(
            AVISA_DATABASE_URL=postgres.url,
            AVISA_REDIS_URL=redis.url,
            AVISA_SECRET_KEY=SECRET,
            AVISA_PUBLIC_URL=f"http://127.0.0.1:{port}",
            AVISA_LOG_LEVEL="WARNING",
            PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}",
        )
        subprocess.run([sys.executable, "-m", "avisa", "db", "upgrade"], env=env, check=True)
        options = ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
        LOG.write_text("")
        print(f"{n} signed distinct webhooks, {concurrency} connections, one uvicorn worker")
        uvicorn = ["uvicorn", "intake:bare_app", "--factory", "--log-level", "warning"]
        uvicorn += ["--no-access-log", *options]
        avisa_rates, bare_rates, answers = [], [], []
        for r in range(ROUNDS):
            rate, round_answers = run(
                "avisa", ["avisa", "serve", *options], env, port, n, concurrency, f"a{r}"
            )
            avisa_rates.append(rate)
            answers += round_answers
            bare_rates.append(run("bare", uvicorn, env, port, n, concurrency, f"b{r}")[0])
        avisa_rate, bare_rate = statistics.median(avisa_rates), statistics.median(bare_rates)
        errors = sum(status != 200 for _, status in answers)
        print(
            f"median avisa {avisa_rate:.0f} req/s, bare {bare_rate:.0f} req/s;"
            f" ratio: {avisa_rate / bare_rate:.2f} of the bare ceiling (goal 0.5);"
            f" avisa errors: {errors} (server log: {LOG})"
        )
        ok = {sid for sid, status in answers if status == 200}
        with psycopg.connect(postgres.url) as conn:
            stored = [
                sid
                for (sid,) in conn.execute(
                    "select provider_sid from inboundmessage where provider_sid like 'SMa%'"
                )
            ]
        missing = ok - set(stored)
        print(
            f"stored: {len(set(stored) & ok)} of {len(ok)} answered 200; missing {len(missing)};"
            f" duplicates {len(stored) - len(set(stored))}"
        )
    finally:
        redis.stop()
        postgres.stop()


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 3000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 32,
    )
