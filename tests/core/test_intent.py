"""``core.intent.classify`` on many phrasings: Spanish and English, accents or none, the usual
misspellings. A real sighting read as anything else is the costly mistake, so the sightings that
look like questions are the longest list."""

import pytest

from core.intent import Intent, affirms, classify

SIGHTINGS = [
    "¡¡hay migra en el Home Depot de Cudahy!! ¿alguien puede ir?",
    "ICE at Florence and Pacific right now, can someone come?",
    "ICE at Florence and Pacific right now can someone come?",
    "hay migra en la Pacific y Gage, alguien puede venir?",
    "la migra esta aqui en la pacific??",
    "LA MIGRA ESTA EN LA ATLANTIC Y FLORENCE?!",
    "ICE is here at the car wash on Slauson, what do we do?",
    "agentes de ICE en la Florence y Compton, manden a alguien porfa?",
    "hay migra!!",
    "ay migra en la florence",
    "ICE at Gage and Miles, Huntington Park",
    "agentes",
    "estan agarrando gente",
    "se llevaron a 2 en la Atlantic hace 5 minutos",
    "esta mañana se llevaron a dos en la Atlantic y Florence",
    "ayer se llevaron a mi vecino y hoy estan otra vez en la Gage",
    "la semana pasada vinieron y ahorita la migra esta otra vez en el swap meet de Paramount",
    "3 vans of ICE agents on Pacific Blvd, masked, taking people",
    "redada en el car wash de la Slauson ahorita",
    "como 5 camionetas de migra en la Pacific",
    "⚠️ RAID at Pacific and Gage NOW — forward to everyone",
    "hay migra en la Pacific y Gage ahorita, pasen la voz",
    "van a entrar a la casa ahorita, la migra esta en la puerta en la Gage",
    "me quiero inscribir pero ahorita hay migra en la Pacific, la migra esta aqui",
    "pacific/florence HP agents everywhere",
    "agentes por todos lados en la Pacific",
    "I just saw ICE grab a man at Florence and Pacific, is anyone coming?",
    "yo vi a la migra en la Compton, alguien sabe si siguen?",
    "ICE checking every car at the checkpoint on Atlantic",
    "estan tocando todas las casas de la cuadra en la Gage, migra",
    "MIGRA EN LA FIRESTONE Y GRAHAM!!!",
    "migra en bell gardens en la florence, ayuda",
    "inmigracion en la Santa Fe y Florence",
    "Hay ICE en el Superior de la Atlantic, estan deteniendo gente",
    "ICE en el Home Depot de la Slauson ahorita!!! vengan",
    "migra aqui en la tienda de la pacific, que hago?",
    "Is that ICE? 3 black vans with agents at Florence & Compton",
    "son de ICE? estan deteniendo a un señor en la Gage",
    "la migra se llevo a mi esposo hace rato en la Atlantic",
    # Going on since then, or back again: not a past event.
    "hay migra en la Pacific desde ayer",
    "otra vez la migra en la Pacific como la semana pasada",
    "ICE came back to Atlantic like last week",
    "ICE?? en la Pacific y Gage ahorita!!",
    "migra? en la Florence y Compton, 3 camionetas",
    "is this ICE? black SUVs with tinted windows on Pacific",
    "¿son estos de la migra? afuera de la tienda en la Gage",
    "Alguien sabe si es migra? estan en la Pacific y Gage sacando gente de las casas",
    "are they still at Florence and Pacific? they were taking people 10 min ago",
    "la migra va a entrar a la casa de mi vecina en la Gage",
    "la migra esta aqui afuera en la Gage, van a entrar",
    "la migra se llevo a mi hijo hoy en la mañana en la Gage",
    "hace 1 hora se llevaron a dos en la Atlantic",
]

QUESTIONS = [
    "¿alguien sabe si hay redadas en South Gate?",
    "is ICE in Huntington Park today?",
    "alguien sabe si ay migra",
    "alguien sabe si ay migra en south gate",
    "hay ice en Bell?",
    "hay migra en la pacific?",
    "¿Hay redadas hoy en Huntington Park?",
    "Es cierto que hay migra en el Walmart de Paramount?",
    "sera verdad que esta la migra en la Atlantic",
    "Does anyone know if ICE is at the Home Depot in Cudahy?",
    "anyone know if there are raids in South Gate",
    "Are there raids in Bell today?",
    "any ICE in Maywood?",
    "any news about ICE on Pacific Blvd?",
    "did anyone see ICE near Florence and Compton?",
    "alguien vio a la migra por la Florence?",
    "donde esta la migra hoy?",
    "is it true that ICE is in Lynwood right now?",
    "una pregunta, hay redadas en Bell Gardens?",
    "ICE en Cudahy??",
    "hay ice en la Atlantic y Florence, en el Superior?",
    "quisiera saber si hay migra en la Slauson",
    "Alguien save si ay migra en la pacific",
    "alguein sabe si hay migra en bell",
    "Hey is ICE in South Gate",
    "hola, alguien sabe si hay redadas hoy",
    "hay migra hoy en HP??",
    "Anybody seen ICE around Bell today",
]

RIGHTS = [
    "que hago si la migra toca mi puerta?",
    "what do I do if ICE knocks on my door?",
    "como protejo a mi familia de la migra?",
    "tengo derecho a no abrir la puerta a ICE?",
    "can I refuse to talk to ICE agents?",
    "que pasa si la migra me para en la calle",
]

JOINS = [
    "me quiero inscribir, soy de Bell Gardens",
    "me quiero inscribir",
    "quiero unirme a la red 90255",
    "como me inscribo?",
    "como me uno a la red?",
    "quiero recibir alertas de la migra en mi zona",
    "quiero recibir las alertas de redadas, vivo en South Gate",
    "agreguenme a las alertas por favor",
    "how do I sign up for alerts?",
    "I want to join, I live in Huntington Park",
    "sign me up for the ICE alerts 90280",
    "add me to the raid alerts please",
    "hi I would like to get alerts",
    "Como puedo recibir las alertas?",
    "quiero ser parte de la red de alertas",
]

RUMOURS = [
    "reenvía esto: van a hacer redadas en todas las escuelas el lunes",
    "reenvia esto van a hacer redadas en todas las escuelas el lunes",
    "mañana van a estar en todos los Home Depot",
    "manana habra redadas en todas las tiendas de South Gate, pasen la voz",
    "ICE will raid every school tomorrow, forward to everyone",
    "they are going to raid all the Home Depots on Monday",
    "la migra va a hacer un operativo el viernes en el swap meet",
    "hay migra en todas las paradas del metro, comparte",
    "ICE is at every Walmart in LA, share this",
    "next week ICE will be at all the schools in Bell",
    "dicen que la proxima semana van a haber redadas en toda la ciudad",
    "ICE checkpoints all over LA this weekend, pass it on",
    "van a hacer redadas el domingo en el swap meet",
    "URGENTE: ICE va a estar en las escuelas de Bell el lunes",
]

PAST = [
    "la semana pasada se llevaron a dos en la Atlantic",
    "last week they took two on Atlantic",
    "ayer la migra se llevo a mi vecino en la Gage",
    "aller se llevaron a un señor en el car wash de la Slauson",
    "anoche hubo migra en la Florence y Compton",
    "hace dos semanas agarraron a mi primo en la Pacific",
    "hace unos dias detuvieron a 3 en el Home Depot de Cudahy",
    "yesterday ICE detained my neighbor at Gage and Miles",
    "ICE took my brother two days ago at the Superior on Atlantic",
    "el lunes pasado se llevaron a dos en la Atlantic",
    "last Monday ICE arrested people at the swap meet",
    "el otro dia andaba la migra por la Firestone",
    "el domingo se llevaron a dos en la Atlantic",
    "my dad was taken by ICE last month",
]

OTHERS = [
    "hola",
    "Hola!",
    "buenos dias",
    "gracias",
    "en la Compton y Florence",
    "Pacific y Gage",
    "90255",
    "ok",
]
ASKS = ["esta tranquilo en South Gate?", "que paso en la Pacific y Gage?", "y en Bell?"]


@pytest.mark.parametrize("body", SIGHTINGS)
def test_a_sighting_is_a_sighting_even_with_a_question_mark(body):
    assert classify(body) == Intent.SIGHTING


@pytest.mark.parametrize("body", QUESTIONS)
def test_a_question_about_a_place_is_a_question(body):
    assert classify(body) == Intent.QUESTION


@pytest.mark.parametrize("body", RIGHTS)
def test_a_question_about_rights_gets_the_help_answer(body):
    assert classify(body) == Intent.RIGHTS


@pytest.mark.parametrize("body", JOINS)
def test_a_sign_up_in_free_words(body):
    assert classify(body) == Intent.JOIN


@pytest.mark.parametrize("body", RUMOURS)
def test_rumours_of_every_place_or_a_day_to_come(body):
    assert classify(body) == Intent.RUMOUR


@pytest.mark.parametrize("body", PAST)
def test_a_past_event_is_documentation(body):
    assert classify(body) == Intent.PAST


@pytest.mark.parametrize("body", OTHERS)
def test_neither_a_sighting_nor_anything_else(body):
    assert classify(body) == Intent.OTHER


@pytest.mark.parametrize("body", ASKS)
def test_a_question_that_names_no_agents(body):
    assert classify(body) == Intent.ASKS


def test_this_morning_is_not_tomorrow():
    assert classify("esta manana la migra se llevo a dos en la Pacific") == Intent.SIGHTING
    assert classify("manana la migra va a estar en la Pacific") == Intent.RUMOUR


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("si, en la Pacific y Florence", True),
        ("yes at Gage and Miles", True),
        ("ahorita en la Atlantic", True),
        ("aqui en la Gage", True),
        ("Pacific y Florence", False),
        ("atlantic y florence", False),
        ("en la gasolinera de la Slauson", False),
    ],
)
def test_an_answer_that_says_it_is_happening(body, says):
    assert affirms(body) is says
