"""The word tables ``core.intent`` reads free words by, in Spanish and English: regex fragments
over folded text (upper case, no accents, punctuation off), each matched as whole words unless
said otherwise. Extend these, not the logic: a phrasing read wrongly is a line here and a line in
``tests/core/test_intent.py``."""

# Agents about, beyond the shared keyword list (``core.keywords.SIGHTING_WORDS``, matched at a
# word's start): words people use for a raid that do not name agents, and misspellings.
SIGHTING_EXTRA = (
    "OPERATIVO",
    "IMIGRACION",
    "EMIGRACION",
    "MIGRACION",
    r"ICE\b",
    "I C E",
    "DETUV",
    "SE LLEVO",
    "ARRESTARON",
    "AGARRARON",
    "GRABBED",
    "PICKED UP",
    # What is being done, seen: "sacando gente de las casas", "grabbing people".
    "SACANDO",
    "LLEVANDO",
    "GRABBING",
    "PICKING UP",
    "ROUNDING UP",
    "PERSIGUI",
    "CHASING",
    "ESPOSAD",
    "HANDCUFF",
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

# A witness's own eyes or place: a clause with one is a sighting even asked as a question.
WITNESS = (
    # "is this ICE?", "¿son estos de la migra?": asked of what they are looking at.
    r"(?:IS|ARE) (?:THIS|THESE|THOSE|THAT)(?! (?:MORNING|WEEK|AFTERNOON|EVENING|TRUE))",
    r"(?:ES|SON|SERA|SERAN) (?:ESTO|ESTOS|ESTAS|ESOS|ESAS|ESO)",
    r"(?:ESTOS|ESTAS|ESOS|ESAS) (?:SON|SERAN)",
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

FUTURE = (
    r"(?<!ESTA )(?<!LA )MANANA",
    r"PASADO MANANA",
    r"TOMORROW",
    r"(?:LA )?PROXIMA SEMANA",
    r"(?:ESTE|EL) FIN DE SEMANA(?! PASADO)",
    r"NEXT WEEK",
    r"THIS WEEKEND",
    # Not "va a entrar", "se lo van a llevar": agents about to act where they are.
    r"VAN? (?:A )?(?:HACER|ESTAR|VENIR|LLEGAR|HABER|EMPEZAR|CAER|REDAD\w*)",
    r"HABRA|HABRAN|ESTARAN|VENDRAN|LLEGARAN|HARAN",
    r"PLANEAN|PIENSAN (?:HACER|IR|VENIR)",
    r"WILL (?:BE|RAID|COME|HIT|START)",
    r"(?:GOING TO|GONNA) (?:RAID|BE|HIT|COME|START|DO)",
    r"(?:ARE |IS )?PLANNING",
)

# A weekday alone says neither way: "van a hacer redadas el lunes", "el lunes se llevaron a dos".
# With a verb of the past it is a past day, else one to come.
WEEKDAYS = (
    rf"(?:EL|ESTE|EL PROXIMO|PROXIMO) {_DAYS_ES}(?! PASADO)",
    rf"(?:ON|THIS|NEXT|COMING) {_DAYS_EN}",
)

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

# Saying it is happening, in answer to our "is it happening now? where?": "si, en la Gage".
AFFIRM = (r"SI", r"YES", r"YEAH", r"YEP", r"CLARO", r"ASI ES", r"ESTAN", r"THEY RE", r"THEY ARE")
