import pytest

from core.geo import Region


def test_default_is_southeast_la():
    r = Region.parse("")
    assert r.contains(33.9747, -118.2253)  # Pacific / Florence, Huntington Park
    assert not r.contains(34.0522, -117.5)  # Ontario
    assert r == Region.parse(None) == Region()


def test_circle_lat_lon_radius_km():
    r = Region.parse("33.96,-118.21,10")
    assert r.radius_m == 10_000
    assert r.contains(33.93, -118.18)
    assert not r.contains(34.10, -118.21)


def test_box_south_west_north_east():
    r = Region.parse("33.9, -118.3, 34.0, -118.1")
    assert r.contains(33.95, -118.2)
    assert not r.contains(34.05, -118.2)
    assert r.box == (33.9, -118.3, 34.0, -118.1)


@pytest.mark.parametrize(
    "bad", ["abc", "1,2", "1,2,3,4,5", "34,-118,-5", "34,-118,33,-117", "95,0,5"]
)
def test_bad_region_strings_raise(bad):
    with pytest.raises(ValueError):
        Region.parse(bad)


def test_distance_penalty_is_zero_inside_and_grows_outside():
    r = Region.parse("33.96,-118.21,10")
    assert r.distance_penalty(33.96, -118.21) == 0
    near, far = r.distance_penalty(34.10, -118.21), r.distance_penalty(34.50, -118.21)
    assert 0 < near < far
