"""Accuracy of the offline geocoder over a labelled corpus of resident texts.

Each line of ``geo_corpus.jsonl`` is ``{"text", "ref", "truth": {"lat","lon"} | null, "tol_m"}``.
``ref`` says where the truth comes from, straight from the raw public data and never from the
geocoder: ``corner:A|B[@lat,lon]`` is the median of the transit stops named after both
streets (clustered at 300 m; the cluster nearest the given point, else the region centre),
``station:NAME`` the rail station, ``landmark:NAME`` the named stop, ``zip:Z`` the GeoNames
centroid, ``city:NAME=Z1,Z2`` the mean of those ZIP centroids, ``none`` no place at all.
"""

from __future__ import annotations

import csv
import functools
import json
import re
import statistics
from pathlib import Path

import pytest

from core.geo import get_default_geocoder, haversine_m

HERE = Path(__file__).parent
CORPUS = HERE / "geo_corpus.jsonl"
GEODATA = HERE.parent.parent.parent / "shared" / "geodata"
CENTRE = (33.96, -118.21)


def load_corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# --- truth from the raw data (independent of core.geo's parsing) ---------------------------


def _stops() -> list[tuple[str, float, float, str]]:
    files = [GEODATA / "lametro_bus_stops.txt", GEODATA / "lametro_rail_stops.txt"]
    files += sorted((GEODATA / "municipal_gtfs_stops").glob("*_stops.txt"))
    out = []
    for path in files:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                out.append(
                    (
                        r["stop_name"],
                        float(r["stop_lat"]),
                        float(r["stop_lon"]),
                        r.get("location_type") or "0",
                    )
                )
    return out


def _clusters(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    groups: list[list[tuple[float, float]]] = []
    for p in points:
        near = [g for g in groups if any(haversine_m(*p, *q) <= 300 for q in g)]
        groups = [g for g in groups if all(g is not n for n in near)] + [
            [p] + [q for g in near for q in g]
        ]
    return [
        (statistics.median(q[0] for q in g), statistics.median(q[1] for q in g)) for g in groups
    ]


_SUFFIX = re.compile(
    r"(\s+(ave|avenue|st|street|blvd|bl|boulevard|hwy|highway|rd|road|dr|jr)\.?)+$", re.I
)


@functools.cache
def _corner_parts(stop_name: str) -> frozenset[str]:
    """{"pacific", "florence"} for "Pacific / Florence", "Florence Ave & Pacific Blvd" or a
    station entrance, "Florence Station - Florence & Graham Entrance"."""
    entrance = re.search(r" - (.+&.+?) (?:Main )?(?:Entrance|Elevator)", stop_name)
    stop_name = entrance.group(1) if entrance else stop_name
    parts = re.split(r"\s*/\s*|\s*&\s*|\s+and\s+", re.sub(r"\(.*?\)", "", stop_name), flags=re.I)
    parts = [_SUFFIX.sub("", re.sub(r"^[NSEW]\s+", "", p.strip())).lower() for p in parts]
    return frozenset(parts) if len(parts) == 2 else frozenset()


def truth_of(ref: str, stops: list) -> tuple[float, float] | None:
    """Coordinates a ``ref`` denotes, computed from the raw files in ../shared/geodata."""
    kind, _, arg = ref.partition(":")
    if kind == "none":
        return None
    if kind == "corner":
        names, _, hint = arg.partition("@")
        want = frozenset(n.lower() for n in names.split("|"))
        pts = [(la, lo) for name, la, lo, _t in stops if _corner_parts(name) == want]
        target = tuple(map(float, hint.split(","))) if hint else CENTRE
        return min(_clusters(pts), key=lambda c: haversine_m(*target, *c))
    if kind in ("station", "landmark"):
        want = f"{arg} Station" if kind == "station" else arg
        pts = [(la, lo) for name, la, lo, t in stops if name.strip() == want and t in ("0", "1")]
        return statistics.median(p[0] for p in pts), statistics.median(p[1] for p in pts)
    zips = arg.split("=")[-1].split(",")
    rows = {}
    with (GEODATA / "geonames_us_postal_codes.txt").open(encoding="utf-8") as fh:
        for line in fh:
            f = line.split("\t")
            if f[4] == "CA" and f[1] in zips:
                rows[f[1]] = (float(f[9]), float(f[10]))
    return statistics.mean(rows[z][0] for z in zips), statistics.mean(rows[z][1] for z in zips)


# --- tests ---------------------------------------------------------------------------------


def test_corpus_is_large_and_mixed():
    corpus = load_corpus()
    assert len(corpus) >= 150
    assert sum(c["truth"] is None for c in corpus) >= 30
    kinds = {c["ref"].split(":")[0] for c in corpus}
    assert {"corner", "station", "zip", "city", "none"} <= kinds


def test_no_place_texts_never_get_a_place():
    geocoder = get_default_geocoder()
    wrong = [(c["text"], geocoder.geocode(c["text"])) for c in load_corpus() if c["truth"] is None]
    assert [w for w in wrong if w[1] is not None] == []


def test_accuracy_over_corpus():
    geocoder = get_default_geocoder()
    corpus = [c for c in load_corpus() if c["truth"] is not None]
    misses = []
    for c in corpus:
        r = geocoder.geocode(c["text"])
        if (
            r is None
            or haversine_m(r.lat, r.lon, c["truth"]["lat"], c["truth"]["lon"]) > c["tol_m"]
        ):
            misses.append((c["text"], r and r.matched))
    share = 1 - len(misses) / len(corpus)
    assert share >= 0.95, f"{share:.1%} within tolerance; misses: {misses}"


@pytest.mark.skipif(not GEODATA.is_dir(), reason="raw geodata not available")
def test_truth_comes_from_raw_data():
    stops = _stops()
    truths: dict[str, tuple[float, float] | None] = {}
    for c in load_corpus():
        if c["ref"] not in truths:
            truths[c["ref"]] = truth_of(c["ref"], stops)
        expected = truths[c["ref"]]
        if expected is None:
            assert c["truth"] is None, c
        else:
            got = (c["truth"]["lat"], c["truth"]["lon"])
            assert haversine_m(*expected, *got) < 5, c
