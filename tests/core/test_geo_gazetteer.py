import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.geo import Geocoder, nearest_zip, zip_centroid
from core.geo.gazetteer import DATA_FILE, load_gazetteer

REPO = Path(__file__).resolve().parents[2]
GEODATA = REPO.parent / "shared" / "geodata"
PMTILES = GEODATA / "osm" / "la-core.pmtiles"
BUILD = [sys.executable, str(REPO / "scripts" / "build_gazetteer.py")]


def test_shipped_file_is_small_and_attributed():
    assert DATA_FILE.stat().st_size < 10_000_000
    attribution = (DATA_FILE.parent / "ATTRIBUTION.md").read_text()
    assert "GeoNames" in attribution and "CC BY 4.0" in attribution
    assert "© OpenStreetMap contributors" in attribution and "ODbL" in attribution


def test_shipped_file_covers_the_county_core():
    gaz = load_gazetteer()
    s, w, n, e = gaz.extent
    assert s < 33.75 and n > 34.3 and w < -118.65 and e > -117.95
    assert len(gaz.corners) > 100_000


def test_zip_centroid_and_nearest_zip():
    lat, lon = zip_centroid("90255")
    assert abs(lat - 33.977) < 0.01 and abs(lon + 118.216) < 0.01
    assert zip_centroid("00000") is None
    assert zip_centroid("10001") is None  # New York: not in the covered area
    assert nearest_zip(33.9747, -118.2253) in {"90255", "90001"}
    assert nearest_zip(33.946, -118.201) == "90280"
    assert nearest_zip(0.0, 0.0) is None


def test_po_box_zips_never_win_nearest():
    gaz = load_gazetteer()
    assert "90202" in gaz.zips and "90202" not in gaz.residential_zips  # Bell PO boxes
    assert nearest_zip(33.9775, -118.187) != "90202"


def test_one_corner_one_point():
    gaz = load_gazetteer()
    points = gaz.corners[("florence", "pacific")]
    hp = [p for p in points if abs(p.lat - 33.9747) < 0.01 and abs(p.lon + 118.2253) < 0.01]
    (point,) = hp  # five Metro stops and OSM's crossing folded into one point
    assert point.weight >= 4
    assert abs(point.lat - 33.9747) < 0.001 and abs(point.lon + 118.2253) < 0.001


def test_dual_carriageways_and_halves_fold_into_one_corner():
    # OSM draws Sherman Way and Van Nuys Blvd with two carriageways each and names them
    # "East/West ..." on either side: still one corner.
    gaz = load_gazetteer()
    points = gaz.corners[("sherman", "van nuys")]
    near = [p for p in points if abs(p.lat - 34.2012) < 0.01 and abs(p.lon + 118.4487) < 0.01]
    assert len(near) == 1


def _build(tmp_path: Path, name: str, *extra: str) -> Path:
    out = tmp_path / name
    subprocess.run(
        [*BUILD, str(GEODATA), "--out", str(out), *extra],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


@pytest.mark.skipif(not PMTILES.is_file(), reason="raw geodata not available")
def test_build_is_reproducible_and_matches_the_shipped_file(tmp_path):
    pytest.importorskip("pmtiles")
    pytest.importorskip("mapbox_vector_tile")
    box = "33.965,-118.235,33.985,-118.215"  # a few tiles of Huntington Park
    a = _build(tmp_path, "a.json.gz", "--bbox", box)
    b = _build(tmp_path, "b.json.gz", "--bbox", box)
    assert a.read_bytes() == b.read_bytes()  # byte-identical for the same input
    small = load_gazetteer(a)
    shipped = load_gazetteer()
    assert small.extent == (33.965, -118.235, 33.985, -118.215)
    # Corners well inside the box are in the shipped file, at the same point.
    checked = 0
    for key in ("pacific", "miles", "seville", "florence"):
        for other, points in small.corners.of(key).items():
            pair = (key, other) if key < other else (other, key)
            for p in points:
                if 33.97 < p.lat < 33.98 and -118.23 < p.lon < -118.22:
                    assert p in shipped.corners[pair], (pair, p)
                    checked += 1
    assert checked >= 10
    # And it is usable as is: AVISA_GAZETTEER points a geocoder at it.
    r = Geocoder(gazetteer=small).geocode("Pacific y Florence")
    assert r is not None and r.kind == "corner"


def test_build_from_stops_and_zips_only(tmp_path):
    stops = tmp_path / "stops.txt"
    stops.write_text(
        "stop_id,stop_name,stop_lat,stop_lon\n"
        "1,Main St / Elm St,40.0000,-75.0000\n"
        "2,Elm St & Main St,40.0003,-75.0002\n"
        "3,Oak Ave / Elm St,40.0100,-75.0000\n",
        encoding="utf-8",
    )
    zips = tmp_path / "zips.txt"
    zips.write_text(
        "US\t19001\tAbington\tPennsylvania\tPA\tMontgomery\t091\t\t\t40.0000\t-75.0100\t4\n"
        "US\t60601\tChicago\tIllinois\tIL\tCook\t031\t\t\t41.8858\t-87.6181\t4\n",
        encoding="utf-8",
    )
    out = tmp_path / "g.json.gz"
    subprocess.run(
        [*BUILD, "--stops", str(stops), "--postal", str(zips), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = json.loads(gzip.decompress(out.read_bytes()))
    assert data["version"] == 3 and data["zips"][0][0] == "19001"
    g = Geocoder(gazetteer=load_gazetteer(out), region=None)
    r = g.geocode("ICE at Main and Elm")
    assert r is not None and abs(r.lat - 40.0) < 0.001
    assert g.geocode("migra en 19001").kind == "zip"
    assert g.geocode("migra en 60601").lat > 41


def test_build_from_an_osm_extract(tmp_path):
    pytest.importorskip("osmium")
    osm = tmp_path / "town.osm"
    osm.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="45.000" lon="-93.000"/>
  <node id="2" lat="45.001" lon="-93.000"/>
  <node id="3" lat="45.002" lon="-93.000"/>
  <node id="4" lat="45.001" lon="-93.001"/>
  <node id="5" lat="45.001" lon="-92.999"/>
  <node id="6" lat="45.0012" lon="-92.9995">
    <tag k="name" v="Mercado Central"/><tag k="shop" v="supermarket"/>
  </node>
  <node id="7" lat="45.0011" lon="-93.0002">
    <tag k="addr:housenumber" v="1200"/><tag k="addr:street" v="Lake Street"/>
  </node>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="primary"/><tag k="name" v="Bloomington Avenue"/></way>
  <way id="11"><nd ref="4"/><nd ref="2"/><nd ref="5"/>
    <tag k="highway" v="residential"/><tag k="name" v="East Lake Street"/></way>
</osm>
""",
        encoding="utf-8",
    )
    out = tmp_path / "g.json.gz"
    subprocess.run(
        [*BUILD, "--osm", str(osm), "--out", str(out)], check=True, capture_output=True, timeout=120
    )
    g = Geocoder(gazetteer=load_gazetteer(out))
    r = g.geocode("ICE at Bloomington and Lake")
    assert r is not None and (round(r.lat, 3), round(r.lon, 3)) == (45.001, -93.0)
    assert g.geocode("la migra en el Mercado Central").kind == "place"
    assert g.geocode("1200 Lake St").kind == "address"
