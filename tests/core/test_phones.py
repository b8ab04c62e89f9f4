import pytest

from core.phones import InvalidPhone, mask, normalize, vault_for


@pytest.mark.parametrize(
    "raw", ["(323) 555-0101", "323.555.0101", "+1 323 555 0101", "13235550101"]
)
def test_us_numbers_normalise_to_e164(raw):
    assert normalize(raw) == "+13235550101"


@pytest.mark.parametrize("raw", ["", "12", "hello", "+1 555 0000", "+99912345"])
def test_bad_numbers_raise_with_a_reason(raw):
    with pytest.raises(InvalidPhone) as info:
        normalize(raw)
    assert str(info.value)


def test_vault_round_trips_and_hash_is_keyed():
    a, b = vault_for("secret-a" * 5), vault_for("secret-b" * 5)
    sealed = a.seal("+13235550101")
    assert a.open(sealed) == "+13235550101" and "3235550101" not in sealed
    assert a.index("+13235550101") == a.index("+13235550101") != b.index("+13235550101")


def test_mask_keeps_only_country_code_and_last_four():
    assert mask("+13235550101") == "+1••••••0101"
    assert mask(None) == ""
