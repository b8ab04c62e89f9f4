"""API keys, for admins: list (never a secret), create (the secret shown once), revoke.

The same core service as ``/api/v1/apikeys`` (``core.apikeys``, audited there). A new key's
secret is in the answer to the form that made it and nowhere else: not in a flash cookie, not
in any later page, and the answer tells the browser not to keep it (``Cache-Control: no-store``).
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from console import actions
from console.errors import ConsoleRoute
from console.web import PREFIX, Admin, SessionDep, redirect, render, say
from core import apikeys, users

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
PAGE = PREFIX + "/apikeys"


def _page(request: Request, session, **more):
    return render(
        request,
        "apikeys.html",
        keys=sorted(apikeys.all_keys(session), key=lambda k: k.id or 0, reverse=True),
        roles=apikeys.ROLES,
        nav="apikeys",
        **more,
    )


@router.get("/apikeys")
def keys_page(request: Request, session: SessionDep, _: Admin):
    return _page(request, session)


@router.post("/apikeys")
def create_key(
    request: Request,
    session: SessionDep,
    who: Admin,
    name: Annotated[str, Form(max_length=apikeys.NAME_MAX)],
    role: Annotated[str, Form()],
):
    key, secret = actions.create_api_key(session, name=name, role=role, actor=users.actor(who.user))
    response = _page(request, session, created=key, secret=secret)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/apikeys/{key_id}/revoke")
def revoke_key(key_id: int, request: Request, session: SessionDep, who: Admin):
    key = actions.revoke_api_key(session, key_id, actor=users.actor(who.user))
    return redirect(request, PAGE, flash=say(request, "keys.revoked", name=key.name))
