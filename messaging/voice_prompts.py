"""Every sentence the call line speaks, in Spanish and English. Logic refers to them by key only.

Spoken, not texted: accents stay (they guide the voice's pronunciation) and SMS segment limits do
not apply. Short sentences, one instruction each: callers may be frightened, outdoors, or hearing
a stranger's phone.
"""

from messaging.templates import Language

LANGUAGE_KEYS: dict[str, Language] = {"1": "en", "2": "es"}
"""Keypad answer to the greeting → language; anything else (or nothing) keeps Spanish."""

PROMPTS: dict[str, dict[Language, str]] = {
    "greeting": {
        "es": "{name}, línea para reportar redadas de inmigración. Para español, oprima 2.",
        "en": "To report an immigration raid in English, press 1.",
    },
    "not_heard": {
        "es": "Perdón, no le escuché.",
        "en": "Sorry, I did not hear you.",
    },
    "ask_place": {
        "es": "¿Dónde está pasando? Diga la esquina, por ejemplo: Pacific y Florence, "
        "o una dirección, o un lugar conocido. También puede marcar el código postal de cinco dígitos.",
        "en": "Where is it happening? Say the corner, for example: Pacific and Florence, "
        "or an address, or a landmark. You can also type the five-digit ZIP code.",
    },
    "ask_description": {
        "es": "¿Qué está pasando? Por ejemplo: cuántos agentes o vehículos ve, y qué están haciendo.",
        "en": "What is happening? For example: how many agents or vehicles you see, and what they are doing.",
    },
    "ask_recording": {
        "es": "Vamos a grabar su mensaje. Después del tono, diga dónde y qué está pasando. "
        "Al terminar, oprima la tecla de gato, o cuelgue.",
        "en": "We will record your message. After the tone, say where it is and what is happening. "
        "When you finish, press the pound key, or hang up.",
    },
    "received": {
        "es": "Recibimos su reporte. Gracias por avisar.",
        "en": "We received your report. Thank you for letting us know.",
    },
    "nothing_received": {
        "es": "No recibimos su reporte. Puede llamar otra vez, o mandar un mensaje de texto a este número.",
        "en": "We did not get your report. You can call again, or send a text message to this number.",
    },
    "rights": {
        "es": "Recuerde: no abra la puerta sin una orden firmada por un juez, y tiene derecho a guardar silencio.",
        "en": "Remember: do not open the door without a warrant signed by a judge, "
        "and you have the right to remain silent.",
    },
}


def speak(key: str, language: Language, **params: object) -> str:
    """The sentence ``key`` in ``language`` (Spanish when unknown), with ``params`` filled in."""
    texts = PROMPTS[key]
    return texts.get(language, texts["es"]).format(**params)
