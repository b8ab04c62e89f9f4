"""Errors become answers once, here, for every console route (the console's ``route_class``).

    NotSignedIn                       → the sign-in page (htmx polls: 401 + HX-Redirect)
    Forbidden (403)                   → a 403 page naming why (a viewer's POST, a bad CSRF token)
    core.errors.NotFound              → back with a flash message (a GET: a 404 page)
    core.errors.AvisaError (others)   → back to the page the form was on, with its message flashed
    a form field of the wrong type    → back with the field named
    a Redis outage                    → back with "the queue is not answering"

so a coordinator never meets a 500 for something the domain refused.

Every message is said in the reader's language. A domain error carries its English template
and params (``core.errors``); ``message_of`` looks the template up in
``console.catalogue.ERRORS`` and fills the Spanish one, translating params that are themselves
errors (a cause) or vocabulary (an incident status, a role). An error raised with a template
the catalogue lacks shows in English, as the API says it: never a crash, and a test keeps the
catalogue complete. Framework refusals of a form field are said by their pydantic type
(``FIELD_ERRORS``).
"""

from collections.abc import Callable
from urllib.parse import quote

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from redis.exceptions import RedisError

from console.catalogue import ERRORS, FIELD_ERRORS, translate
from console.web import PREFIX, NotSignedIn, back, language_of, redirect, render, say
from core.enums import IncidentStatus, SubscriberRole
from core.errors import AvisaError, NotFound

# Vocabulary a template may name, and the catalogue key prefix that says it.
VOCABULARY = {IncidentStatus: "status.", SubscriberRole: "role."}


class ConsoleRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except NotSignedIn:
                return _to_sign_in(request)
            except HTTPException as exc:
                if exc.status_code == 403:
                    return render(request, "error.html", 403, message=say(request, exc.detail))
                raise
            except NotFound as exc:
                if request.method == "GET":
                    return render(request, "error.html", 404, message=message_of(request, exc))
                return redirect(request, back(request), flash=message_of(request, exc))
            except AvisaError as exc:
                return redirect(request, back(request), flash=message_of(request, exc))
            except RequestValidationError as exc:
                if request.method == "GET":
                    return render(request, "error.html", 400, message=_fields(request, exc))
                return redirect(request, back(request), flash=_fields(request, exc))
            except RedisError:
                return redirect(request, back(request), flash=say(request, "error.redis"))

        return guarded


def message_of(request: Request, exc: AvisaError) -> str:
    """What the domain refused, in the reader's language."""
    return say_error(language_of(request), exc)


def say_error(language: str, exc: AvisaError) -> str:
    """``exc`` in ``language``: its template's entry in the catalogue with its params filled
    (each said in ``language`` too), else its English text."""
    template = ERRORS.get(exc.template) if language != "en" else None
    if template is None:
        return str(exc)
    params = {name: _said(language, value) for name, value in exc.params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):  # a catalogue entry out of step: still say it
        return str(exc)


def _said(language: str, value: object) -> object:
    if isinstance(value, AvisaError):
        return say_error(language, value)
    for vocabulary, prefix in VOCABULARY.items():
        if isinstance(value, vocabulary):
            return translate(language, prefix + value.value)
    return value


def _fields(request: Request, exc: RequestValidationError) -> str:
    """ "lat: must be a number" for each field a form got wrong, in the reader's language."""
    language = language_of(request)
    said = []
    for error in exc.errors():
        entry = FIELD_ERRORS.get(error["type"])
        text = entry[language].format(**error.get("ctx", {})) if entry else error["msg"]
        said.append(f"{error['loc'][-1]}: {text}")
    return "; ".join(said)


def _to_sign_in(request: Request) -> Response:
    target = f"{PREFIX}/login?next={quote(request.url.path)}"
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return redirect(request, target)
