"""Intake at the speed of the web stack, measured by a load generator that is not the ceiling.

In one run, on this machine: a throwaway PostgreSQL cluster (``avisa.testing.postgres``) and an
embedded Redis (``avisa.redis_server``); then, each on one uvicorn process on the same port, in
rounds that alternate (the machine's noise weighs on all three alike):

1. ``bare``: FastAPI, the same signature check (``api.deps.twilio_form``), an empty TwiML
   answer, nothing stored — the ceiling of the web stack;
2. ``naive``: the same, then one async ``INSERT … ON CONFLICT DO NOTHING`` and one ``RPUSH``
   (what a hand-written storing webhook costs);
3. ``avisa``: ``avisa serve --workers 1`` — the real ``/twilio/sms``.

Load comes from ``wrk`` (C, event-driven: it saturates the bare endpoint with little CPU) with a
Lua script that posts pre-signed, distinct webhooks (every MessageSid new, so every request
stores). Prints each rate, the medians, each ratio to bare, non-2xx answers, and checks that every
report answered 2xx is stored exactly once.

    apt-get install -y wrk      # Debian's package; the bench stops with this hint without it
    .venv/bin/python bench/intake.py [SECONDS] [CONNECTIONS]

``BENCH_ROUNDS`` (default 3); ``BENCH_PROFILE=<folder>`` runs each server under ``py-spy`` and
leaves its collapsed stacks there (``py-spy``
 in the venv's ``bin`` on ``PATH``).
"""

import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psycopg
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from avisa.redis_server import RedisServer, free_port  # noqa: E402
from avisa.testing.postgres import PostgresServer  # noqa: E402

SECRET = "bench-" + "k" * 40
LOG = Path(tempfile.gettempdir()) / "avisa-bench-intake.log"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
THREADS = 2  # wrk's: one per core
RATE_CEILING = 3000  # requests a second no target here reaches: sizes the pre-signed set
NAIVE_TABLE = "naive_inbound"

# Each wrk thread walks its own stride of the pre-signed requests, so no MessageSid is sent twice;
# ``wrapped`` counts requests past the end (then reused: the bench says so and the run is void).
WRK_SCRIPT = """
local path = "%(path)s"
local sigs, bodies = {}, {}
for line in io.lines(path) do
  local tab = line:find("\\t", 1, true)
  sigs[#sigs + 1] = line:sub(1, tab - 1)
  bodies[#bodies + 1] = line:sub(tab + 1)
end
local threads, next_id = {}, 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
local i, step
wrapped = 0  -- a global: done() reads it from each thread
function init(args)
  i, step = id + 1, %(threads)d
end
function request()
  if i > #bodies then
    i = (i - 1) %% #bodies + 1
    wrapped = wrapped + 1
  end
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Twilio-Signature"] = sigs[i],
  }
  local body = bodies[i]
  i = i + step
  return wrk.format("POST", "/twilio/sms", headers, body)
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("wrapped") end
  io.write(string.format("wrapped %%d\\n", total))
end
"""


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


def naive_app():
    """A hand-written storing webhook: the signature check, one async INSERT … ON CONFLICT on a
    small connection pool, one RPUSH, empty TwiML. No encryption, no retry, no sweep."""
    import asyncio
    from contextlib import asynccontextmanager

    from fastapi import FastAPI
    from redis.asyncio import Redis

    from api.deps import TwilioForm
    from api.webhooks import xml_response
    from messaging.twiml import sms_reply

    pool: asyncio.Queue = asyncio.Queue()
    redis = Redis.from_url(os.environ["AVISA_REDIS_URL"])
    url = os.environ["AVISA_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")

    @asynccontextmanager
    async def lifespan(app):
        for _ in range(8):
            pool.put_nowait(await psycopg.AsyncConnection.connect(url, autocommit=True))
        yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/twilio/sms")
    async def receive(form: TwilioForm):
        connection = await pool.get()
        try:
            row = await connection.execute(
                f"INSERT INTO {NAIVE_TABLE} (sid, sender, body) VALUES (%s, %s, %s)"
                " ON CONFLICT (sid) DO NOTHING RETURNING sid",
                (form["MessageSid"], form["From"], form.get("Body", "")),
            )
            created = await row.fetchone()
        finally:
            pool.put_nowait(connection)
        if created:
            await redis.rpush("naive:intake", form["MessageSid"])
        return xml_response(sms_reply(None))

    return app


def serve(target: list[str], env: dict, port: int, name: str) -> subprocess.Popen:
    command = [sys.executable, "-m", *target]
    profile = os.environ.get("BENCH_PROFILE")  # a folder: py-spy's flame graphs go there
    if profile:
        out = Path(profile) / f"{name}.txt"  # collapsed stacks: one a line, with its count
        command = ["py-spy", "record", "-r", "100", "-f", "raw", "-o", str(out), "--", *command]
    log = open(LOG, "a")  # noqa: SIM115 — the server's stderr, kept for when errors show
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    for _ in range(300):
        try:
            if httpx.post(f"http://127.0.0.1:{port}/twilio/sms", timeout=1).status_code:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{name} did not start (log: {LOG})")


def signed_requests(path: Path, n: int, base: str, tag: str) -> None:
    """``n`` distinct signed webhooks, one a line: signature, tab, form body."""
    validator = RequestValidator(f"local-{SECRET}")
    with path.open("w") as out:
        for i in range(n):
            form = {
                "MessageSid": f"SM{tag}{secrets.token_hex(15)}",
                "AccountSid": "AC" + "0" * 32,
                "From": f"+1323{5550000 + i % 10000:07d}",
                "To": "+13235550000",
                "Body": f"la migra en Pacific y Florence {i}",
                "NumMedia": "0",
            }
            signature = validator.compute_signature(base + "/twilio/sms", form)
            out.write(f"{signature}\t{urlencode(form)}\n")


def wrk(base: str, requests: Path, seconds: int, connections: int) -> dict[str, float]:
    script = requests.with_suffix(".lua")
    script.write_text(WRK_SCRIPT % {"path": requests, "threads": THREADS})
    command = ["wrk", "-t", str(THREADS), "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--latency", "-s", str(script), base]
    ran = subprocess.run(command, capture_output=True, text=True)
    if ran.returncode != 0:
        raise SystemExit(f"wrk failed: {ran.stdout}{ran.stderr}")
    out = ran.stdout

    def number(pattern: str) -> float:
        found = re.search(pattern, out)
        return float(found.group(1)) if found else 0.0

    return {
        "rate": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": number(r"(\d+) requests in"),
        "non2xx": number(r"Non-2xx or 3xx responses:\s+(\d+)"),
        "errors": sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)),
        "wrapped": number(r"wrapped (\d+)"),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+)(us|ms|s)", out)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+)(us|ms|s)", out)),
    }


def _ms(found: re.Match | None) -> float:
    if found is None:
        return 0.0
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]


def stored(url: str, table: str, column: str, tag: str) -> tuple[int, int]:
    """(rows, distinct sids) stored by the run tagged ``tag``."""
    with psycopg.connect(url) as conn:
        rows, distinct = conn.execute(
            f"select count(*), count(distinct {column}) from {table} where {column} like %s",
            (f"SM{tag}%",),
        ).fetchone()
    return rows, distinct


def main(seconds: int, connections: int) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("bench/intake.py needs wrk: apt-get install -y wrk")
    postgres = PostgresServer().start()
    redis = RedisServer().start()
    work = Path(tempfile.mkdtemp(prefix="avisa-bench-intake-"))
    try:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AVISA_", "TWILIO_"))}
        env.update(
            AVISA_DATABASE_URL=postgres.url,
            AVISA_REDIS_URL=redis.url,
            AVISA_SECRET_KEY=SECRET,
            AVISA_PUBLIC_URL=base,
            AVISA_LOG_LEVEL="WARNING",
            PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}",
        )
        subprocess.run([sys.executable, "-m", "avisa", "db", "upgrade"], env=env, check=True)
        with psycopg.connect(postgres.url, autocommit=True) as conn:
            conn.execute(
                f"create table {NAIVE_TABLE} (sid text primary key, sender text not null,"
                " body text not null, received_at timestamptz not null default now())"
            )
        options = ["--host", "127.0.0.1", "--port", str(port)]
        uvicorn = ["uvicorn", "--factory", "--log-level", "warning", "--no-access-log", *options]
        targets = {
            "bare": (["uvicorn", "intake:bare_app", *uvicorn[1:]], None),
            "naive": (["uvicorn", "intake:naive_app", *uvicorn[1:]], (NAIVE_TABLE, "sid")),
            "avisa": (
                ["avisa", "serve", *options, "--workers", "1"],
                ("inboundmessage", "provider_sid"),
            ),
        }
        LOG.write_text("")
        load = os.getloadavg()
        print(
            f"wrk -t{THREADS} -c{connections} -d{seconds}s, distinct signed webhooks,"
            f" one uvicorn process; load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        rates: dict[str, list[float]] = {name: [] for name in targets}
        faults = []
        for r in range(ROUNDS):
            for name, (target, table) in targets.items():
                tag = f"{name[0]}{r}x"
                requests = work / f"{tag}.txt"
                signed_requests(requests, RATE_CEILING * 2, base, tag)
                process = serve(target, env, port, name)
                try:
                    wrk(base, requests, 2, connections)  # warm-up (a tag of its own below)
                    signed_requests(requests, RATE_CEILING * seconds, base, tag + "m")
                    result = wrk(base, requests, seconds, connections)
                finally:
                    process.send_signal(signal.SIGINT)  # py-spy writes its profile as it ends
                    process.wait(60)
                rates[name].append(result["rate"])
                ok = result["requests"] - result["non2xx"]
                line = (
                    f"{name:>6}: {result['rate']:7.0f} req/s  p50 {result['p50_ms']:.1f} ms"
                    f"  p99 {result['p99_ms']:.1f} ms  non-2xx {result['non2xx']:.0f}"
                    f"  socket errors {result['errors']}"
                )
                if table is not None:
                    rows, distinct = stored(postgres.url, *table, tag + "m")
                    # wrk counts answers it read; a request cut by the end of the run may be
                    # stored unanswered (at most one per connection).
                    exact = rows == distinct and ok <= rows <= ok + connections
                    line += (
                        f"  stored {rows} of {ok:.0f} answered 2xx, duplicates {rows - distinct}"
                    )
                    if not exact:
                        faults.append(f"{name} round {r}: stored {rows}, 2xx {ok:.0f}")
                if result["wrapped"]:
                    faults.append(f"{name} round {r}: {result['wrapped']:.0f} requests reused")
                print(line, flush=True)
        median = {name: statistics.median(values) for name, values in rates.items()}
        load = os.getloadavg()
        print(
            "median: "
            + ", ".join(f"{name} {rate:.0f} req/s" for name, rate in median.items())
            + f"; naive/bare {median['naive'] / median['bare']:.2f},"
            f" avisa/bare {median['avisa'] / median['bare']:.2f},"
            f" avisa/naive {median['avisa'] / median['naive']:.2f}"
            f"; load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        print("every report answered 2xx stored exactly once" if not faults else "\n".join(faults))
        if faults:
            raise SystemExit(1)
    finally:
        redis.stop()
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 10,
        int(sys.argv[2]) if len(sys.argv) > 2 else 32,
    )
