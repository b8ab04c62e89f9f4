"""Avisa's domain errors: one family, mapped to answers once per front door.

    AvisaError                 the base; ``str(exc)`` is safe to show (it never holds a number)
    ├── NotFound               a row asked for by id does not exist            → HTTP 404
    ├── Conflict               the request clashes with the current state      → HTTP 409
    ├── Invalid                the input itself is wrong (names the field)     → HTTP 422
    └── Unavailable            a dependency (Redis, the provider) is down      → HTTP 503

Services in ``core`` raise these; the API, the console and the CLI translate them in one
handler each instead of per route.

**Messages are message ids** (gettext's design): an error is raised with an English template
and its values apart, ``NotFound("no such incident {id}", id=7)``. ``str(exc)`` is the English
text (what the API and the CLI answer); ``exc.template`` is a stable key and ``exc.params`` the
values, so a front door with its own catalogue says the same thing in another language (the
console: ``console.catalogue.ERRORS`` and ``console.errors.message_of``). ``core`` holds no
text in any other language, and no template is built with an f-string: a test finds every
``raise`` in ``core`` and ``console`` and checks its template has a Spanish entry.
"""


class AvisaError(Exception):
    """Something a caller asked for cannot be done; the message says why.

    ``template`` is English with ``{name}`` fields (``str.format``), filled from ``params``.
    A param may itself be an ``AvisaError`` (a cause, translated with it)."""

    def __init__(self, template: str = "", /, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params) if params else template)


class NotFound(AvisaError):
    pass


class Conflict(AvisaError):
    pass


class Invalid(AvisaError, ValueError):
    """Bad input. Also a ``ValueError``, so pydantic validators may raise it directly."""


class Unavailable(AvisaError):
    pass
