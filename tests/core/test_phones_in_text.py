import pytest

from core.phones import mask_numbers_in


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("llamen al 323-555-0101 ya", "llamen al •••-•••-0101 ya"),
        ("mi cel +13235550101.", "mi cel +•••••••0101."),
        ("+1 (323) 555-0101!", "+• (•••) •••-0101!"),
        ("(323) 555 0101", "(•••) ••• 0101"),
        ("3235550101", "••••••0101"),
        ("555-0101", "•••-0101"),
    ],
)
def test_number_like_runs_are_masked(text, masked):
    assert mask_numbers_in(text) == masked


@pytest.mark.parametrize(
    "text",
    ["ICE en 90255 a las 10:02", "1200 Florence Ave", "incidente #12 el 2025-06-14", "3 vans"],
)
def test_places_times_and_dates_are_left_alone(text):
    assert mask_numbers_in(text) == text


def test_coordinates_are_not_numbers():
    assert mask_numbers_in("at 33.9745, -118.2273") == "at 33.9745, -118.2273"
