"""Word lists for reading place mentions in Spanish, English and Spanglish SMS.

All entries are folded (lowercase, no accents), as produced by ``core.geo.text.fold``.
"""

from __future__ import annotations

STREET_TYPES = frozenset(
    "ave av avenue avenida avda blvd bl boulevard bulevar st street calle str dr drive rd road "
    "hwy highway carretera pl place ln lane ct court way pkwy parkway fwy freeway terr ter "
    "cir circle trl".split()
)
"""Street types: optional in texts, dropped from gazetteer keys."""

DIRECTIONS = frozenset("n s e w north south east west nb sb eb wb".split())
"""Directions dropped at the edges of gazetteer keys ("S Central Ave" → "central")."""

CONNECTORS = frozenset(
    "and y e n & / con at near by between entre esquina corner cerca x with off "
    "block blocks cuadra cuadras".split()
)
"""Words that join the two streets of a corner."""

FILLERS = frozenset(
    "la el los las the de del of on en a al calle avenida ave av avenue blvd bl boulevard st "
    "street hwy highway dr rd road pl n s e w nb sb eb wb north south east west "
    "esq una un from exit salida".split()
)
"""Words allowed between two street names besides connectors ("la Atlantic y la Imperial")."""

ARTICLES = frozenset("la el los las the de del".split())
"""Dropped when matching coordinator aliases ("el Home Depot de Slauson")."""

STREET_MARKERS = frozenset("la calle avenida av ave on off".split())
"""Before a name, these mean a street, not a city ("la Compton", "on Compton": the avenue)."""

REDUCIBLE = frozenset(
    "la el los las the de del a al on en in at by near por cerca frente calle avenida av ave "
    "avenue st street blvd bl boulevard hwy highway dr rd road".split()
)
"""Dropped before matching names of stations, landmarks and coordinator places, so
"el Home Depot de Slauson" and "Home Depot on Slauson" read alike."""

STATION_TRIGGERS = frozenset(
    "station estacion estaciones metro tren train rail line linea subway".split()
)
"""A station name counts only near one of these words ("estación Florence del Metro")."""

LINE_WORDS = frozenset(
    "blue green gold red purple silver expo azul verde dorada roja morada plata a b c d e k l j".split()
)
"""Words naming a rail line, allowed between a station name and "station" ("Compton blue
line station")."""

BUSWAY_LINES = frozenset("j silver plata".split())
RAIL_LINES = frozenset(
    "a b c d e k l blue azul green verde red roja purple morada expo gold dorada".split()
)
BUSWAY_STATION_WORDS = ("transitway", "busway")
"""Stations sharing a name ("Slauson": the A Line's, the J Line's on the Harbor Transitway)
are told apart by the line named beside them; the busway's stations carry these words."""
LINE_MARKERS = frozenset("line linea lines".split())
"""A single letter names a line only next to one of these ("la línea A", "the J line")."""

NOT_CITIES = frozenset("orange walnut industry corona cypress center".split())
"""Place names that are everyday words in texts ("orange vests"); never read as a city."""

WORDY_CITIES = frozenset("bell commerce paramount vernon".split())
"""City names that are also everyday words: a city only after "in", "en", "near"...
("ICE in Bell", not "ring the bell")."""

PLACE_PREPOSITIONS = frozenset("in en at near de del from around por cerca to of".split())
"""Words that introduce a place."""

PLATE_WORDS = frozenset("plate plates placa placas tablilla license licencia #".split())
"""A 5-digit number right after these is a licence plate, not a ZIP."""

FREEWAY_PREFIX = "fwy"
"""Street keys of freeways by number ("fwy710"), made by the gazetteer build from OSM refs."""

FREEWAY_BEFORE = frozenset("the la el i interstate hwy highway ruta route sr us ca".split())
FREEWAY_AFTER = frozenset("freeway fwy autopista hwy highway".split())
"""A route number right after (or before) one of these means the freeway: "the 5 at
Florence", "la 710 y Firestone", "605 fwy and Whittier"."""

NUMBER_WORDS = {
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "seventh": "7",
    "eighth": "8",
    "ninth": "9",
    "tenth": "10",
    "primera": "1",
    "segunda": "2",
    "tercera": "3",
    "cuarta": "4",
    "quinta": "5",
    "sexta": "6",
    "septima": "7",
    "octava": "8",
    "novena": "9",
    "decima": "10",
}
"""Spelled-out ordinals that name numbered streets ("First St" → "1")."""

STREET_ALIASES = {
    "martin luther king jr": "mlk",
    "martin luther king": "mlk",
    "cesar e chavez": "cesar chavez",
    "pacific coast": "pch",
}
"""Common short names of long street names (applied to gazetteer keys)."""

COMMON_WORDS = frozenset(
    """
    ice migra agentes agente agents agent police policia sheriff border patrol
    hay estan esta aqui alli alla ahi ahorita ahora now right here there still they them their
    este esta estos estas eso esa ese por para porque que quien como donde cuando muy mas
    van vans camion camioneta camionetas trucks truck carros carro cars car suv suvs unmarked
    people gente personas persona hombre hombres mujer mujeres ninos kids children woman women
    man men workers trabajadores detaining detained deteniendo detuvieron arrest arrested
    outside inside afuera adentro frente front behind atras near cerca corner esquina
    street calle parking estacionamiento lot store tienda mercado market school escuela
    please favor ayuda help hurry rapido come vengan going gone left fueron se ya otra vez
    again back still yes no si gracias thanks thank you hello hola stop start join
    masked mascaras armed armados guns pistolas helicopter helicoptero
    about above after around before from into over under until while with without
    and the this that these those what which where when who will would could should
    have has had having been being were was are is there their other another
    just only also very much many some more most lots todos todas mucho muchos muchas
    saw seen vimos vi visto watching mirando llego llegaron arrived leaving leaving
    """.split()
)
"""Everyday words never spell-corrected into street names ("esta" must not become "Vista")."""

SPANISH_NAMES = {  # and abbreviations ("Sta Fe", "Coldwater Cyn")
    "pacifico": "pacific",
    "atlantico": "atlantic",
    "florencia": "florence",
    "centro": "central",
    "sta": "santa",
    "sn": "san",
    "cyn": "canyon",
    "cny": "canyon",
    "mt": "mount",
    "mtn": "mountain",
    "hts": "heights",
    "ft": "fort",
    "vly": "valley",
    "ctr": "center",
    "crk": "creek",
    "lk": "lake",
    "pt": "point",
    "vis": "vista",
}
"""Spanish renderings of street names residents may use ("la Pacífico y Florencia"), and the
abbreviations of name words they type; each token is read as itself or as its entry."""

LOOSE_SKIP = frozenset(
    """state main central park grand church union market hope center olive pine oak spring
    hill lake home school gate king long sun star palm cedar elm maple walnut orange lime
    lemon vine rose garden river bay ocean beach city mission college hospital court
    broadway commerce industry national pacific atlantic california""".split()
)
"""Street names that are also everyday words: not trusted to form a corner unless joined by
a connector ("Main thing: state agents came" must not be Main / State)."""

STATE_WORDS = frozenset(
    """al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv
    nh nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy pr alabama alaska arizona
    arkansas california colorado connecticut delaware florida georgia hawaii idaho illinois
    indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota
    mississippi missouri montana nebraska nevada hampshire jersey mexico york carolina dakota
    ohio oklahoma oregon pennsylvania rhode tennessee texas utah vermont virginia washington
    wisconsin wyoming rico""".split()
)
"""Words that end a "City, ST" naming a place elsewhere in the country."""
