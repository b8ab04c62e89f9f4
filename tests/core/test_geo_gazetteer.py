import gzip
import json
from pathlib import Path

import pytest

from core.geo import nearest_zip, zip_centroid
from core.geo.gazetteer import DATA_FILE, load_gazetteer

REPO = Path(__file__).resolve().parents[2]
GEODATA = REPO.parent / "shared" / "geodata"


def test_shipped_file_is_small_and_attributed():
    assert DATA_FILE.stat().st_size < 3_000_000
    attribution = (DATA_FILE.parent / "ATTRIBUTION.md").read_text()
    assert "GeoNames" in attribution and "CC BY 4.0" in attribution


def test_zip_centroid_and_nearest_zip():
    lat, lon = zip_centroid("90255")
    assert abs(lat - 33.977) < 0.01 and abs(lon + 118.216) < 0.01
    assert zip_centroid("00000") is None
    assert zip_centroid("10001") is None  # New York: not in the region
    assert nearest_zip(33.9747, -118.2253) in {"90255", "90001"}
    assert nearest_zip(33.946, -118.201) == "90280"
    assert nearest_zip(0.0, 0.0) is None


def test_po_box_zips_never_win_nearest():
    gaz = load_gazetteer()
    assert "90202" in gaz.zips and "90202" not in gaz.residential_zips  # Bell PO boxes
    assert nearest_zip(33.9775, -118.187) != "90202"


def test_one_corner_one_point():
    gaz = load_gazetteer()
    (point,) = gaz.corners[("florence", "pacific")]
    assert point.weight >= 4  # five Metro stops folded into one cluster
    assert abs(point.lat - 33.9747) < 0.001 and abs(point.lon + 118.2253) < 0.001


@pytest.mark.skipif(not GEODATA.is_dir(), reason="raw geodata not available")
def test_build_script_reproduces_the_shipped_file(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "g.json.gz"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "build_gazetteer.py"),
            str(GEODATA),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    rebuilt = json.loads(gzip.decompress(out.read_bytes()))
    shipped = json.loads(gzip.decompress(DATA_FILE.read_bytes()))
    assert rebuilt["corners"] == shipped["corners"]
    assert rebuilt["stations"] == shipped["stations"]
