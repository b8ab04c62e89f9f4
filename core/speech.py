"""Making a speech recogniser's words readable for the geocoder: digits spoken one by one
("nueve cero dos cinco cinco") become the number they spell."""

_DIGIT_WORDS = {
    "cero": "0",
    "zero": "0",
    "oh": "0",
    "uno": "1",
    "one": "1",
    "dos": "2",
    "two": "2",
    "tres": "3",
    "three": "3",
    "cuatro": "4",
    "four": "4",
    "cinco": "5",
    "five": "5",
    "seis": "6",
    "six": "6",
    "siete": "7",
    "seven": "7",
    "ocho": "8",
    "eight": "8",
    "nueve": "9",
    "nine": "9",
}
_MIN_DIGIT_RUN = 3  # "dos camionetas" stays words; "nueve cero dos cinco cinco" becomes 90255


def spoken_place(text: str) -> str:
    """Speech-recogniser text made readable for the geocoder: digits spoken one by one are joined.

    "nueve cero dos cinco cinco" / "9 0 2 5 5" → "90255"; "seis cinco cero cero pacific" → "6500
    pacific". Corner words and misspellings ("pacific en florence", "la gage y la estate") are the
    geocoder's job and are left as heard.
    """
    out: list[str] = []
    run: list[str] = []
    for word in text.split():
        if _digit(word) is not None:
            run.append(word)
            continue
        out.extend(_join_run(run))
        run = []
        out.append(word)
    out.extend(_join_run(run))
    return " ".join(out)


def _join_run(words: list[str]) -> list[str]:
    if len(words) < _MIN_DIGIT_RUN:
        return words
    return ["".join(_digit(w) or w for w in words)]


def _digit(word: str) -> str | None:
    """The digit a recognised word stands for ("cinco", "five", "5"), else None."""
    key = word.lower().strip(".,")
    return _DIGIT_WORDS.get(key) or (key if len(key) == 1 and key.isdigit() else None)
