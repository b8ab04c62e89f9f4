"""Errors become answers once, here, for every console route (the console's ``route_class``).

    NotSignedIn                       → the sign-in page (htmx polls: 401 + HX-Redirect)
    Forbidden (403)                   → a 403 page naming why (a viewer's POST, a bad CSRF token)
    core.errors.NotFound              → back with a flash message (a GET: a 404 page)
    core.errors.AvisaError (others)   → back to the page the form was on, with its message flashed
    a form field of the wrong type    → back with the field named
    a Redis outage                    → back with "the queue is not answering"

so a coordinator never meets a 500 for something the domain refused.
"""

from collections.abc import Callable
from urllib.parse import quote

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from redis.exceptions import RedisError

from console.web import PREFIX, NotSignedIn, back, redirect, render, say
from core.errors import AvisaError, NotFound


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
                    return render(request, "error.html", 404, message=str(exc))
                return redirect(request, back(request), flash=str(exc))
            except AvisaError as exc:
                return redirect(request, back(request), flash=str(exc))
            except RequestValidationError as exc:
                if request.method == "GET":
                    return render(request, "error.html", 400, message=_fields(exc))
                return redirect(request, back(request), flash=_fields(exc))
            except RedisError:
                return redirect(request, back(request), flash=say(request, "error.redis"))

        return guarded


def message_of(request: Request, exc: AvisaError) -> str:
    """What the domain refused, for the reader of the page."""
    return str(exc)


def _fields(exc: RequestValidationError) -> str:
    """ "lat: Input should be a valid number" for each field a form got wrong."""
    return "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in exc.errors())


def _to_sign_in(request: Request) -> Response:
    target = f"{PREFIX}/login?next={quote(request.url.path)}"
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return redirect(request, target)
