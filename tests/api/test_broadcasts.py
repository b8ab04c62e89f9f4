import pytest
from sqlmodel import select

from core.db import session_scope
from core.models import Message

# Both databases: a broadcast's texts are one bulk INSERT … RETURNING; its audience reads JSON.
pytestmark = pytest.mark.dialects


def _people(api):
    north = api.post("/api/v1/zones", json={"name": "North", "zips": ["90255"]}).json()["id"]
    south = api.post("/api/v1/zones", json={"name": "South", "zips": ["90280"]}).json()["id"]
    people = [
        ("+13235550101", "Ana", "es", ["responder"], [north], True),
        ("+13235550102", "Bob", "en", ["responder", "legal_aid"], [north, south], True),
        ("+13235550103", "Cy", "en", ["legal_aid"], [south], True),
        ("+13235550104", "Dee", "es", ["responder"], [north], False),  # pending: never texted
    ]
    ids = {}
    for phone, name, language, roles, zones, confirmed in people:
        body = {"phone": phone, "name": name, "language": language, "roles": roles}
        body |= {"zone_ids": zones, "confirmed": confirmed}
        ids[name] = api.post("/api/v1/subscribers", json=body).json()["id"]
    opted = api.post(
        "/api/v1/subscribers",
        json={"phone": "+13235550105", "name": "Eve", "zone_ids": [north], "confirmed": True},
    ).json()["id"]
    api.patch(f"/api/v1/subscribers/{opted}", json={"status": "opted_out"})
    return north, south, ids


def test_preview_counts_and_sends_nothing(api, db):
    north, south, _ = _people(api)
    body = {"es": "Reunion hoy a las 6", "en": "Meeting today at 6"}
    preview = api.post(
        "/api/v1/broadcasts",
        json={"zone_ids": [north], "roles": ["responder"], "body": body, "preview": True},
    )
    assert preview.status_code == 200 and preview.json() == {"recipients": 2, "segments": 2}
    with session_scope(db) as session:
        assert not session.exec(select(Message).where(Message.kind == "broadcast")).all()
    assert api.get("/api/v1/broadcasts").json()["items"] == []
    everyone = api.post(
        "/api/v1/broadcasts",
        json={
            "zone_ids": [north, south],
            "roles": ["responder", "legal_aid"],
            "body": {"en": "x" * 200},
            "preview": True,
        },
    ).json()
    assert everyone == {"recipients": 3, "segments": 6}  # 2 segments each, nobody twice


def test_each_recipient_gets_one_text_in_their_language(api, db, work):
    north, _, ids = _people(api)
    sent = api.post(
        "/api/v1/broadcasts",
        json={"zone_ids": [north], "roles": ["responder"], "body": {"es": "Hola", "en": "Hi"}},
    )
    assert sent.status_code == 201, sent.text
    broadcast = sent.json()
    assert broadcast["recipients"] == 2 and broadcast["body"] == {"es": "Hola", "en": "Hi"}
    work()
    with session_scope(db) as session:
        texts = session.exec(select(Message).where(Message.kind == "broadcast")).all()
        got = {(m.subscriber_id, m.body, m.dedupe_key) for m in texts}
    bid = broadcast["id"]
    assert got == {
        (ids["Ana"], "Avisa: Hola", f"broadcast:{bid}:{ids['Ana']}"),
        (ids["Bob"], "Avisa: Hi", f"broadcast:{bid}:{ids['Bob']}"),
    }
    listed = api.get("/api/v1/broadcasts").json()["items"]
    assert [b["id"] for b in listed] == [bid]
    assert listed[0]["recipients"] == 2 and listed[0]["delivery"] == {"delivered": 2}
    kinds = {m["kind"] for m in api.get("/api/v1/messages?kind=broadcast").json()["items"]}
    assert kinds == {"broadcast"}


def test_missing_language_falls_back_and_bad_requests_are_refused(api, db, work):
    north, _, ids = _people(api)
    api.post(
        "/api/v1/broadcasts",
        json={"zone_ids": [north], "roles": ["responder"], "body": {"es": "Solo"}},
    )
    work()
    with session_scope(db) as session:
        bob = session.exec(select(Message).where(Message.subscriber_id == ids["Bob"])).all()
        assert [m.body for m in bob if m.kind == "broadcast"] == ["Avisa: Solo"]
    for bad in (
        {"zone_ids": [north], "body": {}},
        {"zone_ids": [north], "body": {"es": "  "}},
        {"zone_ids": [], "body": {"es": "x"}},
        {"zone_ids": [999], "body": {"es": "x"}},
        {"zone_ids": [2**40], "body": {"es": "x"}},
        {"zone_ids": [north], "roles": ["boss"], "body": {"es": "x"}},
        {"zone_ids": [north], "body": {"es": "x", "fr": "y"}},
        {"zone_ids": [north], "body": {"es": "x\x00"}},
    ):
        assert api.post("/api/v1/broadcasts", json=bad).status_code == 422, bad


def test_viewers_cannot_broadcast(client, db):
    from core.apikeys import create_key

    with session_scope(db) as session:
        _, viewer = create_key(session, name="v", role="viewer")
    response = client.post(
        "/api/v1/broadcasts",
        json={"zone_ids": [1], "body": {"es": "x"}},
        headers={"Authorization": f"Bearer {viewer}"},
    )
    assert response.status_code == 403
