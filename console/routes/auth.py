"""Sign-in, sign-out and the reader's language."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request

from console.errors import ConsoleRoute
from console.web import (
    LOGIN_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    SessionDep,
    VaultDep,
    Viewer,
    back,
    redirect,
    render,
    say,
    set_cookie,
)
from core import users

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
LOGIN_FORM_SECONDS = 3600


def _safe_next(target: str) -> str:
    """Only a console path: never a redirect to another host."""
    if target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return PREFIX + "/"


def _login_page(request: Request, *, error: str | None = None, status_code: int = 200):
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        status_code,
        login_csrf=token,
        error=error,
        next=_safe_next(request.query_params.get("next", "")),
    )
    set_cookie(request, response, LOGIN_COOKIE, token, max_age=LOGIN_FORM_SECONDS)
    return response


@router.get("/login")
def login_form(request: Request):
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    vault: VaultDep,
    username: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
):
    paired = request.cookies.get(LOGIN_COOKIE, "")
    if not paired or not secrets.compare_digest(csrf.encode(), paired.encode()):
        return _login_page(request, error=say(request, "login.expired"), status_code=403)
    client = vault.index(f"console-client:{request.client.host if request.client else ''}")
    try:
        user, token = users.sign_in(session, username, password, client=client)
    except users.SignInRefused as refused:
        session.commit()  # the failure counts towards the limits
        if refused.wait is None:
            return _login_page(request, error=say(request, "login.wrong"), status_code=401)
        seconds = max(1, round(refused.wait.total_seconds()))
        if seconds < 120:
            error = say(request, "login.wait_seconds", seconds=seconds)
        else:
            error = say(request, "login.wait_minutes", minutes=-(-seconds // 60))
        response = _login_page(request, error=error, status_code=429)
        response.headers["Retry-After"] = str(seconds)
        return response
    session.commit()
    response = redirect(request, _safe_next(next))
    set_cookie(
        request,
        response,
        SESSION_COOKIE,
        token,
        max_age=int(users.SESSION_LIFETIME.total_seconds()),
    )
    response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, who: Viewer):
    users.sign_out(session, who)
    session.commit()
    response = redirect(request, PREFIX + "/login")
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


@router.post("/language")
def switch_language(request: Request, session: SessionDep, who: Viewer):
    users.set_language(session, who.user, "en" if who.user.language == "es" else "es")
    session.commit()
    return redirect(request, back(request))
