"""The console's request plumbing: who is signed in, CSRF, roles, pages (the settings, session
and vault are ``console.deps``'s, shared with the JSON API).

Every POST passes a CSRF check: signed-in forms carry their session's token (field ``csrf`` or
header ``X-CSRF-Token``), the sign-in form a token paired with a short-lived cookie.
"""

import secrets
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from console.basemap import basemap_path
from console.catalogue import LANGUAGES, translate

# The console's routes import these from here, beside its own checks (one front-door module).
from console.deps import SessionDep as SessionDep
from console.deps import SettingsDep as SettingsDep
from console.deps import VaultDep as VaultDep
from console.deps import app_settings
from console.deps import get_or_404 as get_or_404
from core import users
from core.enums import NOT_SIGHTING, AccessRole
from core.phones import mask_numbers_in

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "avisa_console"
LOGIN_COOKIE = "avisa_login"
FLASH_COOKIE = "avisa_flash"
PREFIX = "/console"
POLL_SECONDS = 3  # how often the live parts of a page (the board, an incident) ask again

# Pages may load nothing from another host, and may not be framed. MapLibre starts its worker
# from a blob: URL and sets element styles; everything else is this origin's own files.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; worker-src 'self' blob:; "
    "child-src blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
# Flags of reports that are no sighting: shown marked, never offered to split or place.
templates.globals["not_sighting"] = [str(flag) for flag in NOT_SIGHTING]
# Free text a person typed (a report, a note, a reply, an audit detail) is shown with any number
# in it masked, as the API answers it: "llamen al 323-555-0101" → "llamen al •••-•••-0101".
templates.filters["masked"] = lambda text: mask_numbers_in(text) if text else text


class NotSignedIn(Exception):
    """No live session: the console answers with the sign-in page (``console.errors``)."""


class Forbidden(HTTPException):
    def __init__(self, key: str = "error.forbidden"):
        super().__init__(status.HTTP_403_FORBIDDEN, key)


def set_cookie(request: Request, response, name: str, value: str, *, max_age=None) -> None:
    """HTTP-only, SameSite=Lax, and Secure whenever Avisa's public URL is https."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=PREFIX,
        httponly=True,
        samesite="lax",
        secure=app_settings(request).public_url.startswith("https://"),
    )


async def _posted_csrf(request: Request) -> str:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    form = await request.form()
    return str(form.get("csrf", ""))


async def signed_in(request: Request, session: SessionDep) -> users.SignedIn:
    """The signed-in user; on a POST also checks the form's CSRF token against the session's."""
    who = users.resolve(session, request.cookies.get(SESSION_COOKIE))
    if who is None:
        raise NotSignedIn()
    request.state.who = who  # before the CSRF check: a refusal is shown in the user's language
    if request.method == "POST":
        sent = await _posted_csrf(request)
        if not secrets.compare_digest(sent.encode(), who.session.csrf_token.encode()):
            raise Forbidden("error.csrf")
    return who


def require(role: AccessRole):
    def check(who: Annotated[users.SignedIn, Depends(signed_in)]) -> users.SignedIn:
        if not users.may(who.user, role):
            raise Forbidden()
        return who

    return check


Viewer = Annotated[users.SignedIn, Depends(signed_in)]
Coordinator = Annotated[users.SignedIn, Depends(require(AccessRole.COORDINATOR))]
Admin = Annotated[users.SignedIn, Depends(require(AccessRole.ADMIN))]


def language_of(request: Request) -> str:
    who = getattr(request.state, "who", None)
    if who is not None:
        return who.user.language
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "es"


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    """A page or fragment, in the reader's language, with any flash message shown once."""
    language = language_of(request)
    who = getattr(request.state, "who", None)
    flash = unquote(request.cookies.get(FLASH_COOKIE, "")) or None
    html = templates.get_template(name).render(
        request=request,
        t=lambda key, **params: translate(language, key, **params),
        lang=language,
        who=who,
        csrf=who.session.csrf_token if who else "",
        can_act=bool(who and users.may(who.user, AccessRole.COORDINATOR)),
        is_admin=bool(who and users.may(who.user, AccessRole.ADMIN)),
        flash=flash,
        prefix=PREFIX,
        has_basemap=basemap_path(app_settings(request)) is not None,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
    # Fragments and htmx polls leave the flash for the page: a poll answered while a form was
    # being sent would otherwise eat the message its redirect set.
    if flash and not name.startswith("_") and not request.headers.get("hx-request"):
        response.delete_cookie(FLASH_COOKIE, path=PREFIX)
    return response


def redirect(request: Request, to: str, *, flash: str | None = None) -> RedirectResponse:
    """303 to a console page, with a message the next page shows once."""
    response = RedirectResponse(to, status_code=status.HTTP_303_SEE_OTHER)
    if flash:
        set_cookie(request, response, FLASH_COOKIE, quote(flash), max_age=60)
    return response


def say(request: Request, key: str, **params) -> str:
    """A catalogue text in the reader's language, for a flash message."""
    return translate(language_of(request), key, **params)


def back(request: Request, fallback: str = PREFIX + "/") -> str:
    """Where a failed action returns to: the page it came from, when that is a console page."""
    referer = request.headers.get("referer", "")
    marker = referer.find(PREFIX + "/")
    return referer[marker:] if marker >= 0 else fallback
