"""The whole county: the Antelope Valley, Santa Clarita, the Pomona Valley, Malibu and Catalina
are read as the core is; every ZIP answers, typed alone too; a name qualified by a city means a
place inside it; LA's own words.

Reference points come from the raw data through the corpus test's own reader of the tiles
(``osm-corner:LINE A|LINE B@z/x/y``, ``osm-place:NAME@z/x/y``), never from ``core.geo``."""

import pytest

from core.geo import Geocoder, Region, get_default_geocoder, haversine_m
from core.geo.gazetteer import load_gazetteer
from tests.conftest import sms_form
from tests.core.test_geo_corpus import GEODATA, osm_truth

pytestmark = pytest.mark.skipif(not GEODATA.is_dir(), reason="raw geodata not available")


def osm(ref: str) -> tuple[float, float]:
    kind, _, arg = ref.partition(":")
    return osm_truth(kind, arg)


PALMDALE = "osm-place:Palmdale@12/704/1628"
LANCASTER = "osm-place:Lancaster@12/703/1626"
POMONA = "osm-place:Pomona@12/708/1635"
SANTA_CLARITA = "osm-place:Santa Clarita@14/2796/6523"
AVALON = "osm-place:Avalon@14/2806/6580"  # Catalina's town
PASADENA = "osm-place:Pasadena@10/175/408"
HAWTHORNE = "osm-place:Hawthorne@10/175/409"
I5_FLORENCE = "osm-corner:Santa Ana Freeway|Florence Avenue@14/2817/6548"
SEVENTH_ALAMEDA = "osm-corner:East 7th Street|South Alameda Street@14/2810/6542"
PACIFIC_FLORENCE = "osm-corner:Pacific Boulevard|East Florence Avenue@14/2811/6546"


@pytest.fixture(scope="module")
def geocoder():
    return get_default_geocoder()


def within(result, ref, metres):
    point = osm(ref) if isinstance(ref, str) else ref
    return result is not None and haversine_m(result.lat, result.lon, *point) <= metres


def test_the_gazetteer_covers_the_whole_county():
    s, w, n, e = load_gazetteer().extent
    assert s < 33.35 and n > 34.8 and w < -118.9 and e > -117.7


@pytest.mark.parametrize(
    ("text", "point", "kind"),
    [
        ("migra en Pomona", POMONA, "city"),
        ("migra en Palmdale", PALMDALE, "city"),  # not 18 km south, in the mountains
        ("ICE in Lancaster", LANCASTER, "city"),
        ("migra en Santa Clarita", SANTA_CLARITA, "city"),
        ("migra en Catalina", AVALON, "city"),
    ],
)
def test_outer_cities_are_their_own_points(geocoder, text, point, kind):
    r = geocoder.geocode(text)
    assert r is not None and r.kind == kind and within(r, point, 1_500), r


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("Garey y Mission", "osm-corner:East Mission Boulevard|South Garey Avenue@14/2833/6541"),
        ("ICE at Holt and Garey", "osm-corner:East Holt Avenue|North Garey Avenue@14/2833/6541"),
        (
            "migra en la Avenue K y 10th St W",
            "osm-corner:West Avenue K|10th Street West@14/2814/6507",
        ),
        ("Lyons y Railroad, Newhall", "osm-corner:Lyons Avenue|Railroad Avenue@14/2797/6523"),
        ("PCH y Malibu Canyon", "osm-corner:Pacific Coast Highway|Malibu Canyon Road@14/2789/6542"),
    ],
)
def test_outer_corners(geocoder, text, point):
    r = geocoder.geocode(text)
    assert r is not None and r.kind == "corner" and within(r, point, 300), r


@pytest.mark.parametrize(
    ("text", "zip5"),
    [("91766", "91766"), ("93534", "93534"), ("90704", "90704"), (" 93550. ", "93550")],
)
def test_a_zip_typed_alone_is_placed(geocoder, text, zip5):
    r = geocoder.geocode(text)
    assert r is not None and r.kind == "zip" and r.zip == zip5 and r.precision_m == 2000


def test_any_us_zip_typed_alone_is_placed(geocoder):
    r = geocoder.geocode("60601")
    assert r is not None and r.kind == "zip" and r.lat > 41
    assert geocoder.geocode("pagué 60601 pesos ayer") is None  # a number among words: no ZIP


def test_catalina_zip_is_the_nearest_zip_there(geocoder):
    assert load_gazetteer().nearest_zip(*osm(AVALON)) == "90704"  # Avalon's only ZIP: PO boxes


def test_bare_zip_answers_the_where_question(api, twilio_post, work):
    twilio_post("/twilio/sms", sms_form("+13105550177", "hay agentes"))
    work()
    twilio_post("/twilio/sms", sms_form("+13105550177", "91766"))
    work()
    incidents = api.get("/api/v1/incidents").json()["items"]
    assert len(incidents) == 1
    detail = api.get(f"/api/v1/incidents/{incidents[0]['id']}").json()
    (report,) = detail["reports"]
    assert report["zip"] == "91766" and report["lat"] == pytest.approx(34.0418, abs=0.01)


# --- a name qualified by a city or neighbourhood means a place inside it -------------------


@pytest.mark.parametrize(
    ("text", "area", "point"),
    [
        # No Home Depot inside Pasadena or Hawthorne in the data: the city itself, never the
        # store on a Pasadena Avenue in Long Beach or the one in Glendale.
        ("ICE at the Home Depot in Pasadena", "Pasadena", PASADENA),
        ("en el Home Depot de Hawthorne", "Hawthorne", HAWTHORNE),
        ("el Home Depot de Boyle Heights", "Boyle Heights", (34.0487, -118.2084)),  # ZIP 90033
    ],
)
def test_a_store_qualified_by_an_area_is_inside_it_or_the_area(geocoder, text, area, point):
    r = geocoder.geocode(text)
    assert r is not None and area in r.matched, r
    assert within(r, point, 2_000), r


def test_a_store_inside_the_named_city_is_found(geocoder):
    gaz = load_gazetteer()
    spans = gaz.chains.find([[("home", 0)], [("depot", 0)]], max_edits=0)
    stores = [s for span in spans for chain in span.values for s in chain.stores]
    r = geocoder.geocode("migra en el Home Depot de Lancaster")
    assert r is not None and r.kind == "place" and "Lancaster" in r.matched
    assert any(haversine_m(r.lat, r.lon, s[0], s[1]) < 50 for s in stores)
    assert within(r, LANCASTER, 8_000)


def test_a_street_of_the_same_name_still_qualifies_a_store(geocoder):
    # "on Pasadena Ave" is the avenue: the store near it, not the city.
    r = geocoder.geocode("Home Depot on Pasadena Ave")
    assert r is not None and r.kind == "place" and r.matched == "The Home Depot (Pasadena)"


# --- LA's own words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("the 5 at Florence", I5_FLORENCE),  # not 5th Ave & Florence in Inglewood
        ("la 5 y Florence", I5_FLORENCE),
        ("I-5 and Florence", I5_FLORENCE),
        ("la 710 y Firestone", "osm-corner:Long Beach Freeway|Firestone Boulevard@14/2813/6547"),
        # the exit, not the city of Whittier
        (
            "the 605 and Whittier",
            "osm-corner:San Gabriel River Freeway|Whittier Boulevard@14/2818/6545",
        ),
    ],
)
def test_freeways_by_number_and_their_exit(geocoder, text, point):
    r = geocoder.geocode(text)
    assert r is not None and r.kind == "corner" and within(r, point, 500), r


@pytest.mark.parametrize(
    ("text", "point"),
    [
        (
            "migra en la PCH y Vermont",
            "osm-corner:Pacific Coast Highway|South Vermont Avenue@14/2808/6556",
        ),
        (
            "Coldwater Cyn y Ventura",
            "osm-corner:Coldwater Canyon Avenue|Ventura Boulevard@14/2802/6536",
        ),
        (
            "ICE on MLK and Crenshaw",
            "osm-corner:Martin Luther King Junior Boulevard|Crenshaw Boulevard@14/2806/6544",
        ),
        ("la Séptima y Alameda", SEVENTH_ALAMEDA),
        ("la 7ma y Alameda", SEVENTH_ALAMEDA),
        ("on Pacific a block from Florence", PACIFIC_FLORENCE),
        ("a una cuadra de Pacific y Florence", PACIFIC_FLORENCE),
        ("Wilmingotn y Imperial", "osm-corner:Wilmington Avenue|Imperial Highway@14/2810/6548"),
        # two letters off in a long name
        ("Wlimingotn y Imperial", "osm-corner:Wilmington Avenue|Imperial Highway@14/2810/6548"),
        ("Firestoen y Atlantci", "osm-corner:Firestone Boulevard|Atlantic Avenue@14/2813/6547"),
        ("Pacific Bl y Florence Av", PACIFIC_FLORENCE),
        # a typo that is also a typo in the map ("Pasific Park"): still corrected to Pacific
        ("Pasific y Florance", PACIFIC_FLORENCE),
        ("migra en la calle 7 y Alameda", SEVENTH_ALAMEDA),
        ("la 103 y Central", "osm-corner:East 103rd Street|Central Avenue@14/2810/6548"),
    ],
)
def test_la_words(geocoder, text, point):
    r = geocoder.geocode(text)
    assert r is not None and within(r, point, 300), r


def test_equally_good_answers_far_apart_ask_rather_than_guess():
    # Served from Lancaster, "Pacific y Broadway" is Huntington Park, Glendale or Long Beach:
    # nothing tells them apart, so the reporter is asked.
    lancaster = Geocoder(region=Region.parse("34.69,-118.14,10"))
    assert lancaster.geocode("Pacific y Broadway") is None
    assert lancaster.geocode("Pacific y Broadway, Glendale").lat > 34.1  # the text says which


A_LINE_SLAUSON = "station:Slauson"  # the rail station (A Line)
J_LINE_SLAUSON = (33.98906, -118.28078)  # "Slauson / Harbor Transitway Station" (J Line busway)


@pytest.mark.parametrize(
    ("text", "busway"),
    [
        ("estación Slauson", False),
        ("estacion Slauson de la linea A", False),
        ("Slauson station on the J line", True),
        ("estación Slauson de la línea J", True),
        ("Slauson silver line station", True),
    ],
)
def test_a_shared_station_name_is_told_apart_by_its_line(geocoder, text, busway):
    from tests.core.test_geo_corpus import _stops, truth_of

    rail = truth_of(A_LINE_SLAUSON, _stops())
    r = geocoder.geocode(text)
    assert r is not None and r.kind == "station"
    assert within(r, J_LINE_SLAUSON if busway else rail, 150), r


@pytest.mark.parametrize(
    ("text", "area", "kind"),
    [
        # The corner and the park exist, elsewhere: the area named, not them.
        ("Pacific y Florence, Pasadena", PASADENA, "city"),
        ("ICE at MacArthur Park in Lancaster", LANCASTER, "city"),
        # There is a Lincoln school in Pomona: that one, of the county's many.
        ("la escuela Lincoln de Pomona", POMONA, "place"),
        ("Garey y Holt en Pomona", POMONA, "corner"),
    ],
)
def test_a_place_named_with_an_area_lies_inside_it(geocoder, text, area, kind):
    r = geocoder.geocode(text)
    assert r is not None and r.kind == kind and within(r, area, 4_000), r


def test_a_chain_inside_a_longer_chain_name_is_not_read(geocoder):
    # Palmdale has two Home Depots far apart and a store called "Home": the city, not "Home".
    r = geocoder.geocode("Home Depot de Palmdale")
    assert r is not None and r.kind == "city" and r.matched == "Palmdale"


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("ICE at 25329 Via Telino", "osm-house:25329@14/2797/6523"),  # Santa Clarita
        ("migra en el 43440 Commerce Center Dr", "osm-house:43440@14/2814/6507"),  # Lancaster
        ("ICE at 200 S Thomas St, Pomona", "osm-house:200@14/2833/6541"),
    ],
)
def test_outer_addresses(geocoder, text, ref):
    r = geocoder.geocode(text)
    assert r is not None and r.kind == "address" and within(r, ref, 100), r


def test_a_five_digit_house_number_is_no_far_zip(geocoder):
    # 38462 is a ZIP in Tennessee and a house number on Sierra Highway, Palmdale.
    r = geocoder.geocode("ICE at 38462 Sierra Highway")
    assert r is None or abs(r.lon + 118.1) < 1
