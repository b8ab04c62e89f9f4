"""The geocoder's confidence is measured: fitted on the county corpus, checked on its held-out
part (``bench/calibrate_geo.py`` prints the same figures; ``bench/README.md`` records them)."""

import json
import sys
from pathlib import Path

import pytest

from core.geo import Geocoder
from core.geo.calibration import CALIBRATION_FILE, Calibration, fit, load_calibration
from tests.core.test_geo_corpus import GEODATA, osm_truth, truth_of

HERE = Path(__file__).parent
CORPUS = HERE / "geo_county_corpus.jsonl"
sys.path.insert(0, str(HERE.parent.parent / "bench"))

from calibrate_geo import figures, readings  # noqa: E402


def load() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def test_corpus_is_county_wide_and_split_by_place():
    corpus = load()
    assert len(corpus) >= 500
    held = [c for c in corpus if c["split"] == "held"]
    assert 0.25 <= len(held) / len(corpus) <= 0.45
    fit_refs = {c["ref"] for c in corpus if c["split"] == "fit" and c["ref"] != "none"}
    assert not fit_refs & {c["ref"] for c in held}  # no place on both sides
    lats = [c["truth"]["lat"] for c in corpus if c["truth"]]
    assert min(lats) < 33.9 and max(lats) > 34.6  # the harbour to the Antelope Valley
    kinds = {c["ref"].split(":")[0] for c in corpus}
    assert {"osm-corner", "osm-poi", "osm-place", "zip", "none"} <= kinds


@pytest.mark.skipif(not GEODATA.is_dir(), reason="raw geodata not available")
def test_truth_comes_from_raw_data():
    stops: list = []
    for c in load()[::25]:  # a sample: the reader decodes each tile by hand
        kind, _, arg = c["ref"].partition(":")
        if kind == "none":
            assert c["truth"] is None
            continue
        lat, lon = osm_truth(kind, arg) if kind.startswith("osm-") else truth_of(c["ref"], stops)
        assert abs(lat - c["truth"]["lat"]) < 1e-5 and abs(lon - c["truth"]["lon"]) < 1e-5, c


def test_held_out_figures():
    rows = [r for r in readings(load()) if r[0]["split"] == "held"]
    f = figures(rows, load_calibration(), 0.5)
    assert f["sure"] >= 200 and f["sure_right"] >= 0.99
    assert f["ece"] <= 0.05
    assert f["placed"] >= 0.8 and f["no_place_placed"] == 0


def test_the_shipped_curves_are_the_fit_of_the_corpus():
    rows = [r for r in readings(load()) if r[0]["split"] == "fit" and r[1] is not None]
    curves = fit((kind, raw, right) for _c, kind, raw, right in rows)
    shipped = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))["curves"]
    assert curves == shipped  # rerun bench/calibrate_geo.py --write after changing the geocoder


def test_calibration_is_monotone_and_bounded():
    cal = load_calibration()
    for kind in ("corner", "place", "city", "zip", "station", "address", "block"):
        values = [cal(kind, x / 100) for x in range(101)]
        assert values == sorted(values) and 0 <= values[0] and values[-1] <= 1


def test_fit_pools_ties_and_doubts_short_runs():
    curves = fit(
        [("corner", 0.5, False)] + [("corner", 0.5, True)] * 9 + [("corner", 0.9, True)] * 3
    )
    ((x0, y0), (x1, y1)) = curves["fine"]
    assert (x0, x1) == (0.5, 0.9) and 0.8 < y0 < 0.9 and y0 <= y1 < 1
    assert Calibration()("corner", 0.42) == 0.42  # no curves: the raw score
    assert (
        Geocoder(calibration=Calibration({"fine": ((0.0, 0.1), (1.0, 0.2))})).geocode(
            "Pacific y Florence"
        )
        is None
    )  # below the threshold once calibrated
