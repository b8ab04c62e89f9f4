"""Time the offline geocoder per text over the labelled corpus.

Usage: python bench/geocode.py [--rounds N] [--corpus tests/core/geo_corpus.jsonl]
[--gazetteer PATH]

Prints the one-off load time (reading and indexing the gazetteer) and the process's memory
(peak RSS) after it; then, taking for each
corpus text the median time of one ``geocode(text)`` over ``--rounds`` rounds, the median, p95
and maximum of those over the corpus; the corpus accuracy (share within tolerance, places
wrongly given to no-place texts); and the slowest hostile input (walls of street names, emoji,
digits: tests/core/test_geo_geocoder.py checks they are safe, this bounds them at 100 ms).
Exits 1 when a hostile input is over its bound.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core.geo import Geocoder, haversine_m  # noqa: E402
from core.geo.gazetteer import load_gazetteer  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--corpus", default=str(REPO / "tests" / "core" / "geo_corpus.jsonl"))
    ap.add_argument("--gazetteer", default=None, help="a built gazetteer (default: shipped)")
    args = ap.parse_args(argv)
    corpus = [
        json.loads(line)
        for line in Path(args.corpus).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    geocoder = Geocoder(gazetteer=load_gazetteer(args.gazetteer))
    geocoder.geocode("warm up")
    load_ms = (time.perf_counter() - t0) * 1000
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    first = []
    for case in corpus:  # first calls: each street's corners are parsed on first use
        start = time.perf_counter()
        geocoder.geocode(case["text"])
        first.append((time.perf_counter() - start) * 1000)
    first.sort()

    # Per text, the median of its rounds (so one busy moment of the machine does not count
    # as a slow text); then the distribution of those over the corpus.
    rounds: list[list[float]] = [[] for _ in corpus]
    for _ in range(args.rounds):
        for i, case in enumerate(corpus):
            start = time.perf_counter()
            geocoder.geocode(case["text"])
            rounds[i].append((time.perf_counter() - start) * 1000)
    times = sorted(statistics.median(r) for r in rounds)
    worst_call = max(max(r) for r in rounds)

    placed = [c for c in corpus if c["truth"]]
    hits = sum(_hit(geocoder.geocode(c["text"]), c) for c in placed)
    false_places = sum(geocoder.geocode(c["text"]) is not None for c in corpus if not c["truth"])
    print(
        f"load {load_ms:.0f} ms; peak RSS {rss:.0f} MB ({rss - rss0:.0f} MB for the gazetteer); "
        f"{len(corpus)} texts x {args.rounds} rounds"
    )
    print(
        f"first call per text: median {statistics.median(first):.3f} ms, "
        f"p95 {first[int(0.95 * (len(first) - 1))]:.3f} ms"
    )
    print(
        f"per text: median {statistics.median(times):.3f} ms, "
        f"p95 {times[int(0.95 * (len(times) - 1))]:.3f} ms, slowest text {times[-1]:.3f} ms "
        f"(slowest single call {worst_call:.1f} ms)"
    )
    print(
        f"accuracy {hits}/{len(placed)} = {hits / len(placed):.1%} within tolerance; "
        f"no-place texts given a place: {false_places}"
    )
    hostile = []
    for text in HOSTILE:
        geocoder.geocode(text)  # warm per-street caches
        start = time.perf_counter()
        geocoder.geocode(text)
        hostile.append(((time.perf_counter() - start) * 1000, text))
    slowest_ms, slowest_text = max(hostile)
    print(
        f"hostile input: slowest {slowest_ms:.1f} ms (bound {HOSTILE_BOUND_MS} ms) "
        f"for {slowest_text[:40]!r}…"
    )
    return 0 if slowest_ms < HOSTILE_BOUND_MS else 1


# Inputs built to be slow: a 1,600-character wall of street names is the worst case, ~30 ms on a
# busy 2-core machine.
HOSTILE = [
    "ICE en Pacific y Florence " + "x" * 1600,
    "migra " * 270,
    "🚨🚨 ICE 🚨 Van Nuys 🚨 Sherman Way 🚨" * 40,
    "1" * 1600,
    "90255 " * 260,
    "0123456789",
    "Home Depot",
    "home depot " * 150,
    "Walmart Target Ralphs Vons",
    "6500 " * 300,
    "entre entre y y entre",
]
HOSTILE_BOUND_MS = 100


def _hit(result, case) -> bool:
    truth = case["truth"]
    return (
        result is not None
        and haversine_m(result.lat, result.lon, truth["lat"], truth["lon"]) <= case["tol_m"]
    )


if __name__ == "__main__":
    raise SystemExit(main())
