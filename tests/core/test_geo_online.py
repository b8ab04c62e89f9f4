"""The online geocoder is exercised with a fake geopy geocoder: no network in tests."""

from types import SimpleNamespace

import pytest

from core.geo import Geocoder
from core.geo.online import OnlineGeocoder, extract_address, make_online_geocoder


class FakeGeopy:
    def __init__(self, answer=(33.9770, -118.2250), error=None):
        self.queries = []
        self.answer, self.error = answer, error

    def geocode(self, query, exactly_one=True, timeout=None):
        self.queries.append(query)
        if self.error:
            raise self.error
        if self.answer is None:
            return None
        return SimpleNamespace(latitude=self.answer[0], longitude=self.answer[1], address="x")


def test_address_is_looked_up_and_cached():
    fake = FakeGeopy()
    g = Geocoder(online=fake)
    r = g.geocode("ICE at 6500 Pacific Blvd, Huntington Park, they took my neighbour")
    assert (r.source, r.kind, r.matched) == ("online", "address", "6500 pacific blvd")
    assert fake.queries == ["6500 pacific blvd, Huntington Park, Los Angeles County, CA, USA"]
    g.geocode("ICE at 6500 Pacific Blvd, Huntington Park")
    assert len(fake.queries) == 1  # second report of the same raid: from the cache


def test_only_the_address_leaves_the_machine():
    fake = FakeGeopy()
    Geocoder(online=fake).geocode("Maria Lopez 323-555-0101 says 2520 Tweedy Blvd")
    assert fake.queries and "maria" not in fake.queries[0].lower() and "555" not in fake.queries[0]


def test_offline_corner_wins_and_texts_without_address_are_not_sent():
    fake = FakeGeopy()
    g = Geocoder(online=fake)
    assert g.geocode("Pacific y Florence").source == "gazetteer"
    assert g.geocode("hola") is None and g.geocode("ICE in South Gate").kind == "city"
    assert fake.queries == []


@pytest.mark.parametrize(
    "fake",
    [
        FakeGeopy(error=TimeoutError()),
        FakeGeopy(answer=None),
        FakeGeopy(answer=(40.7, -74.0)),
        FakeGeopy(answer=("x", "y")),
    ],
)
def test_failures_and_far_answers_fall_back_offline(fake):
    r = Geocoder(online=fake).geocode("6500 Pacific Blvd 90255")
    # The offline answer: the house-number data's estimate, else the ZIP.
    assert r.source == "gazetteer" and r.kind in ("address", "zip")
    assert fake.queries  # the estimate was not sure enough to skip the service


def test_extract_address():
    words = {"pacific", "tweedy", "gage"}
    assert extract_address("en 2520 tweedy ahorita", words) == "2520 tweedy"
    assert extract_address("6500 Pacific Blvd.", words) == "6500 pacific blvd"
    for text in ("they took 12000 dollars", "3 vans", "the 710 freeway", "call 3235551234"):
        assert extract_address(text, words) is None


def test_make_online_geocoder():
    assert make_online_geocoder("") is None
    assert OnlineGeocoder.from_setting("") is None
    assert isinstance(make_online_geocoder("nominatim"), OnlineGeocoder)  # builds, sends nothing
    with pytest.raises(ValueError):
        make_online_geocoder("googel")
