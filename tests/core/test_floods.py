"""The pure parts of ``core.floods``: chain wording, and a text's words with its place taken out."""

import pytest

from core.floods import MIN_SCRIPT_CHARS, _script, has_chain_words


@pytest.mark.parametrize(
    "text",
    [
        "⚠️ RAID at Pacific y Florence NOW — forward to everyone",
        "reenvía esto: la migra en la Atlantic",
        "ICE en Otis y Tweedy pásalo",
        "pasen la voz, migra en la Gage",
        "ICE at Slauson, share this",
        "compártelo con todos",
    ],
)
def test_chain_wording_is_recognised_in_both_languages(text):
    assert has_chain_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "ICE at Pacific and Florence",
        "la migra se esta llevando gente en Long Beach y Imperial",
        "agents at the car wash, they are passing by the school",
    ],
)
def test_a_witness_in_their_own_words_has_none(text):
    assert not has_chain_words(text)


def test_a_script_is_the_text_without_its_place():
    one = _script("⚠️ RAID at Pacific y Florence NOW — forward to everyone", "Pacific / Florence")
    other = _script(
        "⚠️ RAID at Atlantic y Imperial NOW — forward to everyone", "Atlantic / Imperial"
    )
    assert one == other and len(one) >= MIN_SCRIPT_CHARS
    # What anybody writes is short once the place is out: never a script.
    assert len(_script("ICE at Central and Imperial", "Central / Imperial")) < MIN_SCRIPT_CHARS
