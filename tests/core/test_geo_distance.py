import math

import pytest

from core.geo import bounding_box, haversine_m


def test_haversine_known_distance():
    # Pacific / Florence to Atlantic / Imperial: about 5.8 km.
    d = haversine_m(33.9747, -118.2253, 33.9309, -118.1837)
    assert 5_500 < d < 6_300


def test_haversine_zero_and_symmetry():
    assert haversine_m(33.96, -118.21, 33.96, -118.21) == 0
    a = haversine_m(33.9, -118.1, 34.1, -118.3)
    assert a == pytest.approx(haversine_m(34.1, -118.3, 33.9, -118.1))


def test_one_degree_of_latitude_is_about_111_km():
    assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195, rel=1e-3)


def test_antipodes_do_not_overflow():
    assert haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * 6_371_008.8, rel=1e-6)


def test_bounding_box_contains_the_circle():
    lat, lon, r = 33.96, -118.21, 5_000
    s, w, n, e = bounding_box(lat, lon, r)
    assert s < lat < n and w < lon < e
    for blat, blon in ((n, lon), (s, lon), (lat, e), (lat, w)):
        assert haversine_m(lat, lon, blat, blon) >= r * 0.999


def test_bounding_box_near_pole_is_finite():
    s, w, n, e = bounding_box(89.99, 0, 10_000)
    assert n <= 90 and math.isfinite(w) and math.isfinite(e)
