"""What opens a family's case, and legal aid's words about one (core.detention)."""

import pytest

from core.detention import CaseCommand, is_skip, parse_command, starts
from core.enums import CaseStatus, Language


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("DETENIDO", Language.ES),
        ("detenida!", Language.ES),
        ("Detained", Language.EN),
        ("se llevaron a mi esposo", Language.ES),
        ("La migra se llevó a mi hermano", Language.ES),
        ("detuvieron a mi papá en el trabajo", Language.ES),
        ("mi hijo fue detenido esta mañana", Language.ES),
        ("ICE took my husband this morning", Language.EN),
        ("my dad got picked up by ICE", Language.EN),
        ("They detained my son at the car wash", Language.EN),
        # A neighbour taken, even yesterday, is a case too: whoever writes may be the family's
        # only link to legal aid (the case asks for the best number to reach them).
        ("ayer la migra se llevo a mi vecino en la Otis y Tweedy", Language.ES),
        ("last week ICE took my neighbor at Compton and Florence", Language.EN),
    ],
)
def test_a_family_s_words_open_a_case(body, language):
    assert starts(body) == language


@pytest.mark.parametrize(
    "body",
    [
        "hay migra en Pacific y Florence",
        "se llevaron a 2 personas en la Pacific",  # a sighting: nobody of theirs named
        "they are taking people at Home Depot",
        "que hago si detienen a mi esposo?",
        "DETENIDO 12",
        "hola",
    ],
)
def test_other_words_do_not(body):
    assert starts(body) is None


@pytest.mark.parametrize(
    ("body", "command"),
    [
        ("TOMO 12", CaseCommand(12, "take")),
        ("take #7", CaseCommand(7, "take")),
        ("Tomo12", CaseCommand(12, "take")),
        ("CASO 12 CONTACTO", CaseCommand(12, CaseStatus.IN_CONTACT)),
        (
            "caso 12 ubicado Adelanto ICE Processing Center",
            CaseCommand(12, CaseStatus.LOCATED, "Adelanto ICE Processing Center"),
        ),
        ("CASE #3 located Otay Mesa", CaseCommand(3, CaseStatus.LOCATED, "Otay Mesa")),
        ("CASO # 4 UBICADO B-18", CaseCommand(4, CaseStatus.LOCATED, "B-18")),
        ("CASE 5 released", CaseCommand(5, CaseStatus.RELEASED)),
        ("caso 5 deportada", CaseCommand(5, CaseStatus.DEPORTED)),
        ("CASE 5 CLOSED.", CaseCommand(5, CaseStatus.CLOSED)),
        ("CASO 5 NOTA audiencia el lunes", CaseCommand(5, "note", "audiencia el lunes")),
    ],
)
def test_legal_aid_words(body, command):
    assert parse_command(body) == command


@pytest.mark.parametrize("body", ["12 SI", "TOMO", "CASO 12", "CASO 12 HOLA", "take it", "caso"])
def test_not_legal_aid_words(body):
    assert parse_command(body) is None


def test_skips():
    assert is_skip("SALTAR") and is_skip("skip.") and is_skip("No sé")
    assert not is_skip("Juan")
