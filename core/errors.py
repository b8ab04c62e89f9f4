"""Avisa's domain errors: one family, mapped to answers once per front door.

    AvisaError                 the base; ``str(exc)`` is safe to show (it never holds a number)
    ├── NotFound               a row asked for by id does not exist            → HTTP 404
    ├── Conflict               the request clashes with the current state      → HTTP 409
    ├── Invalid                the input itself is wrong (names the field)     → HTTP 422
    └── Unavailable            a dependency (Redis, the provider) is down      → HTTP 503

Services in ``core`` raise these; the API, the console and the CLI translate them in one
handler each instead of per route.
"""


class AvisaError(Exception):
    """Something a caller asked for cannot be done; the message says why."""


class NotFound(AvisaError):
    pass


class Conflict(AvisaError):
    pass


class Invalid(AvisaError, ValueError):
    """Bad input. Also a ``ValueError``, so pydantic validators may raise it directly."""


class Unavailable(AvisaError):
    pass
