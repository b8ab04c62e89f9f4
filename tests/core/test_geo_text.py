from core.geo.gazetteer import load_gazetteer
from core.geo.text import BREAK, fold, street_key, street_key_variants, tokenize


def test_fold_strips_accents_and_invisible_marks():
    assert fold("Estación PACÍFICO\u200f") == "estacion pacifico"


def test_tokenize_joiners_punctuation_ordinals():
    assert tokenize("ICE @ Pacific/Florence, 103rd St.") == [
        "ice",
        "at",
        "pacific",
        "/",
        "florence",
        BREAK,
        "103",
        "st",
    ]


def test_tokenize_keeps_abbreviation_dots_inside_phrase():
    assert BREAK not in tokenize("Bissel St. & Gage Ave.")[:4]


def test_street_key_drops_type_and_direction():
    assert street_key("S Central Ave.") == "central"
    assert street_key("Imperial Hwy") == "imperial"
    assert street_key("West Blvd") == "west"  # nothing left to drop
    assert street_key("103rd St") == "103"


def test_street_key_variants():
    assert "mlk" in street_key_variants("martin luther king jr")
    assert "cesar chavez" in street_key_variants("cesar e chavez")


def test_speller_fixes_typos_but_not_everyday_words():
    sp = load_gazetteer().speller
    assert sp.candidates("florance")[0] == ("florence", 1)
    assert sp.candidates("pacifc")[0] == ("pacific", 1)
    assert sp.candidates("imperail")[0][0] == "imperial"
    for word in ("esta", "agentes", "hola", "there", "woman", "still"):
        assert sp.candidates(word) == []
