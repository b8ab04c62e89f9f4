import pytest
from sqlmodel import select

from core.db import session_scope
from core.models import Subscriber

# Both databases: the import is a bulk INSERT … RETURNING; roles and zones are JSON columns.
pytestmark = pytest.mark.dialects

ZONE = {"name": "South Gate", "zips": ["90280"]}


def _zone(api):
    return api.post("/api/v1/zones", json=ZONE).json()["id"]


def test_unauthenticated_and_wrong_keys_get_401(client):
    assert client.get("/api/v1/incidents").status_code == 401
    assert (
        client.get("/api/v1/incidents", headers={"Authorization": "Bearer avk_nope"}).status_code
        == 401
    )
    assert client.get("/healthz").status_code == 200


def test_viewer_cannot_write_and_coordinator_cannot_preconfirm(client, db):
    from core.apikeys import create_key

    with session_scope(db) as session:
        _, viewer = create_key(session, name="v", role="viewer")
        _, coordinator = create_key(session, name="c", role="coordinator")
    assert (
        client.post(
            "/api/v1/zones", json=ZONE, headers={"Authorization": f"Bearer {viewer}"}
        ).status_code
        == 403
    )
    headers = {"Authorization": f"Bearer {coordinator}"}
    zone = client.post("/api/v1/zones", json=ZONE, headers=headers).json()["id"]
    body = {"phone": "+13235550101", "name": "Ana", "zone_ids": [zone], "confirmed": True}
    assert client.post("/api/v1/subscribers", json=body, headers=headers).status_code == 403


def test_bad_phone_numbers_get_422_saying_why(api):
    zone = _zone(api)
    for phone in ["12", "not a phone", "+1 555 0000", "+999123"]:
        response = api.post(
            "/api/v1/subscribers", json={"phone": phone, "name": "x", "zone_ids": [zone]}
        )
        assert response.status_code == 422, phone
        assert "phone" in response.text.lower()


def test_phone_is_normalised_masked_and_unique(api):
    zone = _zone(api)
    created = api.post(
        "/api/v1/subscribers", json={"phone": "(323) 555-0101", "name": "Ana", "zone_ids": [zone]}
    )
    assert created.status_code == 201 and created.json()["phone"] == "+1••••••0101"
    again = api.post(
        "/api/v1/subscribers", json={"phone": "+13235550101", "name": "Ana B", "zone_ids": [zone]}
    )
    assert again.status_code == 409


def test_zone_shapes_are_validated(api):
    assert api.post("/api/v1/zones", json={"name": "x"}).status_code == 422
    assert api.post("/api/v1/zones", json={"name": "x", "zips": ["9025"]}).status_code == 422
    assert (
        api.post(
            "/api/v1/zones", json={"name": "x", "center": {"lat": 33.9, "lon": -118.2}}
        ).status_code
        == 422
    )
    square = {
        "type": "Polygon",
        "coordinates": [[[-118.23, 33.97], [-118.22, 33.97], [-118.22, 33.98], [-118.23, 33.97]]],
    }
    assert api.post("/api/v1/zones", json={"name": "sq", "geometry": square}).status_code == 201
    assert (
        api.post("/api/v1/zones", json={"name": "bad", "geometry": {"type": "Point"}}).status_code
        == 422
    )


def test_unknown_zone_and_unknown_field_are_refused(api):
    assert (
        api.post(
            "/api/v1/subscribers", json={"phone": "+13235550101", "name": "A", "zone_ids": [99]}
        ).status_code
        == 422
    )
    assert (
        api.post(
            "/api/v1/subscribers", json={"phone": "+13235550101", "name": "A", "colour": "red"}
        ).status_code
        == 422
    )


def test_csv_import_reports_bad_rows_and_keeps_good_ones(api):
    _zone(api)
    csv = "\n".join(
        [
            "phone,name,language,roles,zones",
            "+13235550101,Ana,es,responder,South Gate",
            "nonsense,Bea,es,responder,South Gate",
            "+13235550102,Carla,en,responder;legal_aid,South Gate",
            "+13235550103,Dora,fr,responder,South Gate",
            "+13235550104,Eva,es,responder,Nowhere",
            "+13235550101,Ana again,es,responder,South Gate",
        ]
    )
    result = api.post(
        "/api/v1/subscribers/import", content=csv, headers={"content-type": "text/csv"}
    ).json()
    assert result["created"] == 2 and result["updated"] == 0
    assert [e["row"] for e in result["errors"]] == [3, 5, 6, 7]
    names = {s["name"] for s in api.get("/api/v1/subscribers").json()["items"]}
    assert names == {"Ana", "Carla"}  # no half-imported row
    again = api.post(
        "/api/v1/subscribers/import",
        content="phone,name,language,roles,zones\n+13235550101,Ana M,en,legal_aid,",
        headers={"content-type": "text/csv"},
    ).json()
    assert again["updated"] == 1 and again["created"] == 0


def test_a_thousand_rows_import_in_one_request(api, work):
    # How fast: bench/subscriber_import.py.
    _zone(api)
    rows = ["phone,name,language,roles,zones"] + [
        f"+1323555{i:04d},Vol {i},es,responder,South Gate" for i in range(1000)
    ]
    result = api.post(
        "/api/v1/subscribers/import", content="\n".join(rows), headers={"content-type": "text/csv"}
    ).json()
    assert result["created"] == 1000 and not result["errors"]


def test_numbers_are_never_stored_in_plaintext(api, db):
    zone = _zone(api)
    api.post(
        "/api/v1/subscribers", json={"phone": "+13235550177", "name": "Ana", "zone_ids": [zone]}
    )
    with session_scope(db) as session:
        subscriber = session.exec(select(Subscriber)).one()
        assert (
            "3235550177" not in subscriber.phone_enc and "3235550177" not in subscriber.phone_hash
        )
    with db.connect() as conn:
        from sqlalchemy import text

        for table in ("subscriber", "message"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                assert "5550177" not in str(tuple(row))
