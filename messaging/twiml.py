"""TwiML documents, built with the twilio SDK (it escapes text and keeps UTF-8): the reply to a
text (``sms_reply``) and every step of the call line (``VoiceResponse``).

Call builders take the action URLs from the caller (the API knows its routes and public URL) and the
language key; the words come from ``messaging.voice_prompts``.
"""

from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Gather, VoiceResponse

from messaging.templates import Language
from messaging.voice_prompts import speak


def sms_reply(text: str | None) -> str:
    """A reply to the texter, or the empty ``<Response/>`` (no reply) when ``text`` is None."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)


# A <Say> voice must match its language attribute, and <Gather> recognises one locale. Spanish:
# Polly.Mia speaks Mexican Spanish (es-MX), the Spanish most callers in Southeast LA speak, and it
# matches the es-MX recogniser we listen with, so the line speaks and listens in one locale and
# place names sound the way the caller will say them back. (Polly.Lupe, es-US, is the other good
# choice: change the voice and both locales together.) English: Polly.Joanna, the US English voice.
VOICES: dict[Language, tuple[str, str]] = {
    "es": ("Polly.Mia", "es-MX"),
    "en": ("Polly.Joanna", "en-US"),
}

LANGUAGE_TIMEOUT_S = 5  # then Spanish, most callers' language: silence must not strand anyone
ANSWER_TIMEOUT_S = 6  # to start answering; a frightened caller may need a moment
# Silence that ends an answer. A number, not "auto": "auto" cuts off callers who pause between
# two street names, and Twilio refuses it whenever a speechModel is set (warning 13335).
SPEECH_TIMEOUT_S = 3
DESCRIPTION_MAX_S = 60
RECORD_MAX_S = 120  # long enough for where and what; short enough for a coordinator to listen
RECORD_SILENCE_S = 5
DETENTION_ANSWER_MAX_S = 30  # a name, a date, a corner: one short answer
# Names the recogniser should expect: English street names said in Spanish are what it mishears.
PLACE_HINTS = ", ".join(
    (
        "Pacific",
        "Florence",
        "Gage",
        "Slauson",
        "Firestone",
        "Atlantic",
        "State",
        "Miles",
        "Seville",
        "Santa Fe",
        "Alameda",
        "Compton",
        "Long Beach",
        "Randolph",
        "Saturn",
        "Zoe",
        "Clarendon",
        "Huntington Park",
        "South Gate",
        "Bell",
        "Cudahy",
        "Maywood",
        "Walnut Park",
        "Lynwood",
        "Home Depot",
    )
)


def _say(verb: VoiceResponse | Gather, key: str, language: Language, **params: object) -> None:
    voice, locale = VOICES.get(language, VOICES["es"])
    verb.say(speak(key, language, **params), voice=voice, language=locale)


def _locale(language: Language) -> str:
    return VOICES.get(language, VOICES["es"])[1]


def greeting(*, action: str, name: str) -> str:
    """Both languages, Spanish first; a key press or silence goes to ``action`` (Digits)."""
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        timeout=LANGUAGE_TIMEOUT_S,
        action=action,
        action_on_empty_result=True,
    )
    _say(gather, "greeting", "es", name=name)
    _say(gather, "greeting_detention", "es")
    _say(gather, "greeting", "en", name=name)
    _say(gather, "greeting_detention", "en")
    return str(response)


def record_detention_answer(
    language: Language, step: str, *, action: str, fallthrough: str, intro: bool = False
) -> str:
    """One question of a family's detention report, answered as a short recording; silence (no
    audio: Twilio skips ``action``) goes to ``fallthrough``, which skips the question."""
    response = VoiceResponse()
    if intro:
        _say(response, "detention_intro", language)
    _say(response, f"detention_ask_{step}", language)
    response.record(
        action=action,
        max_length=DETENTION_ANSWER_MAX_S,
        timeout=RECORD_SILENCE_S,
        finish_on_key="#",
        play_beep=True,
    )
    response.redirect(fallthrough)
    return str(response)


def detention_goodbye(language: Language) -> str:
    """Legal aid has the case; the texts that follow; the rights; hang up."""
    response = VoiceResponse()
    _say(response, "detention_done", language)
    _say(response, "rights", language)
    response.hangup()
    return str(response)


def ask_place(language: Language, *, action: str, again: bool) -> str:
    """Where: speech, or a 5-digit ZIP on the keypad (the fifth digit or # ends it)."""
    response = VoiceResponse()
    gather = response.gather(
        input="speech dtmf",
        language=_locale(language),
        action=action,
        action_on_empty_result=True,
        num_digits=5,
        finish_on_key="#",
        timeout=ANSWER_TIMEOUT_S,
        speech_timeout=SPEECH_TIMEOUT_S,
        hints=PLACE_HINTS,
        profanity_filter=False,  # the caller's words are a record for coordinators: no asterisks
    )
    if again:
        _say(gather, "not_heard", language)
    _say(gather, "ask_place", language)
    return str(response)


def ask_description(language: Language, *, action: str, again: bool) -> str:
    """What is happening: speech only."""
    response = VoiceResponse()
    gather = response.gather(
        input="speech",
        language=_locale(language),
        action=action,
        action_on_empty_result=True,
        timeout=ANSWER_TIMEOUT_S,
        speech_timeout=SPEECH_TIMEOUT_S,
        max_speech_time=DESCRIPTION_MAX_S,
        profanity_filter=False,
    )
    if again:
        _say(gather, "not_heard", language)
    _say(gather, "ask_description", language)
    return str(response)


def record_report(language: Language, *, action: str, fallthrough: str) -> str:
    """The fallback when speech failed twice: record the caller's own words for coordinators.

    Twilio skips ``action`` when it got no audio and runs the next verb: ``fallthrough`` ends the
    call there.
    """
    response = VoiceResponse()
    _say(response, "ask_recording", language)
    response.record(
        action=action,
        max_length=RECORD_MAX_S,
        timeout=RECORD_SILENCE_S,
        finish_on_key="#",
        play_beep=True,
    )
    response.redirect(fallthrough)
    return str(response)


def goodbye(language: Language, *, received: bool) -> str:
    """Whether we got the report, one know-your-rights line, and hang up."""
    response = VoiceResponse()
    _say(response, "received" if received else "nothing_received", language)
    _say(response, "rights", language)
    response.hangup()
    return str(response)


def empty() -> str:
    """``<Response/>``: the answer to a status callback (Twilio wants XML, not an empty 200)."""
    return str(VoiceResponse())


def alert_call(language: Language, body: str, *, action: str, ask: str = "alert_call_press") -> str:
    """The call after an undelivered alert: the text read in their language, then 1 to answer
    (``ask``: the prompt for it), asked in both languages, theirs first; asked twice."""
    other: Language = "en" if language == "es" else "es"
    response = VoiceResponse()
    gather = response.gather(input="dtmf", num_digits=1, timeout=ANSWER_TIMEOUT_S, action=action)
    _say(gather, "alert_call_intro", language)
    voice, locale = VOICES.get(language, VOICES["es"])
    gather.say(body, voice=voice, language=locale)
    _say(gather, ask, language)
    _say(gather, ask, other)
    again = response.gather(input="dtmf", num_digits=1, timeout=ANSWER_TIMEOUT_S, action=action)
    again.say(body, voice=voice, language=locale)
    _say(again, ask, language)
    response.hangup()
    return str(response)


def alert_call_answered(language: Language, *, recorded: bool) -> str:
    """After the key press: thanks (or: the incident is closed), and hang up."""
    response = VoiceResponse()
    _say(response, "alert_call_recorded" if recorded else "alert_call_closed", language)
    response.hangup()
    return str(response)
