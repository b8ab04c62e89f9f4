"""Accuracy of the offline geocoder over a labelled corpus of resident texts.

Each line of ``geo_corpus.jsonl`` is ``{"text", "ref", "truth": {"lat","lon"} | null, "tol_m"}``.
``ref`` says where the truth comes from, straight from the raw public data and never from the
geocoder: ``corner:A|B[@lat,lon]`` is the median of the transit stops named after both
streets (clustered at 300 m; the cluster nearest the given point, else the region centre),
``station:NAME`` the rail station, ``landmark:NAME`` the named stop, ``zip:Z`` the GeoNames
centroid, ``city:NAME=Z1,Z2`` the mean of those ZIP centroids, ``none`` no place at all.

County-wide refs come from the OpenStreetMap tiles, read here by a decoder of our own (PMTiles
directory + protobuf wire format, below; nothing shared with ``core.geo.builder``):
``osm-corner:LINE A|LINE B@z/x/y`` the mean crossing point of the two lines named exactly so
in that tile; ``osm-poi:NAME@z/x/y`` the named place in that tile (``osm-place:`` a town or
neighbourhood point, at the zoom given); ``osm-house:N@z/x/y`` the
address point numbered N; ``osm-block:A|B@t1;A|C@t2`` the middle of the two corners.
"""

from __future__ import annotations

import csv
import functools
import gzip
import json
import math
import re
import statistics
from pathlib import Path

import pytest

from core.geo import get_default_geocoder, haversine_m

HERE = Path(__file__).parent
CORPUS = HERE / "geo_corpus.jsonl"
GEODATA = HERE.parent.parent.parent / "shared" / "geodata"
CENTRE = (33.96, -118.21)
PMTILES = GEODATA / "osm" / "la-core.pmtiles"
OUTER = GEODATA / "osm" / "la-outer.pmtiles"


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


# --- an independent reader of the OSM tiles ------------------------------------------------


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, i
        shift += 7


def _fields(buf: bytes):
    """(field number, wire type, value) of a protobuf message; bytes for length-delimited."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            val, i = _varint(buf, i)
        elif wt == 2:
            n, i = _varint(buf, i)
            val, i = buf[i : i + n], i + n
        elif wt == 5:
            val, i = buf[i : i + 4], i + 4
        elif wt == 1:
            val, i = buf[i : i + 8], i + 8
        else:
            raise ValueError(wt)
        yield num, wt, val


def _packed(buf: bytes) -> list[int]:
    out, i = [], 0
    while i < len(buf):
        v, i = _varint(buf, i)
        out.append(v)
    return out


def _tile_id(z: int, x: int, y: int) -> int:
    acc = sum(4**k for k in range(z))
    n, d, tx, ty = 2**z, 0, x, y
    s = n // 2
    while s > 0:
        rx, ry = int((tx & s) > 0), int((ty & s) > 0)
        d += s * s * ((3 * rx) ^ ry)
        if ry == 0:
            if rx == 1:
                tx, ty = s - 1 - tx, s - 1 - ty
            tx, ty = ty, tx
        s //= 2
    return acc + d


def _directory(raw: bytes) -> list[tuple[int, int, int, int]]:
    buf = gzip.decompress(raw)
    n, i = _varint(buf, 0)
    cols = []
    for _ in range(4):
        col = []
        for _ in range(n):
            v, i = _varint(buf, i)
            col.append(v)
        cols.append(col)
    ids, runs, lengths, offsets = cols
    out, tid = [], 0
    for k in range(n):
        tid += ids[k]
        off = offsets[k] - 1 if offsets[k] else out[-1][3] + out[-1][2]
        out.append((tid, runs[k], lengths[k], off))
    return out


def _raw_tile(path: Path, z: int, x: int, y: int) -> bytes | None:
    """The tile's decompressed bytes from one archive, None when it does not hold it."""
    with path.open("rb") as fh:

        def read(offset: int, length: int) -> bytes:
            fh.seek(offset)
            return fh.read(length)

        head = read(0, 127)
        assert head[:7] == b"PMTiles" and head[7] == 3
        u64 = [int.from_bytes(head[8 + 8 * k : 16 + 8 * k], "little") for k in range(7)]
        root_off, root_len, _mo, _ml, leaf_off, _ll, tile_off = u64
        want = _tile_id(z, x, y)
        entries = _directory(read(root_off, root_len))
        while True:
            below = [e for e in entries if e[0] <= want]
            if not below:
                return None
            hit = max(below, key=lambda e: e[0])
            if hit[1] == 0:  # a leaf directory
                entries = _directory(read(leaf_off + hit[3], hit[2]))
                continue
            if want >= hit[0] + hit[1]:
                return None
            return gzip.decompress(read(tile_off + hit[3], hit[2]))


@functools.cache
def _tile(z: int, x: int, y: int) -> dict[str, list[tuple[dict, list[list[tuple[float, float]]]]]]:
    """Layer name → [(properties, parts as (lat, lon) lists)] of one tile, from whichever of
    the two archives holds it (at zoom 8 and above exactly one does)."""
    raw = _raw_tile(PMTILES, z, x, y) or _raw_tile(OUTER, z, x, y)
    assert raw is not None, (z, x, y)
    layers = {}
    for num, _wt, layer in _fields(raw):
        if num == 3:
            name, keys, values, feats, extent = "", [], [], [], 4096
            for f, _w, v in _fields(layer):
                if f == 1:
                    name = v.decode()
                elif f == 3:
                    keys.append(v.decode())
                elif f == 4:
                    values.append(next((vv.decode() for ff, _, vv in _fields(v) if ff == 1), None))
                elif f == 2:
                    feats.append(v)
                elif f == 5:
                    extent = v
            if name in ("transportation_name", "poi", "housenumber", "place"):
                layers[name] = [_feature(ft, keys, values, extent, z, x, y) for ft in feats]
    return layers


def _feature(buf, keys, values, extent, z, x, y):
    tags, geom = [], []
    for f, _w, v in _fields(buf):
        if f == 2:
            tags = _packed(v)
        elif f == 4:
            geom = _packed(v)
    props = {keys[tags[k]]: values[tags[k + 1]] for k in range(0, len(tags), 2)}
    parts, cur, px, py, i = [], [], 0, 0, 0
    while i < len(geom):
        cmd, count = geom[i] & 7, geom[i] >> 3
        i += 1
        for _ in range(count if cmd != 7 else 0):
            dx, dy = geom[i], geom[i + 1]
            px += (dx >> 1) ^ -(dx & 1)
            py += (dy >> 1) ^ -(dy & 1)
            i += 2
            if cmd == 1 and cur:
                parts.append(cur)
                cur = []
            n = 2**z
            lon = (x + px / extent) / n * 360 - 180
            lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + py / extent) / n))))
            cur.append((lat, lon))
    if cur:
        parts.append(cur)
    return props, parts


def _crossing(a: list, b: list) -> list[tuple[float, float]]:
    out = []
    for p1, p2 in zip(a, a[1:], strict=False):
        for q1, q2 in zip(b, b[1:], strict=False):
            d = (p2[0] - p1[0]) * (q2[1] - q1[1]) - (p2[1] - p1[1]) * (q2[0] - q1[0])
            if d == 0:
                continue
            t = ((q1[0] - p1[0]) * (q2[1] - q1[1]) - (q1[1] - p1[1]) * (q2[0] - q1[0])) / d
            u = ((q1[0] - p1[0]) * (p2[1] - p1[1]) - (q1[1] - p1[1]) * (p2[0] - p1[0])) / d
            if 0 <= t <= 1 and 0 <= u <= 1:
                out.append((p1[0] + t * (p2[0] - p1[0]), p1[1] + t * (p2[1] - p1[1])))
    return out


def osm_truth(kind: str, arg: str) -> tuple[float, float]:
    """Coordinates of an ``osm-*`` ref, from the tiles."""
    if kind == "osm-block":
        a, b = (osm_truth("osm-corner", part) for part in arg.split(";"))
        return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    what, _, tile = arg.rpartition("@")
    z, x, y = (int(v) for v in tile.split("/"))
    layers = _tile(z, x, y)
    if kind == "osm-corner":
        name_a, name_b = what.split("|")
        lines = layers["transportation_name"]
        pa = [p for props, parts in lines if props.get("name:latin") == name_a for p in parts]
        pb = [p for props, parts in lines if props.get("name:latin") == name_b for p in parts]
        pts = [c for a in pa for b in pb for c in _crossing(a, b)]
    else:
        layer, field = {
            "osm-poi": ("poi", "name:latin"),
            "osm-place": ("place", "name:latin"),
            "osm-house": ("housenumber", "housenumber"),
        }[kind]
        pts = [parts[0][0] for props, parts in layers[layer] if props.get(field) == what]
    assert pts, (kind, arg)
    return statistics.mean(p[0] for p in pts), statistics.mean(p[1] for p in pts)


def truth_of(ref: str, stops: list) -> tuple[float, float] | None:
    """Coordinates a ``ref`` denotes, computed from the raw files in ../shared/geodata."""
    kind, _, arg = ref.partition(":")
    if kind == "none":
        return None
    if kind.startswith("osm-"):
        return osm_truth(kind, arg)
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
            if f[1] in zips:  # ZIPs are unique nationwide
                rows[f[1]] = (float(f[9]), float(f[10]))
    return statistics.mean(rows[z][0] for z in zips), statistics.mean(rows[z][1] for z in zips)


# --- tests ---------------------------------------------------------------------------------


def test_corpus_is_large_and_mixed():
    corpus = load_corpus()
    assert len(corpus) >= 150
    assert sum(c["truth"] is None for c in corpus) >= 30
    kinds = {c["ref"].split(":")[0] for c in corpus}
    assert {"corner", "station", "zip", "city", "none"} <= kinds
    # County-wide corners, landmarks, blocks and addresses from the OSM tiles
    assert {"osm-corner", "osm-poi", "osm-block", "osm-house"} <= kinds
    county = [c for c in corpus if c["ref"].startswith("osm-")]
    assert len(county) >= 45 and {c["lang"] for c in county} == {"en", "es"}


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
