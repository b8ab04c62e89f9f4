"""The API keys page (admins): list, create (the secret shown once), revoke — core.apikeys, as
/api/v1/apikeys; the key works on the API at once and stops at once."""

import re

from sqlmodel import Session, select

from core.models import ApiKey, AuditEvent
from tests.console.conftest import csrf_of
from tests.console.test_accounts import sign_in

PAGE = "/console/apikeys"


def test_an_admin_makes_a_key_sees_it_once_and_revokes_it(client, make_user, db):
    sign_in(client, "ana", make_user("ana", "admin", language="es"))
    page = client.get(PAGE)
    assert page.status_code == 200 and "Nueva clave" in page.text and "No hay claves." in page.text
    made = client.post(
        PAGE, data={"csrf": csrf_of(page.text), "name": "tablero-sur", "role": "viewer"}
    )
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    secret = re.search(r'<code class="secret">(avk_[^<]+)</code>', made.text).group(1)
    assert "no se volverá a mostrar" in made.text and "lectura" in made.text

    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/incidents", headers=bearer).status_code == 200
    listed = client.get(PAGE).text
    assert secret not in listed and "tablero-sur" in listed  # shown once, never again
    with Session(db) as session:
        key = session.exec(select(ApiKey)).one()
        assert key.key_hash != secret and secret not in key.key_hash

    revoked = client.post(
        f"{PAGE}/{key.id}/revoke", data={"csrf": csrf_of(listed)}, follow_redirects=False
    )
    assert revoked.status_code == 303
    after = client.get(PAGE).text
    assert "Clave «tablero-sur» revocada" in after and "revocada 20" in after
    assert f'action="/console/apikeys/{key.id}/revoke"' not in after
    assert client.get("/api/v1/incidents", headers=bearer).status_code == 401
    with Session(db) as session:
        actions = session.exec(select(AuditEvent.action, AuditEvent.actor)).all()
        assert ("apikey.create", "user:ana") in actions and ("apikey.revoke", "user:ana") in actions


def test_a_bad_name_is_flashed_and_coordinators_are_refused(client, make_user, db):
    sign_in(client, "ana", make_user("ana", "admin"))
    csrf = csrf_of(client.get(PAGE).text)
    blank = client.post(
        PAGE, data={"csrf": csrf, "name": "  ", "role": "admin"}, headers={"referer": PAGE}
    )
    assert blank.status_code == 200 and "name: 1 to 120 characters" in blank.text
    unknown = client.post(f"{PAGE}/999/revoke", data={"csrf": csrf}, headers={"referer": PAGE})
    assert "no such API key" in unknown.text

    sign_in(client, "cora", make_user("cora", "coordinator"))
    assert client.get(PAGE).status_code == 403
    csrf = csrf_of(client.get("/console/").text)
    assert client.post(PAGE, data={"csrf": csrf, "name": "x", "role": "admin"}).status_code == 403
    with Session(db) as session:
        assert session.exec(select(ApiKey)).all() == []
