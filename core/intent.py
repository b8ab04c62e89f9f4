"""What a resident's free words are: a sighting happening now, or something else that must not
raise an alarm — a question, a free-worded sign-up, a rights question, a rumour, a past event.

Read by word tables (folded: upper case, no accents, punctuation off), in Spanish and English with
their usual misspellings; extend the tables, not the logic. A text is cut into sentences (at
``. ! ? ¿ ¡ : ;`` and line breaks) and each sentence into clauses (at commas, and before a plea
for help such as "can someone come?"). A clause that speaks of agents and is not a question is a
sighting; so is a question that a witness asks ("are they still here?"), and the words before a
plea ("ICE at Florence and Pacific right now, can someone come?"). Misreading a sighting costs
more than misreading a question, so when in doubt the text is a sighting:

- ``SIGHTING`` wins over everything but a rumour's or a past event's marks, and a word of the
  present ("ahorita", "right now", "hoy") undoes those marks;
- a sign-up needs its own words ("me quiero inscribir", "how do I join") in a clause of its own;
- a question needs a question's form (``?``/``¿``, or an opener such as "alguien sabe si").
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from core.keywords import SIGHTING_WORDS


class Intent(StrEnum):
    SIGHTING = "sighting"  # agents seen now: a report
    QUESTION = "question"  # "¿hay migra en South Gate?": asks, saw nothing
    ASKS = "asks"  # a question naming no agents ("esta tranquilo en Bell?"): a question if placed
    RIGHTS = "rights"  # "¿que hago si la migra toca?": the help answer
    JOIN = "join"  # "me quiero inscribir": sign-up in free words
    RUMOUR = "rumour"  # "van a hacer redadas en todas las escuelas el lunes"
    PAST = "past"  # "la semana pasada se llevaron a dos": documentation, not an alarm
    OTHER = "other"  # none of these: a place alone, a greeting, an answer


def _words(*phrases: str) -> re.Pattern[str]:
    """A pattern matching any of ``phrases`` (regex fragments over folded text) as whole words."""
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b")


def _starts(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(phrases) + r")\b")


# Agents about. The shared keyword list (prefixes: "AGENTE" covers "agentes") plus words people
# use for a raid that do not name agents, and common misspellings.
_SIGHTING = re.compile(
    r"\b(?:"
    + "|".join(
        [re.escape(w) for w in SIGHTING_WORDS]
        + ["OPERATIVO", "IMIGRACION", "EMIGRACION", "MIGRACION", "ICE\\b", "I C E"]
        + ["DETUV", "SE LLEVO", "ARRESTARON", "AGARRARON", "GRABBED", "PICKED UP"]
    )
    + r")"
)

# Openers of a question about raids: the clause asks, even without a question mark.
QUESTION_OPENERS = (
    r"(?:ALGUIEN|ALGUIN|ALGIEN|ALGUEIN|ALGUNO|ALGN) (?:SABE|SAVE|SABRA|VIO|HA VISTO|A VISTO|TIENE)",
    r"SABE(?:N|S)? (?:ALGUIEN|SI|ALGO|DONDE)",
    r"HAN VISTO",
    r"HAY ALGUIEN QUE SEPA",
    r"(?:ES|SERA) (?:CIERTO|VERDAD)",
    r"(?:UNA )?PREGUNTA",
    r"(?:QUISIERA|QUIERO|QUERIA) SABER",
    r"ME (?:PUEDEN|PUEDE|PODRIAN) DECIR",
    r"(?:HAY|ALGUNA|ALGUNAS) NOTICIAS?",
    r"DONDE (?:ESTA|ESTAN|HAY|ANDA|ANDAN)",
    r"(?:DOES|DID|HAS|DO) (?:ANYONE|ANYBODY|SOMEONE|SOMEBODY|YOU|U)",
    r"(?:ANYONE|ANYBODY|ANY1) (?:KNOW|KNOWS|SEEN|SEE|SAW|HEAR|HEARD)",
    r"IS IT TRUE",
    r"(?:IS|ARE|WAS|WERE) (?:THERE|ICE|LA MIGRA|MIGRA|AGENTS|THEY|IMMIGRATION|FEDS|IT)",
    r"ANY (?:ICE|RAIDS?|NEWS|UPDATES?|AGENTS|SIGHTINGS?|INFO)",
    r"WHERE (?:IS|ARE)",
    r"(?:I WAS |JUST )?WONDERING",
    r"(?:CAN|COULD) (?:YOU|SOMEONE|ANYONE) (?:TELL|CONFIRM|LET ME KNOW)",
    r"QUESTION",
)
_QUESTION_OPENER = _starts(*QUESTION_OPENERS)

# A question about rights or the line, not about where agents are: the help answer.
RIGHTS_OPENERS = (
    r"QUE (?:HAGO|DEBO|PASA SI|PUEDO|HACEMOS|HACER)",
    r"COMO (?!\d|UN|UNA|UNOS|UNAS|DOS|TRES|CUATRO|CINCO|SEIS|DIEZ|VEINTE|MEDIA)",
    r"CUALES",
    r"TENGO (?:DERECHO|QUE)",
    r"PUEDO",
    r"DEBO",
    r"(?:WHAT|HOW) (?:DO|SHOULD|CAN|IF|ARE|DOES)",
    r"(?:CAN|DO|SHOULD) I",
    r"DO THEY NEED",
)
_RIGHTS = _starts(*RIGHTS_OPENERS)

# A plea after a sighting: the question it ends with does not make the sighting a question.
HELP_PLEAS = (
    r"(?:ALGUIEN|ALGUIN|ALGIEN|ALGUEIN) (?:PUEDE|PODRIA|QUE PUEDA|VIENE|VENGA|AYUDE)",
    r"(?:PUEDEN|PUEDE|PODRIAN) (?:VENIR|IR|MANDAR|ENVIAR|AYUDAR)",
    r"MANDEN|ENVIEN|VENGAN|AYUDA|AYUDEN|AUXILIO|QUE HAGO|QUE HACEMOS",
    r"(?:CAN|COULD) (?:SOMEONE|SOMEBODY|ANYONE|ANYBODY|YOU) (?:COME|GO|SEND|HELP|CHECK)",
    r"(?:IS )?(?:ANYONE|ANYBODY|SOMEONE) COMING",
    r"SEND (?:SOMEONE|HELP|SOMEBODY)",
    r"PLEASE HELP|HELP US|HELP ME|WHAT DO (?:I|WE) DO",
)
_PLEA = _words(*HELP_PLEAS)

# A witness's own eyes or place: a clause with one is a sighting even asked as a question.
WITNESS = (
    r"AQUI",
    r"ACA",
    r"HERE",
    r"AFUERA",
    r"OUTSIDE",
    r"ENFRENTE",
    r"EN FRENTE",
    r"IN FRONT",
    r"ESTOY VIENDO",
    r"ACABO DE VER",
    r"YO VI",
    r"VIMOS",
    r"(?:I|WE) (?:JUST )?(?:SEE|SAW)",
    r"I M SEEING",
    r"ACABAN DE",
    r"JUST (?:TOOK|GRABBED|ARRESTED|DETAINED)",
)
_WITNESS = _words(*WITNESS)

# Free-worded sign-up ("me quiero inscribir, soy de Bell Gardens", "how do I join?").
JOIN_PHRASES = (
    r"(?:ME )?QUIERO (?:INSCRIB\w*|UNIR\w*|REGISTRAR\w*|SUSCRIB\w*|ANOTAR\w*|ESTAR EN)",
    r"(?:SER|FORMAR) PARTE DE (?:LA RED|LAS ALERTAS|AVISA)",
    r"INSCRIBIRME|INSCRIBIRNOS|UNIRME|REGISTRARME|SUSCRIBIRME|SUBSCRIBIRME|ANOTARME",
    r"COMO ME (?:UNO|INSCRIBO|REGISTRO|SUSCRIBO|ANOTO)",
    r"(?:AGREGUENME|AGREGAME|ANOTENME|ANOTAME|APUNTENME|INSCRIBANME)",
    r"(?:QUIERO |PARA |COMO )?RECIBIR (?:LAS |SUS )?(?:ALERTAS|AVISOS|NOTIFICACIONES)",
    r"QUIERO (?:LAS |SUS )?(?:ALERTAS|AVISOS)",
    r"SIGN (?:ME )?UP",
    r"(?:I WANT|I D LIKE|I WOULD LIKE|WANT|HOW (?:DO|CAN) I|HOW TO) (?:TO )?"
    r"(?:JOIN|SUBSCRIBE|REGISTER|GET (?:THE )?ALERTS|RECEIVE ALERTS)",
    r"ADD ME",
    r"SUBSCRIBE ME",
)
_JOIN = _words(*JOIN_PHRASES)

# Words of the present: undo a past or future mark ("ayer y hoy otra vez", "ahorita van a entrar").
PRESENT = (
    r"AHORITA",
    r"ORITA",
    r"AHORA",
    r"EN ESTE MOMENTO",
    r"AL MOMENTO",
    r"HOY",
    r"ESTA MANANA",
    r"TODAVIA",
    r"SIGUEN",
    r"AUN",
    r"NOW",
    r"RIGHT NOW",
    r"TODAY",
    r"THIS MORNING",
    r"STILL",
    r"CURRENTLY",
    r"AT THE MOMENT",
    r"HAPPENING",
    r"PASANDO",
    r"\d+ ?(?:MIN|MINS|MINUTOS|MINUTES)",
    r"(?:UNOS|FEW) (?:MIN|MINUTOS|MINUTES)",
    # Going on since then, or back again: "desde ayer", "otra vez como la semana pasada".
    r"DESDE",
    r"SINCE",
    r"OTRA VEZ",
    r"DE NUEVO",
    r"AGAIN",
    r"VOLVI\w*",
    r"REGRESARON",
    r"CAME BACK",
    r"(?:ARE|IS|RE) BACK",
)
_PRESENT = _words(*PRESENT)

_DAYS_ES = r"(?:LUNES|MARTES|MIERCOLES|JUEVES|VIERNES|SABADO|DOMINGO)"
_DAYS_EN = r"(?:MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY)"
_SPAN = r"(?:DIAS?|SEMANAS?|MES(?:ES)?|ANOS?)"
_SPAN_EN = r"(?:DAYS?|WEEKS?|MONTHS?|YEARS?)"

PAST = (
    r"(?:LA )?SEMANA PASADA",
    r"(?:EL )?MES PASADO",
    r"(?:EL )?ANO PASADO",
    r"(?:EL )?FIN DE SEMANA PASADO",
    rf"(?:EL )?{_DAYS_ES} PASADO",
    r"AYER",
    r"AYYER",
    r"ALLER",
    r"ANTIER",
    r"ANTEAYER",
    r"ANTE AYER",
    r"ANOCHE",
    r"EL OTRO DIA",
    rf"HACE (?:UN|UNA|UNOS|UNAS|DOS|TRES|CUATRO|CINCO|VARIOS|VARIAS|POCOS|POCAS|\d+) {_SPAN}",
    rf"HACE {_SPAN}",
    r"LAST (?:WEEK|WEEKEND|MONTH|YEAR|NIGHT)",
    rf"LAST {_DAYS_EN}",
    r"YESTERDAY",
    r"THE OTHER DAY",
    rf"(?:A|ONE|TWO|THREE|FEW|A FEW|COUPLE|A COUPLE|COUPLE OF|A COUPLE OF|SEVERAL|\d+) "
    rf"{_SPAN_EN} AGO",
)
_PAST = _words(*PAST)

FUTURE = (
    r"(?<!ESTA )(?<!LA )MANANA",
    r"PASADO MANANA",
    r"TOMORROW",
    r"(?:LA )?PROXIMA SEMANA",
    r"(?:ESTE|EL) FIN DE SEMANA(?! PASADO)",
    r"NEXT WEEK",
    r"THIS WEEKEND",
    r"VAN? (?:A )?(?:HACER|ESTAR|VENIR|LLEGAR|HABER|EMPEZAR|CAER|ENTRAR|SALIR|PONER|REDAD\w*)",
    r"HABRA|HABRAN|ESTARAN|VENDRAN|LLEGARAN|HARAN",
    r"PLANEAN|PIENSAN (?:HACER|IR|VENIR)",
    r"WILL (?:BE|RAID|COME|HIT|START)",
    r"(?:GOING TO|GONNA) (?:RAID|BE|HIT|COME|START|DO)",
    r"(?:ARE |IS )?PLANNING",
)
_FUTURE = _words(*FUTURE)
# A weekday alone says neither way: "van a hacer redadas el lunes", "el lunes se llevaron a dos".
# With a verb of the past it is a past day, else one to come.
WEEKDAYS = (
    rf"(?:EL|ESTE|EL PROXIMO|PROXIMO) {_DAYS_ES}(?! PASADO)",
    rf"(?:ON|THIS|NEXT|COMING) {_DAYS_EN}",
)
_WEEKDAY = _words(*WEEKDAYS)
PAST_VERBS = (
    r"SE LLEVARON",
    r"SE LLEVO",
    r"DETUVIERON",
    r"AGARRARON",
    r"ARRESTARON",
    r"ESTUVIERON",
    r"ESTUVO",
    r"ESTABAN?",
    r"VINIERON",
    r"LLEGARON",
    r"HUBO",
    r"FUE",
    r"FUERON",
    r"TOOK",
    r"WAS",
    r"WERE",
    r"CAME",
    r"ARRESTED",
    r"DETAINED",
    r"GRABBED",
    r"RAIDED",
)
_PAST_VERB = _words(*PAST_VERBS)

# "All the schools", "every Home Depot", "en todas partes": not a place anyone is standing at.
_EVERY = r"(?:TODAS LAS|TODOS LOS|TODAS|TODOS|EVERY|ALL THE|ALL|CADA)"
EVERYWHERE_PLACES = (
    r"ESCUELAS?",
    r"SCHOOLS?",
    r"TIENDAS?",
    r"STORES?",
    r"HOME ?DEPOTS?",
    r"LOWES",
    r"WALMARTS?",
    r"TARGETS?",
    r"SUPERMERCADOS?",
    r"MERCADOS?",
    r"MARKETS?",
    r"SWAP ?MEETS?",
    r"PULGAS?",
    r"IGLESIAS?",
    r"CHURCH(?:ES)?",
    r"PARADAS?",
    r"BUS STOPS?",
    r"ESTACION(?:ES)?",
    r"STATIONS?",
    r"CAR ?WASH(?:ES)?",
    r"LAVADOS?",
    r"HOSPITAL(?:ES|S)?",
    r"CLINICAS?",
    r"CLINICS?",
    r"PARQUES?",
    r"PARKS?",
    r"MALLS?",
    r"PLAZAS?",
    r"CORTES?",
    r"COURTS?",
    r"CIUDADES",
    r"CITIES",
    r"BARRIOS",
    r"NEIGHBORHOODS",
    r"NEGOCIOS",
    r"BUSINESSES",
    r"LUGARES",
    r"PLACES",
)
EVERYWHERE = (
    rf"{_EVERY} (?:\w+ )?(?:{'|'.join(EVERYWHERE_PLACES)})",
    r"(?:TODA LA|ALL OVER THE|THE WHOLE) (?:CIUDAD|CITY|COUNTY|CONDADO|AREA)",
    r"TODO (?:EL CONDADO|LOS ANGELES|LA)",
    r"ALL OVER (?:LA|TOWN|LOS ANGELES)",
)
_EVERYWHERE = _words(*EVERYWHERE)


@dataclass(frozen=True)
class _Clause:
    text: str  # folded
    asks: bool  # part of a question


def fold(text: str) -> str:
    """Upper case, accents and punctuation off, spaces collapsed (as ``core.keywords.fold``, but
    keeping no ``#``: clauses here are never commands)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", text.upper()).split())


# Words before what a clause says ("hola, alguien sabe…", "hey is ICE in Bell"): left off, so
# an opener is read where it stands.
GREETINGS = (
    r"HOLA",
    r"OLA",
    r"BUENAS(?: TARDES| NOCHES)?",
    r"BUENOS DIAS",
    r"OYE",
    r"OIGAN",
    r"DISCULPEN?",
    r"PERDON",
    r"POR FAVOR",
    r"PORFA",
    r"URGENTE",
    r"HI",
    r"HEY",
    r"HELLO",
    r"GOOD (?:MORNING|AFTERNOON|EVENING)",
    r"EXCUSE ME",
    r"PLEASE",
    r"PLS",
    r"SORRY",
    r"Q",
)
_GREETING = re.compile(r"^(?:(?:" + "|".join(GREETINGS) + r")\b ?)+")

_SENTENCE = re.compile(r"([.!?¿¡:;\n]+)")


def _clauses(body: str) -> Iterable[_Clause]:
    parts = _SENTENCE.split(body)
    # parts alternate: text, delimiter, text, …; a sentence asks when "¿" opens or "?" ends it,
    # unless an exclamation mark shares its end ("!?", "?!": alarm, not a question).
    for i in range(0, len(parts), 2):
        before = parts[i - 1] if i > 0 else ""
        after = parts[i + 1] if i + 1 < len(parts) else ""
        asks = ("¿" in before or "?" in after) and "!" not in after
        sentence = " , ".join(fold(piece) for piece in parts[i].split(","))
        plea = _PLEA.search(sentence) if asks else None
        if plea is not None and fold(sentence[: plea.start()]):
            # "ICE at Florence right now, can someone come?": the words before the plea say.
            yield from _split(sentence[: plea.start()], asks=False)
            yield from _split(sentence[plea.start() :], asks=True)
        else:
            yield from _split(sentence, asks=asks)


def _split(sentence: str, *, asks: bool) -> Iterable[_Clause]:
    # A question's commas do not end it ("hay migra en Bell, en la Gage?").
    pieces = [sentence.replace(",", " ")] if asks else sentence.split(",")
    for piece in pieces:
        if text := _GREETING.sub("", fold(piece)):
            yield _Clause(text, asks)


def _is_question(clause: _Clause) -> bool:
    return (clause.asks or _QUESTION_OPENER.match(clause.text) is not None) and not _WITNESS.search(
        clause.text
    )


# Saying it is happening, in answer to our "is it happening now? where?": "si, en la Gage".
AFFIRM = (r"SI", r"YES", r"YEAH", r"YEP", r"CLARO", r"ASI ES", r"ESTAN", r"THEY RE", r"THEY ARE")
_AFFIRM = _words(*AFFIRM)


def affirms(body: str) -> bool:
    """The text says yes, now or here ("si, en la Gage", "ahorita en la Pacific", "here")."""
    text = fold(body)
    return any(p.search(text) for p in (_AFFIRM, _PRESENT, _WITNESS))


def classify(body: str) -> Intent:
    """What ``body`` is (see the module's docstring). Pure: no database, no place lookup."""
    clauses = list(_clauses(body))
    text = " ".join(c.text for c in clauses)
    sighting = asked = asks = rights = join = False
    for clause in clauses:
        if _JOIN.search(clause.text):
            join = True
        elif _RIGHTS.match(clause.text) and not _WITNESS.search(clause.text):
            rights = True
        elif _is_question(clause):
            asked = asked or _SIGHTING.search(clause.text) is not None
            asks = True
        elif _SIGHTING.search(clause.text):
            sighting = True
    present = _PRESENT.search(text) is not None
    witness = _WITNESS.search(text) is not None
    everywhere = _EVERYWHERE.search(text) is not None and not witness
    weekday = _WEEKDAY.search(text) is not None
    past_day = weekday and _FUTURE.search(text) is None and _PAST_VERB.search(text) is not None
    future = _FUTURE.search(text) is not None or (weekday and not past_day)
    rumour = everywhere or (future and not present)
    past = (_PAST.search(text) is not None or past_day) and not present
    if sighting:
        if rumour:
            return Intent.RUMOUR
        return Intent.PAST if past else Intent.SIGHTING
    if join:
        return Intent.JOIN
    if asked:
        return Intent.QUESTION
    if rights:
        return Intent.RIGHTS
    if everywhere or (rumour and _SIGHTING.search(text)):
        return Intent.RUMOUR
    return Intent.ASKS if asks else Intent.OTHER
