"""Does a report cost the same when Avisa already holds many? Replay 1,000 and 10,000 synthetic
reports through the real pipeline (``avisa replay``'s) and compare the cost per report.

    python bench/replay_scale.py                  # 1,000 then 10,000; ratio must be <= 1.5
    python bench/replay_scale.py --sizes 200 2000 # quicker look

The stream is the hard case for matching: every report lands within one dedup window, so the
incidents stay open and every report's candidate query sees them. Reports name real corners of
the gazetteer, at least ``GAP_M`` apart (so each corner is its own incident), about
``PER_CORNER`` reports per corner until the region runs out of corners. Only feeding the
messages is timed: not the sandbox's start-up, and not the first use of the geocoder (a warm-up
replay runs first).
"""

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import mean

GAP_M = 800  # > radius 400 + two corners' 100 m: neighbours never fold together
PER_CORNER = 4
SPAN_MIN = 50  # inside the default 60-minute window: nothing closes during the run
START = datetime.fromisoformat("2025-09-06T08:00:00-07:00")
TEMPLATES = ("ICE at {a} and {b}", "migra en la {a} y {b}", "{b} / {a} agentes")
MAX_RATIO = 1.5


@dataclass(frozen=True)
class Corner:
    a: str
    b: str
    lat: float
    lon: float


def spaced_corners(gap_m: float = GAP_M) -> list[Corner]:
    """Gazetteer corners inside the region, ``gap_m`` apart, whose every phrasing geocodes back."""
    from core.geo import get_default_geocoder, haversine_m
    from core.geo.gazetteer import load_gazetteer

    gazetteer, geocoder = load_gazetteer(), get_default_geocoder()
    busiest_first = sorted(
        (
            (a, b, p)
            for (a, b), points in gazetteer.corners.items()
            for p in points
            if geocoder.region.contains(p.lat, p.lon)
        ),
        key=lambda t: -t[2].weight,
    )
    chosen: list[Corner] = []
    for a, b, point in busiest_first:
        corner = Corner(
            gazetteer.streets.get(a, a), gazetteer.streets.get(b, b), point.lat, point.lon
        )
        if any(haversine_m(c.lat, c.lon, corner.lat, corner.lon) < gap_m for c in chosen):
            continue
        readings = [geocoder.geocode(t.format(a=corner.a, b=corner.b)) for t in TEMPLATES]
        if all(r and haversine_m(r.lat, r.lon, corner.lat, corner.lon) < 50 for r in readings):
            chosen.append(corner)
    return chosen


def synthetic_lines(
    n: int, corners: list[Corner], *, seed: int, start: datetime = START
) -> list[str]:
    """``n`` replay lines over ``min(len(corners), n // PER_CORNER)`` corners, interleaved at
    random."""
    rng = random.Random(seed)
    used = corners[: max(1, min(len(corners), n // PER_CORNER))]
    step = timedelta(minutes=SPAN_MIN) / n
    lines = []
    for i in range(n):
        corner = rng.choice(used)
        body = rng.choice(TEMPLATES).format(a=corner.a, b=corner.b)
        lines.append(
            json.dumps(
                {
                    "at": (start + i * step).isoformat(),
                    "MessageSid": f"SM{seed:04d}{i:028d}",
                    "From": f"+1323{5550000 + i:07d}",
                    "Body": body,
                }
            )
        )
    return lines


@dataclass(frozen=True)
class Timing:
    reports: int
    incidents: int
    per_report_ms: float
    cpu_per_report_ms: float  # this process only (not redis-server): less swayed by a busy machine
    first_tenth_ms: float
    last_tenth_ms: float


def timed_replay(lines: list[str]) -> Timing:
    """Replay ``lines`` in a fresh sandbox, timing each message's webhook + jobs."""
    from avisa.replay.pipeline import Pipeline
    from avisa.replay.result import collect
    from avisa.replay.sandbox import sandbox, silenced_stdout
    from avisa.replay.stream import parse_lines

    messages = parse_lines(lines)
    costs: list[float] = []
    with sandbox() as settings, silenced_stdout(), Pipeline(settings) as pipeline:
        cpu_began = time.process_time()
        for message in messages:
            began = time.perf_counter()
            pipeline.feed(message)
            costs.append(time.perf_counter() - began)
        cpu = time.process_time() - cpu_began
        incidents = len(collect()["incidents"])
    tenth = max(1, len(costs) // 10)
    return Timing(
        len(costs),
        incidents,
        1000 * mean(costs),
        1000 * cpu / len(costs),
        1000 * mean(costs[:tenth]),
        1000 * mean(costs[-tenth:]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs=2, default=[1000, 10000], metavar=("SMALL", "LARGE")
    )
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args(argv)
    corners = spaced_corners()
    print(f"{len(corners)} corners >= {GAP_M} m apart; reports within {SPAN_MIN} min", flush=True)
    timed_replay(
        synthetic_lines(30, corners, seed=args.seed)
    )  # warm-up: imports, gazetteer, first queries
    results = []
    for n in args.sizes:
        timing = timed_replay(synthetic_lines(n, corners, seed=args.seed))
        results.append(timing)
        print(
            f"{timing.reports:>6} reports, {timing.incidents:>4} open incidents: "
            f"{timing.per_report_ms:6.2f} ms/report "
            f"(cpu {timing.cpu_per_report_ms:.2f}; first tenth {timing.first_tenth_ms:.2f}, "
            f"last tenth {timing.last_tenth_ms:.2f})",
            flush=True,
        )
    ratio = results[1].per_report_ms / results[0].per_report_ms
    cpu_ratio = results[1].cpu_per_report_ms / results[0].cpu_per_report_ms
    verdict = "ok" if ratio <= MAX_RATIO else "TOO HIGH"
    print(
        f"ratio {args.sizes[1]}/{args.sizes[0]}: {ratio:.2f} (limit {MAX_RATIO}) {verdict}; "
        f"cpu ratio {cpu_ratio:.2f}"
    )
    return 0 if ratio <= MAX_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
