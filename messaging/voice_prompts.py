"""Every sentence the call line speaks, in Spanish and English. Logic refers to them by key only.

Spoken, not texted: accents stay (they guide the voice's pronunciation) and SMS segment limits do
not apply. Short sentences, one instruction each: callers may be frightened, outdoors, or hearing
a stranger's phone.
"""

from messaging.templates import Language

LANGUAGE_KEYS: dict[str, Language] = {"1": "en", "2": "es"}
"""Keypad answer to the greeting → language; anything else (or nothing) keeps Spanish."""
DETENTION_KEYS: dict[str, Language] = {"3": "es", "4": "en"}
"""Keypad answer to the greeting → a family reporting a detention (core.detention_call)."""

PROMPTS: dict[str, dict[Language, str]] = {
    "greeting": {
        "es": "{name}, línea para reportar redadas de inmigración. Para español, oprima 2.",
        "en": "To report an immigration raid in English, press 1.",
    },
    "greeting_detention": {
        "es": "Si se llevaron a un familiar, oprima 3.",
        "en": "If someone in your family was taken, press 4.",
    },
    # A family reporting a detention (core.detention_call): one recorded answer a question.
    "detention_intro": {
        "es": "Lo sentimos mucho. Le haremos cinco preguntas para apoyo legal. Conteste después "
        "del tono y oprima la tecla de gato. Si no sabe, solo oprima gato.",
        "en": "We are so sorry. We will ask five questions for legal aid. Answer after the tone "
        "and press the pound key. If you do not know, just press pound.",
    },
    "detention_ask_name": {
        "es": "¿Cómo se llama la persona detenida?",
        "en": "What is the detained person's name?",
    },
    "detention_ask_birth": {
        "es": "¿Su fecha de nacimiento, o su número A, si lo sabe?",
        "en": "Their date of birth, or their A-number, if you know it?",
    },
    "detention_ask_place": {
        "es": "¿Dónde se la llevaron? Diga la esquina, la dirección o el lugar.",
        "en": "Where were they taken? Say the corner, the address or the place.",
    },
    "detention_ask_when": {
        "es": "¿Cuándo se la llevaron?",
        "en": "When were they taken?",
    },
    "detention_ask_contact": {
        "es": "¿A qué número llamamos a la familia? Si es este número, solo oprima gato.",
        "en": "What number should legal aid call the family at? If it is this number, just press pound.",
    },
    "detention_done": {
        "es": "Gracias. Apoyo legal tiene su caso. Le mandaremos un mensaje de texto con sus "
        "derechos y con cada cambio de su caso.",
        "en": "Thank you. Legal aid has your case. We will text you their rights and each "
        "change of the case.",
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
    # A call to a responder whose alert text could not be delivered (core.alert_calls).
    "alert_call_intro": {
        "es": "Llamada de Avisa. No pudimos entregarle un mensaje de texto. Dice así:",
        "en": "This is Avisa calling. We could not deliver a text message to you. It says:",
    },
    "alert_call_press": {
        "es": "Para responder sí, que puede verificar, oprima 1.",
        "en": "To answer yes, you can verify, press 1.",
    },
    "alert_call_heard": {
        "es": "Para decir que escuchó este mensaje, oprima 1.",
        "en": "To say you heard this message, press 1.",
    },
    "alert_call_recorded": {
        "es": "Registrado. Gracias por responder.",
        "en": "Recorded. Thank you for answering.",
    },
    "alert_call_closed": {
        "es": "Gracias. Este incidente ya no está abierto.",
        "en": "Thank you. This incident is no longer open.",
    },
}


def speak(key: str, language: Language, **params: object) -> str:
    """The sentence ``key`` in ``language`` (Spanish when unknown), with ``params`` filled in."""
    texts = PROMPTS[key]
    return texts.get(language, texts["es"]).format(**params)
