"""API keys for admins: list (never the secret), create (the secret shown once), revoke."""

from fastapi import APIRouter

from api.deps import Admin, SessionDep, actor
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import API_ERRORS, ApiKeyCreated, ApiKeyIn, ApiKeyOut, Id
from core import apikeys
from core.models import ApiKey

router = APIRouter(prefix="/api/v1/apikeys", tags=["apikeys"], responses=API_ERRORS)


def key_out(key: ApiKey) -> ApiKeyOut:
    return ApiKeyOut.model_validate(key, from_attributes=True)


@router.get("")
def list_keys(
    session: SessionDep, _: Admin, cursor: Cursor = None, limit: Limit = 100
) -> Page[ApiKeyOut]:
    rows, next_cursor = paginate(session, apikeys.listing(), ApiKey, cursor, limit)
    return Page(items=[key_out(k) for k in rows], next_cursor=next_cursor)


@router.post("", status_code=201)
def create_key(body: ApiKeyIn, session: SessionDep, key: Admin) -> ApiKeyCreated:
    """The answer holds the key itself, once: only its hash is stored."""
    new, plaintext = apikeys.create_key(session, name=body.name, role=body.role, actor=actor(key))
    session.commit()
    return ApiKeyCreated(**key_out(new).model_dump(), key=plaintext)


@router.delete("/{key_id}", status_code=204)
def revoke_key(key_id: Id, session: SessionDep, key: Admin) -> None:
    """Revoked at once: the next request with it answers 401. Revoking twice changes nothing."""
    apikeys.revoke(session, key_id, actor=actor(key))
    session.commit()
