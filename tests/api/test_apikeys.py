from core.apikeys import create_key
from core.db import session_scope


def test_keys_are_listed_without_their_secret_and_revoked_at_once(api, client):
    created = api.post("/api/v1/apikeys", json={"name": "ana", "role": "coordinator"})
    assert created.status_code == 201
    new = created.json()
    assert new["key"].startswith("avk_") and new["role"] == "coordinator"
    headers = {"Authorization": f"Bearer {new['key']}"}
    assert client.get("/api/v1/zones", headers=headers).status_code == 200

    listed = api.get("/api/v1/apikeys").json()["items"]
    assert {k["name"] for k in listed} == {"test-admin", "ana"}
    assert all("key" not in k and "key_hash" not in k for k in listed)
    ana = next(k for k in listed if k["name"] == "ana")
    assert ana["last_used_at"] is not None and ana["revoked_at"] is None
    assert new["key"] not in api.get("/api/v1/apikeys").text

    assert api.delete(f"/api/v1/apikeys/{new['id']}").status_code == 204
    assert client.get("/api/v1/zones", headers=headers).status_code == 401
    assert api.delete(f"/api/v1/apikeys/{new['id']}").status_code == 204  # no change
    revoked = next(k for k in api.get("/api/v1/apikeys").json()["items"] if k["name"] == "ana")
    assert revoked["revoked_at"] is not None
    assert api.delete("/api/v1/apikeys/999999").status_code == 404
    events = api.get("/api/v1/audit?action=apikey.&actor=apikey:test-admin").json()["items"]
    assert [(e["action"], e["target"]) for e in events] == [
        ("apikey.revoke", f"apikey:{new['id']}"),
        ("apikey.create", f"apikey:{new['id']}"),
    ]


def test_only_admins_manage_keys(client, db):
    with session_scope(db) as session:
        _, coordinator = create_key(session, name="c", role="coordinator")
    headers = {"Authorization": f"Bearer {coordinator}"}
    assert client.get("/api/v1/apikeys", headers=headers).status_code == 403
    assert (
        client.post("/api/v1/apikeys", json={"name": "x", "role": "admin"}, headers=headers)
    ).status_code == 403
    assert client.delete("/api/v1/apikeys/1", headers=headers).status_code == 403
    assert client.get("/api/v1/audit", headers=headers).status_code == 403


def test_bad_key_requests_are_422(api):
    assert api.post("/api/v1/apikeys", json={"name": "x", "role": "root"}).status_code == 422
    assert api.post("/api/v1/apikeys", json={"name": "", "role": "admin"}).status_code == 422
    assert api.post("/api/v1/apikeys", json={"name": "a\x00b", "role": "admin"}).status_code == 422
