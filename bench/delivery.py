"""Delivery at the provider's pace: 1,000 alerts through the real sender, the real Redis bucket
and the Twilio SDK, against the local Twilio fake (150 ms per request).

    .venv/bin/python bench/delivery.py                 # 1 worker, then 2 worker processes
    .venv/bin/python bench/delivery.py --workers 2 --count 2000 --rate 50

Measures the span from the first to the last text the fake accepted, against the floor
count/rate; counts duplicates (must be 0) and the fake's 429s. Exit status 1 when the span is
over 1.15 × the floor or anything was sent twice or not at all.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Imports after the path fix (E402 is off for bench/), so the bench runs from anywhere.
from redis import Redis
from sqlalchemy import event

from avisa.redis_server import RedisServer
from avisa.testing.outbox import (
    add_messages,
    add_subscribers,
    make_db,
    make_settings,
    messages,
    phone,
)
from avisa.testing.twilio_server import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from core.db import make_engine
from messaging.twilio_backend import TwilioProvider
from workers.sender import send_messages

TOLERANCE = 1.15


def worker_settings(db_url: str, api_url: str, rate: float, concurrency: int):
    return make_settings(
        db_url,
        sms_backend="twilio",
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_from_number="+13235550000",
        twilio_api_url=api_url,
        send_rate=rate,
        send_concurrency=concurrency,
    )


def worker_main(
    db_url: str,
    redis_url: str,
    api_url: str,
    rate: str,
    concurrency: str,
    ids_file: str,
    synchronous: str = "",
) -> None:
    """One worker process: what an RQ worker's dispatch job does with a list of message ids."""
    settings = worker_settings(db_url, api_url, float(rate), int(concurrency))
    ids = [int(line) for line in Path(ids_file).read_text().split()]
    engine = make_engine(db_url)
    if synchronous:
        event.listen(
            engine, "connect", lambda conn, _: conn.execute(f"PRAGMA synchronous={synchronous}")
        )
    send_messages(
        ids,
        provider=TwilioProvider(settings),
        redis=Redis.from_url(redis_url),
        settings=settings,
        engine=engine,
    )


def run(workers: int, args, redis_url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="avisa-bench-") as tmp:
        db_url, engine = make_db(Path(tmp))
        ids = add_messages(
            engine,
            add_subscribers(engine, [phone(i) for i in range(args.count)]),
            body="AVISA #1234567 SIN VERIFICAR: reportan agentes en Pacific / Florence (10:02).",
        )
        Redis.from_url(redis_url).flushdb()
        with FakeTwilio(
            latency=args.latency, callbacks=False, max_concurrency=args.max_concurrency
        ) as fake:
            if args.inject_429:
                fake.error_rates[(429, 20429)] = args.inject_429
            ids_file = Path(tmp) / "ids.txt"
            ids_file.write_text("\n".join(map(str, ids)))
            started = time.monotonic()
            if workers == 1:
                worker_main(
                    db_url,
                    redis_url,
                    fake.url,
                    str(args.rate),
                    str(args.concurrency),
                    str(ids_file),
                    args.sqlite_synchronous,
                )
            else:
                # Every worker gets every id, as when RQ re-runs a job or a sweep overlaps a
                # fan-out.
                procs = [
                    subprocess.Popen(
                        [
                            sys.executable,
                            __file__,
                            "--worker",
                            db_url,
                            redis_url,
                            fake.url,
                            str(args.rate),
                            str(args.concurrency),
                            str(ids_file),
                            args.sqlite_synchronous,
                        ]
                    )
                    for _ in range(workers)
                ]
                if any(p.wait() for p in procs):
                    raise SystemExit("a worker process failed")
            wall = time.monotonic() - started
            accepted, responses = fake.accepted, fake.responses
        statuses = Counter(m.status for m in messages(engine).values())
        engine.dispose()
    times = sorted(a.accepted_at for a in accepted)
    per_number = Counter(a.to for a in accepted)
    per_second = Counter(int(t - times[0]) for t in times)
    return {
        "workers": workers,
        "sent": len(accepted),
        "span": times[-1] - times[0],
        "wall": wall,
        "per_second": [per_second[s] for s in range(max(per_second) + 1)],
        "duplicates": sum(n - 1 for n in per_number.values() if n > 1),
        "unsent": args.count - len(per_number),
        "429s": responses[429],
        "statuses": dict(statuses),
    }


def report(result: dict, args) -> bool:
    floor = args.count / args.rate
    ratio = result["span"] / floor
    ok = ratio <= TOLERANCE and result["duplicates"] == 0 and result["unsent"] == 0
    print(
        f"workers={result['workers']}  texts={args.count}  rate={args.rate:g}/s  "
        f"latency={args.latency * 1000:.0f} ms  "
        f"concurrency={args.concurrency}/worker"
    )
    print(
        f"  floor {floor:.2f} s   span {result['span']:.2f} s   "
        f"ratio {ratio:.3f} (limit {TOLERANCE})   "
        f"wall {result['wall']:.2f} s"
    )
    print(
        f"  accepted {result['sent']}   duplicates {result['duplicates']}   "
        f"unsent {result['unsent']}   "
        f"429s {result['429s']}   statuses {result['statuses']}   {'OK' if ok else 'FAIL'}"
    )
    print(f"  accepted per second: {result['per_second']}")
    return ok


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker_main(*sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument(
        "--rate", type=float, default=100.0, help="AVISA_SEND_RATE, all workers together"
    )
    parser.add_argument(
        "--latency", type=float, default=0.150, help="fake Twilio seconds per request"
    )
    parser.add_argument(
        "--concurrency", type=int, default=32, help="AVISA_SEND_CONCURRENCY per worker"
    )
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument(
        "--max-concurrency", type=int, default=100, help="fake's 429 threshold (Twilio-like)"
    )
    parser.add_argument(
        "--sqlite-synchronous",
        default="",
        choices=["", "FULL", "NORMAL", "OFF"],
        help="override core.db's SQLite PRAGMA synchronous (default: leave it, i.e. FULL)",
    )
    parser.add_argument(
        "--inject-429", type=float, default=0.0, help="fraction of requests answered 429"
    )
    args = parser.parse_args()
    os.environ.pop("TWILIO_REGION", None), os.environ.pop("TWILIO_EDGE", None)
    with RedisServer() as server:
        results = [report(run(n, args, server.url), args) for n in args.workers]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
