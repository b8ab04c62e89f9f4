"""Reading a replay stream: one JSON object a line, Twilio's SMS fields plus ``at``.

A stream may open with roster lines, ``{"zone": {...}}`` and ``{"subscriber": {...}}`` in the
API's own shapes (``ZoneIn``, ``SubscriberIn``; see ``avisa.replay.roster``), before its texts.

A stream is validated whole before anything runs, so a typo on line 40 costs a second, not a
half-finished drill: the first bad line raises ``StreamError`` naming its number. Blank lines are
skipped. Fields that are not Twilio's (``truth``, notes) are ignored, never posted.
"""

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

# What Twilio posts for an SMS; anything else on a line is the author's (``truth``, comments).
TWILIO_FIELDS = frozenset(
    {
        "MessageSid",
        "SmsSid",
        "SmsMessageSid",
        "AccountSid",
        "MessagingServiceSid",
        "From",
        "To",
        "Body",
        "NumMedia",
        "NumSegments",
        "SmsStatus",
        "ApiVersion",
        "OptOutType",
        "AddOns",
        "FromCity",
        "FromState",
        "FromZip",
        "FromCountry",
        "ToCity",
        "ToState",
        "ToZip",
        "ToCountry",
    }
)
MEDIA_FIELD = re.compile(r"^Media(Url|ContentType)\d+$")
DEFAULTS = {
    "AccountSid": "AC" + "0" * 32,
    "To": "+13235550000",
    "NumMedia": "0",
    "ApiVersion": "2010-04-01",
}


class StreamError(ValueError):
    """A line that cannot be replayed; ``line`` is its 1-based number."""

    def __init__(self, line: int, problem: str):
        super().__init__(f"line {line}: {problem}")
        self.line = line


@dataclass(frozen=True)
class Inbound:
    """One line of the stream: when it arrived and the form Twilio would have posted."""

    line: int
    at: datetime
    form: dict[str, str]

    @property
    def sid(self) -> str:
        return self.form["MessageSid"]


def parse_line(number: int, text: str) -> Inbound:
    """One line → ``Inbound``; raises ``StreamError`` saying what is wrong with it."""
    obj = _object(number, text)
    return Inbound(number, _arrival(number, obj.get("at")), _form(number, obj))


def _object(number: int, text: str) -> dict:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StreamError(number, f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise StreamError(number, "expected a JSON object")
    return obj


def _arrival(number: int, value: object) -> datetime:
    if not isinstance(value, str):
        raise StreamError(
            number, '"at" is required: ISO 8601 time with offset, e.g. "2025-06-14T10:02:00-07:00"'
        )
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise StreamError(number, f'"at" is not an ISO 8601 time: {value!r}') from None
    if moment.tzinfo is None:
        # A wall-clock time alone is ambiguous across the DST change and between machines.
        raise StreamError(number, f'"at" needs a UTC offset (e.g. -07:00 or Z): {value!r}')
    return moment


def _form(number: int, obj: dict) -> dict[str, str]:
    form = dict(DEFAULTS)
    for key, value in obj.items():
        if key not in TWILIO_FIELDS and not MEDIA_FIELD.match(key):
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise StreamError(number, f'"{key}" must be a string, as Twilio sends it')
        form[key] = str(value)
    form["MessageSid"] = form.get("MessageSid") or form.get("SmsSid", "")
    for required in ("MessageSid", "From"):
        if not form.get(required, "").strip():
            raise StreamError(number, f'"{required}" is required')
    form.setdefault("Body", "")
    return form


def parse_lines(lines: Iterable[str]) -> list[Inbound]:
    """Every non-blank line, validated, in arrival order (ties keep their order in the file).
    A stream with roster lines is read by ``parse_stream``; here they are a ``StreamError``."""
    stream = parse_stream(lines)
    if stream.roster:
        raise StreamError(stream.roster[0].line, "roster lines need parse_stream")
    return stream.messages


@dataclass(frozen=True)
class Stream:
    roster: list  # avisa.replay.roster.Entry, in file order
    messages: list[Inbound]  # in arrival order


def parse_stream(lines: Iterable[str]) -> Stream:
    """The roster lines (all before the first text) and the texts, every line validated."""
    from avisa.replay.roster import ROSTER_KEYS, parse_entry

    roster, inbound = [], []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        obj = _object(number, text)
        if ROSTER_KEYS & set(obj):
            if inbound:
                raise StreamError(number, "roster lines (zone, subscriber) come before the texts")
            roster.append(parse_entry(number, obj, roster))
        else:
            inbound.append(Inbound(number, _arrival(number, obj.get("at")), _form(number, obj)))
    # sorted() is stable: ties stay in file order
    return Stream(roster, sorted(inbound, key=lambda m: m.at))


def read_stream(path: str) -> Stream:
    """The stream at ``path`` (``-`` for stdin); raises ``StreamError`` or ``OSError``."""
    if path == "-":
        return parse_stream(sys.stdin)
    with open(
        path, encoding="utf-8-sig"
    ) as fh:  # -sig: a BOM from a Windows editor is not line 1's problem
        return parse_stream(fh)
