"""Write the county-wide labelled corpus the geocoder's confidence is fitted on.

Usage: python bench/make_geo_corpus.py [--out tests/core/geo_county_corpus.jsonl] [--n 700]

Places are sampled across both OpenStreetMap archives (la-core and la-outer) and the GeoNames
ZIPs of Los Angeles County, and their truth is computed by the corpus test's own reader of the
tiles (``tests/core/test_geo_corpus.py``: PMTiles directory and protobuf decoded by hand,
nothing shared with ``core.geo``). Texts are written the way residents write (Spanish,
English, articles, abbreviations, a swapped pair of letters, a city or ZIP after the corner),
plus texts with no place. Each place (its ``ref``) goes wholly to the ``fit`` part or the
``held`` part (one in three), so the held-out figures never see a place the fit saw.
Deterministic: the same seed writes the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.core.test_geo_corpus import GEODATA, _crossing, _tile, osm_truth  # noqa: E402

COUNTY = (33.70, -118.95, 34.82, -117.65)  # south, west, north, east (Catalina apart)
CATALINA = (33.30, -118.60, 33.48, -118.30)
ROAD = {"primary", "secondary", "tertiary", "minor", "trunk"}
POI_CLASSES = {"school", "park", "place_of_worship", "hospital", "library", "college", "town_hall"}
PLACE_CLASSES = {"suburb", "neighbourhood", "town", "city", "village"}
DIRS = {"North", "South", "East", "West"}
TYPES = {
    "Avenue": ["Ave", "Av", "Avenue", ""],
    "Street": ["St", "Street", ""],
    "Boulevard": ["Blvd", "Bl", "Boulevard", ""],
    "Road": ["Rd", "Road", ""],
    "Drive": ["Dr", "Drive", ""],
    "Highway": ["Hwy", ""],
}
CORNER_ES = [
    "la migra esta en la {a} y {b}",
    "{a} y {b}",
    "migra en {a} y {b}",
    "hay agentes en la esquina de {a} con {b}",
    "ICE en la {a} y la {b} ahorita",
    "{a} / {b}",
]
CORNER_EN = [
    "ICE at {a} and {b}",
    "{a} & {b}",
    "agents on {a} near {b}",
    "ICE raid {a} and {b} right now",
    "{a} at {b}",
]
POI_TEMPLATES = [
    "la migra esta en {p}",
    "ICE at {p}",
    "agentes afuera de {p}",
    "ICE outside {p} now",
]
PLACE_TEMPLATES = ["migra en {p}", "ICE in {p}", "hay migra en {p}", "ICE raid in {p} right now"]
ZIP_TEMPLATES = ["{z}", "ICE en {z}", "migra en el {z}", "zip {z}", "{z}."]
NONE_PARTS = [
    "hay agentes",
    "ICE agents everywhere",
    "be careful",
    "3 camionetas blancas",
    "they took my neighbour",
    "ya se fueron",
    "are they still there",
    "gracias",
    "estoy en el trabajo",
    "los niños están en la escuela",
    "meeting at 7",
    "call me later",
    "5 vans",
    "they have vests",
    "se llevaron a dos",
    "please help",
    "unmarked cars",
    "no salgan",
    "tengan cuidado",
    "stay inside",
]


def _tile_of(lat: float, lon: float, z: int = 14) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _say(name: str, rng: random.Random) -> str:
    """A street as a resident writes it: no direction, its type shortened or dropped."""
    words = name.split()
    if len(words) > 1 and words[0] in DIRS:
        words = words[1:]
    if len(words) > 1 and words[-1] in TYPES:
        words[-1] = rng.choice(TYPES[words[-1]])
    return " ".join(w for w in words if w)


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    k = rng.randrange(1, len(w) - 2)
    words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
    return " ".join(words)


def _zip_rows() -> list[tuple[str, str, float, float]]:
    rows = []
    with (GEODATA / "geonames_us_postal_codes.txt").open(encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if f[5] == "Los Angeles" and f[9]:
                rows.append((f[1], f[2], float(f[9]), float(f[10])))
    return rows


def _layers(lat: float, lon: float) -> tuple[str, dict] | None:
    x, y = _tile_of(lat, lon)
    try:
        return f"14/{x}/{y}", _tile(14, x, y)
    except AssertionError:
        return None


def _corners(tile: str, layers: dict, rng: random.Random) -> list[tuple[str, str, str]]:
    """``(name a, name b, ref)`` of crossings whose points in the tile agree within ~60 m."""
    lines: dict[str, list] = {}
    for props, parts in layers.get("transportation_name", []):
        name = props.get("name:latin")
        if name and props.get("class") in ROAD and not re.search(r"\d{3,}|Ramp|Alley", name):
            lines.setdefault(name, []).extend(parts)
    names = sorted(lines)
    rng.shuffle(names)
    out = []
    for i, a in enumerate(names[:12]):
        for b in names[i + 1 : 12]:
            if _say(a, random.Random(0)).split()[0] == _say(b, random.Random(0)).split()[0]:
                continue
            pts = [c for pa in lines[a] for pb in lines[b] for c in _crossing(pa, pb)]
            if not pts:
                continue
            lat, lon = statistics.mean(p[0] for p in pts), statistics.mean(p[1] for p in pts)
            if max(abs(p[0] - lat) + abs(p[1] - lon) for p in pts) < 0.0006:
                out.append((a, b, f"osm-corner:{a}|{b}@{tile}"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(REPO / "tests" / "core" / "geo_county_corpus.jsonl"))
    ap.add_argument("--n", type=int, default=700)
    ap.add_argument("--seed", type=int, default=20)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    cases: list[dict] = []
    seen: set[str] = set()

    def add(text: str, ref: str, tol: int, lang: str) -> None:
        kind, _, arg = ref.partition(":")
        truth = None
        if kind.startswith("osm-"):
            lat, lon = osm_truth(kind, arg)
            truth = {"lat": round(lat, 6), "lon": round(lon, 6)}
        elif kind == "zip":
            lat, lon = zips_by_code[arg]
            truth = {"lat": lat, "lon": lon}
        cases.append({"text": text, "ref": ref, "truth": truth, "tol_m": tol, "lang": lang})

    zip_rows = _zip_rows()
    zips_by_code = {z: (lat, lon) for z, _p, lat, lon in zip_rows}
    budget = {"corner": int(args.n * 0.5), "poi": int(args.n * 0.12), "place": int(args.n * 0.1)}
    got = dict.fromkeys(budget, 0)
    tries = 0
    while any(got[k] < budget[k] for k in budget) and tries < 20_000:
        tries += 1
        box = CATALINA if rng.random() < 0.03 else COUNTY
        lat = rng.uniform(box[0], box[2])
        lon = rng.uniform(box[1], box[3])
        found = _layers(lat, lon)
        if found is None:
            continue
        tile, layers = found
        if got["corner"] < budget["corner"]:
            for a, b, ref in _corners(tile, layers, rng)[:1]:
                if ref in seen:
                    continue
                seen.add(ref)
                for k in range(2):
                    es = rng.random() < 0.5
                    text = rng.choice(CORNER_ES if es else CORNER_EN).format(
                        a=_say(a, rng), b=_say(b, rng)
                    )
                    if k == 1 and rng.random() < 0.4:
                        text = _typo(text, rng)
                    got["corner"] += 1
                    add(text, ref, 300, "es" if es else "en")
        if got["poi"] < budget["poi"]:
            pois = sorted(
                {
                    p.get("name:latin")
                    for p, _parts in layers.get("poi", [])
                    if p.get("class") in POI_CLASSES
                    and p.get("name:latin")
                    and len(p["name:latin"].split()) >= 2
                }
            )
            if pois:
                name = rng.choice(pois)
                ref = f"osm-poi:{name}@{tile}"
                if ref not in seen:
                    seen.add(ref)
                    got["poi"] += 1
                    add(rng.choice(POI_TEMPLATES).format(p=name), ref, 400, "es")
        if got["place"] < budget["place"]:
            places = sorted(
                {
                    (p.get("name:latin"), p.get("class"))
                    for p, _parts in layers.get("place", [])
                    if p.get("class") in PLACE_CLASSES and p.get("name:latin")
                }
            )
            if places:
                name, cls = rng.choice(places)
                ref = f"osm-place:{name}@{tile}"
                if ref not in seen:
                    seen.add(ref)
                    got["place"] += 1
                    tol = 4_000 if cls in ("city", "town") else 2_500
                    add(rng.choice(PLACE_TEMPLATES).format(p=name), ref, tol, "es")
    for z, _place, _lat, _lon in rng.sample(zip_rows, int(args.n * 0.1)):
        add(rng.choice(ZIP_TEMPLATES).format(z=z), f"zip:{z}", 2_500, "es")
    for _ in range(int(args.n * 0.15)):
        text = " ".join(rng.sample(NONE_PARTS, rng.choice((1, 2, 3))))
        add(text, "none", 0, "es")
    for c in cases:
        h = int(hashlib.sha256(c["ref"].encode()).hexdigest(), 16)
        c["split"] = "held" if c["ref"] != "none" and h % 3 == 0 else "fit"
        if c["ref"] == "none":
            c["split"] = (
                "held"
                if int(hashlib.sha256(c["text"].encode()).hexdigest(), 16) % 3 == 0
                else "fit"
            )
    with open(args.out, "w", encoding="utf-8") as fh:
        for c in cases:
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"{args.out}: {len(cases)} texts, {got}, tries {tries}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
