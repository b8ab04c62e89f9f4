"""What a resident's free words are: a sighting happening now, or something else that must not
raise an alarm — a question, a free-worded sign-up, a rights question, a rumour, a past event.

Read by word tables (``core.intent_words``: folded text, upper case, no accents, punctuation
off), in Spanish and English with their usual misspellings; extend the tables, not the logic. A
text is cut into sentences (at ``. ! ? ¿ ¡ : ;`` and line breaks) and each sentence into clauses
(at commas, and before a plea for help such as "can someone come?"). A clause that speaks of
agents and is not a question is a sighting; so is a question that a witness asks ("are they
still here?"), and the words before a plea ("ICE at Florence and Pacific right now, can someone
come?"). Misreading a sighting costs more than misreading a question, so when in doubt the text
is a sighting:

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

from core import intent_words as words
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


# Compiled once from the tables (core.intent_words). Agents about: the shared keyword list
# (prefixes: "AGENTE" covers "agentes") and the words it lacks.
_SIGHTING = re.compile(
    r"\b(?:" + "|".join([re.escape(w) for w in SIGHTING_WORDS] + list(words.SIGHTING_EXTRA)) + r")"
)
_QUESTION_OPENER = _starts(*words.QUESTION_OPENERS)
_RIGHTS = _starts(*words.RIGHTS_OPENERS)
_PLEA = _words(*words.HELP_PLEAS)
_WITNESS = _words(*words.WITNESS)
_JOIN = _words(*words.JOIN_PHRASES)
_PRESENT = _words(*words.PRESENT)
_PAST = _words(*words.PAST)
_FUTURE = _words(*words.FUTURE)
_WEEKDAY = _words(*words.WEEKDAYS)
_PAST_VERB = _words(*words.PAST_VERBS)
_EVERYWHERE = _words(*words.EVERYWHERE)
_GREETING = re.compile(r"^(?:(?:" + "|".join(words.GREETINGS) + r")\b ?)+")
_AFFIRM = _words(*words.AFFIRM)


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


def _exclaimed(clause: _Clause, after: list[_Clause]) -> bool:
    """ "ICE?? en la Pacific y Gage ahorita!!": a word or two of alarm asked, then said outright."""
    return len(clause.text.split()) <= 2 and any(not c.asks for c in after)


def affirms(body: str) -> bool:
    """The text says yes, now or here ("si, en la Gage", "ahorita en la Pacific", "here")."""
    text = fold(body)
    return any(p.search(text) for p in (_AFFIRM, _PRESENT, _WITNESS))


def classify(body: str) -> Intent:
    """What ``body`` is (see the module's docstring). Pure: no database, no place lookup."""
    clauses = list(_clauses(body))
    text = " ".join(c.text for c in clauses)
    sighting = asked = asks = rights = join = False
    for n, clause in enumerate(clauses):
        agents = _SIGHTING.search(clause.text) is not None
        if _JOIN.search(clause.text):
            join = True
        elif _RIGHTS.match(clause.text) and not _WITNESS.search(clause.text):
            rights = True
        elif _is_question(clause) and not (agents and _exclaimed(clause, clauses[n + 1 :])):
            asked = asked or agents
            asks = True
        elif agents:
            sighting = True
    present = _PRESENT.search(text) is not None
    witness = _WITNESS.search(text) is not None
    everywhere = _EVERYWHERE.search(text) is not None and not witness
    weekday = _WEEKDAY.search(text) is not None
    past_day = weekday and _FUTURE.search(text) is None and _PAST_VERB.search(text) is not None
    future = _FUTURE.search(text) is not None or (weekday and not past_day)
    rumour = everywhere or (future and not present and not witness)
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
