"""Fit the geocoder's confidence on the county corpus, and measure it on the held-out part.

Usage: python bench/calibrate_geo.py [--write] [--corpus tests/core/geo_county_corpus.jsonl]

Reads the geocoder's raw scores (no calibration, no threshold) for every text; fits
``core.geo.calibration.fit`` on the ``fit`` part (a reading is right when within the text's
tolerance of the truth; any reading of a no-place text is wrong); with ``--write`` stores the
curves in ``core/geo/data/calibration.json``. Then, with those curves, on the ``held`` part:
the share right among readings of confidence ≥ 0.8, the expected calibration error (10
bins, weighted by readings), and the share of texts with a place that get one at the default
threshold.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core.geo import Geocoder, haversine_m  # noqa: E402
from core.geo.calibration import CALIBRATION_FILE, Calibration, fit  # noqa: E402
from core.geo.geocoder import MIN_CONFIDENCE  # noqa: E402


def readings(
    corpus: list[dict],
) -> list[tuple[dict, str, float, bool] | tuple[dict, None, None, None]]:
    """Per text: (case, kind, raw score, right?) or (case, None, None, None) when no reading."""
    raw = Geocoder(calibration=Calibration(), min_confidence=0.0)
    out: list = []
    for case in corpus:
        r = raw.geocode(case["text"])
        if r is None:
            out.append((case, None, None, None))
            continue
        t = case["truth"]
        right = t is not None and haversine_m(r.lat, r.lon, t["lat"], t["lon"]) <= case["tol_m"]
        out.append((case, r.kind, r.confidence, right))
    return out


def figures(rows: list, calibration: Calibration, threshold: float) -> dict[str, float]:
    """Held-out figures for calibrated readings at ``threshold``."""
    answered = [
        (calibration(kind, raw), right) for _c, kind, raw, right in rows if kind is not None
    ]
    sure = [right for conf, right in answered if conf >= 0.8]
    bins: dict[int, list[tuple[float, bool]]] = {}
    for conf, right in answered:
        bins.setdefault(min(9, int(conf * 10)), []).append((conf, right))
    ece = sum(
        abs(sum(c for c, _r in b) / len(b) - sum(r for _c, r in b) / len(b)) * len(b)
        for b in bins.values()
    ) / max(1, len(answered))
    with_place = [(c, kind, raw, right) for c, kind, raw, right in rows if c["truth"]]
    got = [x for x in with_place if x[1] is not None and calibration(x[1], x[2]) >= threshold]
    right_got = [x for x in got if x[3]]
    no_place = [x for x in rows if not x[0]["truth"]]
    false = [x for x in no_place if x[1] is not None and calibration(x[1], x[2]) >= threshold]
    return {
        "texts": len(rows),
        "sure": len(sure),
        "sure_right": sum(sure) / max(1, len(sure)),
        "ece": ece,
        "with_place": len(with_place),
        "placed": len(got) / max(1, len(with_place)),
        "placed_right": len(right_got) / max(1, len(with_place)),
        "no_place_placed": len(false),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REPO / "tests" / "core" / "geo_county_corpus.jsonl"))
    ap.add_argument("--write", action="store_true", help="store the fitted curves")
    args = ap.parse_args(argv)
    corpus = [json.loads(line) for line in Path(args.corpus).read_text().splitlines() if line]
    rows = readings(corpus)
    fit_rows = [r for r in rows if r[0]["split"] == "fit" and r[1] is not None]
    curves = fit((kind, raw, right) for _c, kind, raw, right in fit_rows)
    if args.write:
        CALIBRATION_FILE.write_text(
            json.dumps({"corpus": Path(args.corpus).name, "curves": curves}, indent=1) + "\n",
            encoding="utf-8",
        )
    calibration = Calibration({g: tuple((x, y) for x, y in pts) for g, pts in curves.items()})
    for part in ("fit", "held"):
        f = figures([r for r in rows if r[0]["split"] == part], calibration, MIN_CONFIDENCE)
        print(
            f"{part}: {f['texts']} texts; confidence >= 0.8: {f['sure']} readings, "
            f"{f['sure_right']:.1%} right; calibration error {f['ece']:.3f}; texts with a "
            f"place placed {f['placed']:.1%} (right {f['placed_right']:.1%}) of "
            f"{f['with_place']}; no-place texts placed {f['no_place_placed']}"
        )
    for group, pts in curves.items():
        print(group, " ".join(f"{x:.2f}->{y:.2f}" for x, y in pts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
