"""Subscribers at scale: list filters, the CSV export, and an import that takes hostile files."""

import csv
import io

import pytest

from core.apikeys import create_key
from core.db import session_scope

# Both databases: the import is a bulk INSERT … RETURNING; the role filter reads a JSON column.
pytestmark = pytest.mark.dialects

CSV = {"content-type": "text/csv"}


def _import(api, text: str | bytes):
    return api.post("/api/v1/subscribers/import", content=text, headers=CSV)


def _roster(api):
    north = api.post("/api/v1/zones", json={"name": "North", "zips": ["90255"]}).json()["id"]
    south = api.post("/api/v1/zones", json={"name": "South", "zips": ["90280"]}).json()["id"]
    rows = [
        "phone,name,language,roles,zones,confirmed",
        "+13235550101,Ana Lopez,es,responder,North,yes",
        "+13235550102,Bob Smith,en,legal_aid,South,yes",
        "+13235550103,Ana Maria,en,responder;legal_aid,North;South,",
    ]
    assert _import(api, "\n".join(rows)).json()["created"] == 3
    return north, south


def _names(api, **params) -> set[str]:
    return {s["name"] for s in api.get("/api/v1/subscribers", params=params).json()["items"]}


def test_the_list_filters(api):
    north, south = _roster(api)
    assert _names(api, zone_id=north) == {"Ana Lopez", "Ana Maria"}
    assert _names(api, zone_id=south, role="legal_aid") == {"Bob Smith", "Ana Maria"}
    assert _names(api, role="responder", language="en") == {"Ana Maria"}
    assert _names(api, status="pending") == {"Ana Maria"}
    assert _names(api, q="ana") == {"Ana Lopez", "Ana Maria"}
    assert _names(api, q="%") == set()  # a wildcard is a character
    assert api.get("/api/v1/subscribers", params={"role": "boss"}).status_code == 422
    assert api.get("/api/v1/subscribers", params={"q": "a\x00"}).status_code == 422


def test_export_is_masked_formula_safe_and_for_admins(api, client, db):
    _roster(api)
    api.post(
        "/api/v1/subscribers",
        json={"phone": "+13235550109", "name": "Zed\tTab", "zone_ids": []},
    )
    response = api.get("/api/v1/subscribers.csv", params={"zone_id": 1})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["name"] for r in rows} == {"Ana Lopez", "Ana Maria"}
    assert all(r["phone"].startswith("'+1") and r["phone"].endswith(("0101", "0103")) for r in rows)
    assert "3235550101" not in response.text
    assert {r["zones"] for r in rows} == {"North", "North;South"}
    whole = api.get("/api/v1/subscribers.csv").text
    assert "Zed\tTab" in whole  # a tab inside is text; only a leading one is neutralised
    with session_scope(db) as session:
        _, coordinator = create_key(session, name="c", role="coordinator")
    headers = {"Authorization": f"Bearer {coordinator}"}
    assert client.get("/api/v1/subscribers.csv", headers=headers).status_code == 403


def test_import_uses_the_apis_checks(api):
    api.post("/api/v1/zones", json={"name": "North", "zips": ["90255"]})
    rows = [
        "phone,name,language,roles,zones",
        f"+13235550101,{'x' * 121},es,responder,North",  # longer than SubscriberIn allows
        "+13235550102,=cmd|' /C calc'!A0,es,responder,North",
        "+13235550103,@SUM(1+1),es,responder,North",
        "+13235550104,-2+3,es,responder,North",
        "+13235550105,Ana\x01,es,responder,North",
        "+13235550106,Bea,es,responder,²",
        "+13235550107,Cy,es,responder,99999999999999999999999",
        "+13235550108,Dee,es,responder,North",
    ]
    result = _import(api, "\n".join(rows)).json()
    assert result["created"] == 1
    assert [e["row"] for e in result["errors"]] == [2, 3, 4, 5, 6, 7, 8]
    assert "120" in result["errors"][0]["error"] and "formula" in result["errors"][1]["error"]
    too_long = api.post("/api/v1/subscribers", json={"phone": "+13235550111", "name": "x" * 121})
    assert too_long.status_code == 422


def test_hostile_files_get_a_reason_never_a_500(api):
    not_utf8 = _import(api, "phone,name\n+13235550101,Jos\xe9\n".encode("latin-1"))
    assert not_utf8.status_code == 400 and "UTF-8" in not_utf8.json()["detail"]
    assert _import(api, b"\x89PNG\r\n\x1a\n\x00\x00").status_code == 400
    no_header = _import(api, "hello,world\n1,2\n")
    assert no_header.status_code == 400 and "phone" in no_header.json()["detail"]
    huge = _import(api, "phone,name\n+13235550101," + "y" * 200_000 + "\n+13235550102,Bo\n")
    assert huge.status_code == 200
    assert huge.json()["created"] == 1 and huge.json()["errors"][0]["row"] == 2
    quoted = _import(api, 'phone,name\n+13235550103,"' + "z" * 140_000 + '"\n')
    assert quoted.status_code == 200 and quoted.json()["errors"]
    nul = _import(api, "phone,name\n+1323555\x000104,Ana\n+13235550105,Bea\x00\n")
    assert nul.status_code == 200 and len(nul.json()["errors"]) == 2
    big = _import(api, b"phone,name\n" + b"x" * 5_000_001)
    assert big.status_code == 400
    assert _import(api, "").status_code == 400
