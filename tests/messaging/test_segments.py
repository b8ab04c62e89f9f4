import pytest

from messaging.segments import count_segments, encoding, gsm_safe, units
from messaging.templates import CATALOGUE, render

# The longest intersections residents name in the region (LA Metro stop names), a 7-digit
# incident number and the longest clock time we could print.
LONG_PLACES = [
    "Martin Luther King Jr Blvd / Long Beach Blvd",
    "Pacific Coast Highway / Paseo De Las Delicias",
    "Dodger Stadium Express - Union Station West Portal",
]
ALERT_KEYS = sorted(k for k in CATALOGUE if k.startswith(("alert_", "update_")))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "GSM-7"),
        ("AVISA #12 en Pacific y Florence", "GSM-7"),
        ("¿Qué pasó? ñ ü ¡ya!", "UCS-2"),  # ó
        ("¿Qué pasa? Niño, pingüino, ¡ya!", "GSM-7"),  # é ñ ü ¿ ¡ are all GSM-7
        ("Responda SÍ", "UCS-2"),
        ("á", "UCS-2"),
        ("í", "UCS-2"),
        ("ó", "UCS-2"),
        ("ú", "UCS-2"),
        ("Á", "UCS-2"),
        ("Í", "UCS-2"),
        ("Ó", "UCS-2"),
        ("Ú", "UCS-2"),
        ("é", "GSM-7"),
        ("É", "GSM-7"),
        ("ñ", "GSM-7"),
        ("Ñ", "GSM-7"),
        ("ü", "GSM-7"),
        ("Ü", "GSM-7"),
        ("{braces} [and] ~tilde~ | € ^ \\", "GSM-7"),
        ("emoji 🚨", "UCS-2"),
        ("curly “quotes”", "UCS-2"),
    ],
)
def test_encoding(body, expected):
    assert encoding(body) == expected


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("á" * 70, 1),
        ("á" * 71, 2),
        ("á" * 134, 2),
        ("á" * 135, 3),
        ("€" * 80, 1),  # 160 septets
        ("€" * 81, 2),
        ("a" * 152 + "€" + "a" * 10, 2),  # the escape pair moves whole into part two
        ("a" * 152 + "€" * 76, 2),
        ("a" * 152 + "€" * 77, 3),  # 306 septets, yet the first € cannot straddle parts one and two
        ("🚨" * 35, 1),  # 70 UTF-16 units
        ("🚨" * 36, 2),
        ("a" * 66 + "🚨" + "a" * 10, 2),
    ],
)
def test_count_segments(body, segments):
    assert count_segments(body) == segments


def test_units_counts_extension_chars_twice():
    assert units("a€") == 3
    assert units("á🚨") == 3


def test_gsm_safe_keeps_gsm_letters_and_drops_the_rest():
    assert (
        gsm_safe("Cesar Chávez Ave / Calle Ñandú – “Él”") == 'Cesar Chavez Ave / Calle Ñandu - "Él"'
    )
    assert encoding(gsm_safe("Avenida César Chávez, Boyle Heights, Río")) == "GSM-7"


@pytest.mark.parametrize("place", LONG_PLACES)
@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("key", ALERT_KEYS)
def test_alert_templates_fit_two_segments(key, language, place):
    body = render(key, language, incident=1234567, place=place, time="12:45 PM")
    assert count_segments(body) <= 2, f"{key}/{language}: {len(body)} chars, {encoding(body)}"


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("key", ALERT_KEYS)
def test_alert_templates_are_gsm7_so_a_resident_accent_is_the_only_risk(key, language):
    body = render(key, language, incident=1234567, place=LONG_PLACES[0], time="12:45 PM")
    assert encoding(body) == "GSM-7"
    accented = render(
        key,
        language,
        incident=1234567,
        place=gsm_safe("César Chávez Ave / Boyle Ave"),
        time="12:45 PM",
    )
    assert count_segments(accented) <= 2
