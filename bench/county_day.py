"""A bad day across the county, as production runs it.

PostgreSQL, Redis, `avisa serve --workers 2`, three `avisa worker`, the Twilio backend against the
local fake Twilio (avisa/testing/twilio_server.py) answering in 150 ms, AVISA_SEND_RATE=200.
20,000 subscribers in 20 ZIP zones (per zone 800 community members, 150 responders, 50 legal
aid, all confirmed) are imported by CSV; then a broadcast to the 16,000 community members, and
while it drains, 10 raids in 10 zones within a minute, 8 residents each in their own words (the
third reporter confirms a raid: ~800 community texts each). The zones' ZIPs are taken from the
gazetteer inside the served region (AVISA_REGION, whatever it is), far enough apart that two
raids never make one incident.

Prints, per raid, report (the first resident's POST) → first responder alert handed to the
provider; the hand-over spread of each lane (stored → handed over); each lane's drain time
against its floor (its texts at the whole rate); texts of the lower lanes handed over while a
responder's first alert waited; doubles and losses; the broadcast's POST time and its drain
against its floor once raid texts are done; the peak memory of every process.

    .venv/bin/python bench/county_day.py [--rate 200] [--latency 0.15]

Status callbacks are off (the fake answers the create call only): the machine is shared, and
hand-over is measured at our side (``message.sent_at``) and at the fake (its accept time).
"""

import argparse
import bisect
import math
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import text
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from avisa.redis_server import RedisServer, free_port  # noqa: E402
from avisa.testing.keys import admin_key
from avisa.testing.twilio_server import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio  # noqa: E402
from core.db import engine_for  # noqa: E402
from core.geo.distance import haversine_m  # noqa: E402
from core.geo.gazetteer import load_gazetteer  # noqa: E402
from core.geo.region import Region  # noqa: E402
from core.settings import Settings  # noqa: E402
from tests.servers import PostgresServer  # noqa: E402

ZONES, RAIDS, RESIDENTS = 20, 10, 8
COMMUNITY, RESPONDERS, LEGAL = 800, 150, 50  # per zone: 20,000 subscribers in all
MIN_APART_M = 5_000  # two ZIP-named reports (400 m + 2 km each) never fold into one incident
LANES = {0: "first alerts", 1: "responders/legal aid", 2: "community", 3: "broadcast/opt-in"}
SECRET = "bench-" + "k" * 40
OPENERS = [
    "la migra esta en el {zip}",
    "ICE agents right now in zip {zip}",
    "hay agentes de inmigracion cerca del codigo postal {zip}",
    "heads up neighbors, immigration raid going on around {zip}",
    "cuidado!! redada en {zip}",
    "saw masked federal agents detaining people, area {zip}",
    "vecinos: inmigracion esta levantando gente por el {zip}",
    "there's an ICE operation happening near {zip} please help",
]
DETAILS = [
    "3 camionetas blancas sin placas",
    "two unmarked SUVs and a van",
    "se llevaron a un senor de la tienda",
    "they are checking ids at the bus stop",
    "como diez agentes con chalecos",
    "outside the laundromat, people running",
    "estan en la esquina del mercado",
    "by the car wash, at least 6 officers",
    "traen armas largas",
    "near the school pickup line",
    "ya llevan como 20 minutos",
    "one helicopter overhead too",
]


def pick_zips(region: Region) -> list[str]:
    """ZONES residential ZIPs of the served region, at least MIN_APART_M apart."""
    gazetteer = load_gazetteer()
    inside = sorted(
        z
        for z in gazetteer.residential_zips
        if z in gazetteer.zips and region.contains(*gazetteer.zips[z])
    )
    chosen: list[str] = []
    for zip_code in random.Random(7).sample(inside, len(inside)):
        here = gazetteer.zips[zip_code]
        if all(haversine_m(*here, *gazetteer.zips[c]) >= MIN_APART_M for c in chosen):
            chosen.append(zip_code)
        if len(chosen) == ZONES:
            return chosen
    raise SystemExit(f"only {len(chosen)} ZIPs {MIN_APART_M} m apart in the served region")


def subscriber_csv(zips: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """CSV rows (several files of 5,000) and each zone's responders' numbers."""
    rows, responders = [], defaultdict(list)
    n = 0
    for zone, _zip in enumerate(zips):
        for role, count in (
            ("community", COMMUNITY),
            ("responder", RESPONDERS),
            ("legal_aid", LEGAL),
        ):
            for _ in range(count):
                number = f"+1626{2_000_000 + n:07d}"  # 626-200-0000 on: valid exchanges
                n += 1
                rows.append(f"{number},S{n},{'es' if n % 3 else 'en'},{role},Z{zone},true")
                if role == "responder":
                    responders[f"Z{zone}"].append(number)
    header = "phone,name,language,roles,zones,confirmed"
    files = ["\n".join([header, *rows[i : i + 5000]]) for i in range(0, len(rows), 5000)]
    return files, responders


def spawn(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "avisa", *args],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo += [int(c) for c in children]
    return found


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--raid-every", type=float, default=6.0, help="seconds between raids")
    args = parser.parse_args()
    workdir = Path(os.environ.get("BENCH_DIR") or f"/tmp/avisa-county-{os.getpid()}")
    workdir.mkdir(parents=True, exist_ok=True)
    postgres = PostgresServer().start()
    redis = RedisServer().start()
    fake = FakeTwilio(latency=args.latency, callbacks=False, max_concurrency=1000).start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AVISA_", "TWILIO_"))}
    env |= dict(
        AVISA_ENV="production",
        AVISA_DATABASE_URL=postgres.url,
        AVISA_REDIS_URL=redis.url,
        AVISA_PUBLIC_URL=base,
        AVISA_SECRET_KEY=SECRET,
        AVISA_SMS_BACKEND="twilio",
        AVISA_TWILIO_API_URL=fake.url,
        AVISA_SEND_RATE=str(int(args.rate)),
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM_NUMBER="+13235550000",
    )
    # The served region is the settings' (AVISA_REGION or its default): never one of our own.
    region_setting = os.environ.get("AVISA_REGION") or Settings.model_fields["region"].default
    region = Region.parse(region_setting)
    if "AVISA_REGION" in os.environ:
        env["AVISA_REGION"] = os.environ["AVISA_REGION"]
    processes: list[subprocess.Popen] = []
    engine = engine_for(postgres.url)
    try:
        subprocess.run(
            [sys.executable, "-m", "avisa", "db", "upgrade"],
            env=env,
            check=True,
            capture_output=True,
        )
        key = admin_key(env)
        processes.append(
            spawn(["serve", "--port", str(port), "--workers", "2"], env, workdir / "serve.log")
        )
        for i in range(3):
            processes.append(spawn(["worker"], env, workdir / f"worker{i}.log"))
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=300)
        zips = pick_zips(region)
        zone_ids = []
        for i, zip_code in enumerate(zips):
            answer = api.post("/api/v1/zones", json={"name": f"Z{i}", "zips": [zip_code]})
            answer.raise_for_status()
            zone_ids.append(answer.json()["id"])
        files, responders = subscriber_csv(zips)
        started = time.monotonic()
        for body in files:
            imported = api.post(
                "/api/v1/subscribers/import", content=body, headers={"content-type": "text/csv"}
            )
            imported.raise_for_status()
            if imported.json()["errors"]:
                raise SystemExit(f"import refused rows: {imported.json()['errors'][:3]}")
        import_s = time.monotonic() - started
        print(
            f"imported {sum(f.count(chr(10)) for f in files)} subscribers in {import_s:.1f} s "
            f"({sum(f.count(chr(10)) for f in files) / import_s:.0f} rows/s)"
        )
        time.sleep(3)  # the workers' start-up (gazetteer) is done by now

        # The broadcast, then the raids while it drains.
        started = time.monotonic()
        wall_start = time.time()
        answer = api.post(
            "/api/v1/broadcasts",
            json={
                "zone_ids": zone_ids,
                "roles": ["community"],
                "body": {
                    "es": "Reunion comunitaria el sabado a las 10",
                    "en": "Community meeting Saturday at 10",
                },
            },
        )
        broadcast_post_s = time.monotonic() - started
        answer.raise_for_status()
        broadcast = answer.json()
        print(
            f"POST /broadcasts for {broadcast['recipients']} people answered in {broadcast_post_s * 1000:.0f} ms (status {broadcast['status']})"
        )

        validator = RequestValidator(AUTH_TOKEN)
        twilio = httpx.Client(base_url=base, timeout=30)
        rng = random.Random(11)
        raid_zones = rng.sample(range(ZONES), RAIDS)
        reports: list[tuple[float, int, str, str]] = []  # (at, raid, number, text)
        for raid, zone in enumerate(raid_zones):
            at = 2.0 + raid * args.raid_every
            openers = rng.sample(OPENERS, RESIDENTS)
            for resident in range(RESIDENTS):
                words = openers[resident].format(zip=zips[zone])
                if rng.random() < 0.8:
                    words += ", " + rng.choice(DETAILS)
                number = f"+1{rng.choice([213, 310, 323, 562, 626, 818])}{rng.randrange(2_000_000, 9_999_999)}"
                reports.append((at + resident * 1.5 + rng.random(), raid, number, words))
        reports.sort()
        first_post: dict[int, float] = {}

        def post(report: tuple[float, int, str, str]) -> None:
            at, raid, number, words = report
            delay = wall_start + at - time.time()
            if delay > 0:
                time.sleep(delay)
            form = {
                "MessageSid": "SM" + secrets.token_hex(16),
                "AccountSid": ACCOUNT_SID,
                "From": number,
                "To": "+13235550000",
                "Body": words,
            }
            url = f"{base}/twilio/sms"
            posted = time.time()
            first_post.setdefault(raid, posted)
            response = twilio.post(
                url,
                data=form,
                headers={"X-Twilio-Signature": validator.compute_signature(url, form)},
            )
            response.raise_for_status()

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(post, reports))
        raids_posted = time.time()

        # Wait for everything to drain: the broadcast written and no text left pending.
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                left = conn.execute(
                    text("SELECT count(*) FROM message WHERE status IN ('pending', 'sending')")
                ).scalar()
                status = conn.execute(text("SELECT status FROM broadcast")).scalar()
            if status == "written" and left == 0 and time.time() - raids_posted > 10:
                break
            time.sleep(1)
        load = os.getloadavg()
        peaks = {}
        for process in processes:
            for pid in descendants(process.pid):
                peaks[pid] = peak_rss_mb(pid)
        report(
            engine,
            fake,
            args,
            first_post,
            responders,
            raid_zones,
            wall_start,
            broadcast_post_s,
            load,
            peaks,
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        fake.stop()
        redis.stop()
        postgres.stop()
    return 0


def report(
    engine,
    fake,
    args,
    first_post,
    responders,
    raid_zones,
    wall_start,
    broadcast_post_s,
    load,
    peaks,
) -> None:
    accepted = fake.accepted
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, lane, kind, status, incident_id, created_at, sent_at FROM message")
        ).all()
        incidents = conn.execute(text("SELECT id, status FROM incident")).all()
    by_to = defaultdict(list)
    for a in accepted:
        by_to[a.to].append(a)
    # Per raid: first resident's POST → first text handed to one of its zone's responders.
    print(f"\n{len(incidents)} incidents ({Counter(s for _, s in incidents)})")
    firsts = []
    for raid, zone in enumerate(raid_zones):
        times = [
            a.accepted_at
            for n in responders[f"Z{zone}"]
            for a in by_to.get(n, [])
            if a.accepted_at >= first_post[raid] - 1
        ]
        first = min(times) - first_post[raid] if times else float("nan")
        firsts.append(first)
        print(f"raid {raid + 1:2d} (Z{zone:<2d}) report → first responder alert {first:6.2f} s")
    print(
        f"report → first responder alert: median {statistics.median(firsts):.2f} s, p95 {pct(firsts, 0.95):.2f} s, max {max(firsts):.2f} s (goal p95 ≤ 3 s)"
    )

    # Hand-over spread per lane: stored → handed to the provider.
    print(
        "\nlane                     texts   stored→handed over p50 / p95 / max      drain      floor"
    )
    sent = [r for r in rows if r.sent_at is not None]
    for lane, name in LANES.items():
        mine = [r for r in sent if r.lane == lane]
        if not mine:
            continue
        waits = [(r.sent_at - r.created_at).total_seconds() for r in mine]
        drain = (max(r.sent_at for r in mine) - min(r.created_at for r in mine)).total_seconds()
        floor = len(mine) / args.rate
        print(
            f"{lane} {name:22s} {len(mine):6d}   {pct(waits, 0.5):6.2f} / {pct(waits, 0.95):6.2f} / {max(waits):6.2f} s   {drain:7.1f} s  {floor:7.1f} s"
        )

    # Lower lanes handed over while a first alert waited (stored, not yet handed over).
    firsts_rows = [r for r in sent if r.lane == 0]
    lower = sorted(r.sent_at for r in sent if r.lane >= 2)
    overtakes = 0
    overtakes_late = 0
    for r in firsts_rows:
        lo = bisect.bisect_right(lower, r.created_at)
        hi = bisect.bisect_left(lower, r.sent_at)
        overtakes += max(0, hi - lo)
        # Tokens already taken when the alert was stored may still be used (one per thread).
        lo_late = bisect.bisect_right(lower, r.created_at + timedelta(seconds=0.25))
        overtakes_late += max(0, hi - lo_late)
    print(
        f"\ncommunity/bulk texts handed over while a first alert waited: {overtakes} "
        f"({overtakes_late} of them more than 0.25 s after it was stored)"
    )

    # Doubles and losses.
    per_text = Counter((a.to, a.body) for a in accepted)
    doubles = sum(n - 1 for n in per_text.values() if n > 1)
    statuses = Counter(r.status for r in rows)
    print(
        f"texts stored {len(rows)}, handed to the fake {len(accepted)}, doubled {doubles}, not sent {statuses['pending'] + statuses['sending'] + statuses['failed']}  {dict(statuses)}"
    )

    # The broadcast's drain once the raids' texts are done.
    bulk = [r for r in sent if r.lane == 3]
    raid_texts = [r for r in sent if r.lane < 3]
    if bulk:
        start = min(r.created_at for r in bulk)
        end = max(r.sent_at for r in bulk)
        in_window = sum(1 for r in raid_texts if start <= r.sent_at <= end)
        floor = (len(bulk) + in_window) / args.rate
        raids_done = max(r.sent_at for r in raid_texts) if raid_texts else start
        after = [r for r in bulk if r.sent_at > raids_done]
        alone = (end - raids_done).total_seconds()
        alone_floor = len(after) / args.rate
        print(
            f"broadcast: POST {broadcast_post_s * 1000:.0f} ms; {len(bulk)} texts drained in {(end - start).total_seconds():.1f} s "
            f"against a floor of {floor:.1f} s ({(end - start).total_seconds() / floor:.2f}×, the raids' {in_window} texts included); "
            f"after the raids' texts: {len(after)} in {alone:.1f} s against {alone_floor:.1f} s ({alone / alone_floor if alone_floor else float('nan'):.2f}×, goal ≤ 1.2×)"
        )
    total = sum(peaks.values())
    print(
        f"peak memory (VmHWM): {len(peaks)} processes, largest {max(peaks.values()):.0f} MB, sum {total:.0f} MB"
    )
    print(
        f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    raise SystemExit(main())
