"""The cases API: legal aid and admin keys only, every look audited; the race of two volunteers
taking one case; escalation of an untaken case; the purge of a closed one."""

import threading
from datetime import timedelta

import pytest
from sqlmodel import col, select

from core import case_offers, cases, privacy
from core.apikeys import create_key
from core.clock import frozen_at, now
from core.db import session_scope
from core.enums import CaseStatus, Channel, Language
from core.errors import Conflict
from core.models import AuditEvent, CaseEntry, DetentionCase, Message, Subscriber
from core.phones import vault_for
from workers.effects import Effects

FAMILY = "+13105550101"
ROUTES = [
    ("get", "/api/v1/cases", None),
    ("get", "/api/v1/cases/{id}", None),
    ("post", "/api/v1/cases/{id}/take", None),
    ("post", "/api/v1/cases/{id}/status", {"status": "in_contact"}),
    ("post", "/api/v1/cases/{id}/notes", {"text": "llamé"}),
    ("post", "/api/v1/cases/{id}/reply", {"text": "hola"}),
]


def call(client, method, path, body, **kwargs):
    if method == "get":
        return client.get(path, **kwargs)
    return client.post(path, json=body, **kwargs)


def key_for(db, role: str) -> str:
    with session_scope(db) as session:
        return create_key(session, name=f"k-{role}", role=role)[1]


def open_case(db, settings, *, name="Juan Perez", zone_id=None) -> int:
    vault = vault_for(settings.secret_key)
    with session_scope(db) as session:
        case, _ = cases.open_case(
            session,
            vault,
            source_sid="SM" + str(now().timestamp()),
            family=FAMILY,
            language=Language.ES,
            channel=Channel.SMS,
        )
        case.name_enc, case.zone_id = cases.seal(vault, name), zone_id
        Effects.record(session, case_offers.offer(session, case))
        return case.id


def volunteer(api, phone, zone, roles=("legal_aid",)) -> int:
    body = {"phone": phone, "name": "Vol", "language": "es", "roles": list(roles)}
    made = api.post("/api/v1/subscribers", json=body | {"zone_ids": [zone], "confirmed": True})
    assert made.status_code == 201, made.text
    return made.json()["id"]


@pytest.mark.parametrize("role", ["viewer", "coordinator"])
def test_no_route_answers_a_key_that_is_not_legal_aid_or_admin(client, db, settings, role):
    case_id = open_case(db, settings)
    headers = {"Authorization": f"Bearer {key_for(db, role)}"}
    for method, path, body in ROUTES:
        answer = call(client, method, path.format(id=case_id), body, headers=headers)
        assert answer.status_code == 403, (role, path)
        assert "Juan" not in answer.text
    for method, path, body in ROUTES:  # nor anyone without a key
        assert call(client, method, path.format(id=case_id), body).status_code == 401
    with session_scope(db) as session:
        assert session.get(DetentionCase, case_id).status == CaseStatus.NEW


def test_legal_aid_works_a_case_through_the_api_and_every_look_is_audited(client, db, settings):
    case_id = open_case(db, settings)
    client.headers["Authorization"] = f"Bearer {key_for(db, 'legal_aid')}"
    listed = client.get("/api/v1/cases", params={"status": "new"}).json()["items"]
    assert [c["id"] for c in listed] == [case_id] and "name" not in listed[0]
    detail = client.get(f"/api/v1/cases/{case_id}").json()
    assert detail["name"] == "Juan Perez" and detail["family"] == FAMILY
    taken = client.post(f"/api/v1/cases/{case_id}/take").json()
    assert taken["status"] == "taken" and taken["owner"] == "apikey:k-legal_aid"
    assert client.post(f"/api/v1/cases/{case_id}/take").status_code == 409
    moved = client.post(
        f"/api/v1/cases/{case_id}/status", json={"status": "located", "facility": "Adelanto"}
    ).json()
    assert moved["status"] == "located" and moved["facility"] == "Adelanto"
    noted = client.post(f"/api/v1/cases/{case_id}/notes", json={"text": "audiencia el lunes"})
    assert noted.status_code == 201
    replied = client.post(f"/api/v1/cases/{case_id}/reply", json={"text": "le llamo hoy"}).json()
    assert [e["kind"] for e in replied["entries"]][-3:] == ["status", "note", "reply"]
    bad = client.post(f"/api/v1/cases/{case_id}/status", json={"status": "new"})
    assert bad.status_code == 409
    assert client.get("/api/v1/cases/999999").status_code == 404
    with session_scope(db) as session:
        views = session.exec(select(AuditEvent).where(AuditEvent.action == "case.view")).all()
        family_texts = session.exec(
            select(Message.body).where(
                col(Message.dedupe_key).startswith(f"case:{case_id}:"),
                Message.subscriber_id == None,  # noqa: E711
            )
        ).all()
    assert len(views) == 5 and all(v.target == f"case:{case_id}" for v in views)
    with session_scope(db) as session:
        lists = session.exec(select(AuditEvent).where(AuditEvent.action == "case.list")).all()
    assert [(e.actor, e.detail) for e in lists] == [("apikey:k-legal_aid", "1")]
    assert any("Adelanto" in b for b in family_texts) and any(
        "le llamo hoy" in b for b in family_texts
    )
    # An admin key sees it too, and the filters narrow the list.
    client.headers["Authorization"] = f"Bearer {key_for(db, 'admin')}"
    assert client.get(f"/api/v1/cases/{case_id}").json()["name"] == "Juan Perez"
    assert client.get("/api/v1/cases", params={"status": "new"}).json()["items"] == []
    assert client.get("/api/v1/cases", params={"incident_id": 5}).json()["items"] == []


def test_two_volunteers_taking_one_case_at_once_make_one_owner(api, db, settings):
    zone = api.post("/api/v1/zones", json={"name": "SE", "zips": ["90255"]}).json()["id"]
    ids = [volunteer(api, f"+1323555015{i}", zone) for i in range(6)]
    case_id = open_case(db, settings, zone_id=zone)
    vault = vault_for(settings.secret_key)
    barrier, won, lost = threading.Barrier(len(ids)), [], []

    def take(subscriber_id: int) -> None:
        with session_scope(db) as session:
            subscriber = session.get(Subscriber, subscriber_id)
            barrier.wait()
            try:
                case_offers.take(
                    session,
                    vault,
                    case_id,
                    owner=f"subscriber:{subscriber_id}",
                    subscriber=subscriber,
                )
                won.append(subscriber_id)
            except Conflict:
                lost.append(subscriber_id)

    threads = [threading.Thread(target=take, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(lost) == len(ids) - 1
    with session_scope(db) as session:
        case = session.get(DetentionCase, case_id)
        takes = session.exec(select(AuditEvent).where(AuditEvent.action == "case.take")).all()
    assert case.owner == f"subscriber:{won[0]}" and case.owner_subscriber_id == won[0]
    assert len(takes) == 1


def test_a_case_nobody_takes_goes_to_every_zone_and_the_coordinators_once(api, db, settings):
    near = api.post("/api/v1/zones", json={"name": "SE", "zips": ["90255"]}).json()["id"]
    far = api.post("/api/v1/zones", json={"name": "NE", "zips": ["90031"]}).json()["id"]
    mine, other = volunteer(api, "+13235550161", near), volunteer(api, "+13235550162", far)
    boss = volunteer(api, "+13235550163", near, roles=("coordinator",))
    case_id = open_case(db, settings, zone_id=near)
    with session_scope(db) as session:

        def offers_to(subscriber_id):
            return session.exec(
                select(Message.body).where(
                    Message.subscriber_id == subscriber_id,
                    col(Message.dedupe_key).startswith(f"case:{case_id}:"),
                )
            ).all()

        assert len(offers_to(mine)) == 1 and offers_to(other) == [] and offers_to(boss) == []
        assert not case_offers.escalate_due(session, take_minutes=30).texts  # not yet due
        with frozen_at(now() + timedelta(minutes=31)):
            decisions = case_offers.escalate_due(session, take_minutes=30)
            Effects.record(session, decisions)
            assert not case_offers.escalate_due(session, take_minutes=30).texts  # once
        assert "SIN TOMAR hace 30 min" in offers_to(other)[0]
        assert "ningun apoyo legal" in offers_to(boss)[0]
        assert len(offers_to(mine)) == 1  # their offer stands; no second text
        assert session.get(DetentionCase, case_id).escalated_at is not None


def test_a_taken_case_never_escalates(api, db, settings):
    zone = api.post("/api/v1/zones", json={"name": "SE", "zips": ["90255"]}).json()["id"]
    volunteer(api, "+13235550171", zone)
    case_id = open_case(db, settings, zone_id=zone)
    vault = vault_for(settings.secret_key)
    with session_scope(db) as session:
        case_offers.take(session, vault, case_id, owner="user:ana")
        with frozen_at(now() + timedelta(hours=2)):
            assert not case_offers.escalate_due(session, take_minutes=30).texts


def test_a_closed_case_is_purged_after_its_days_and_an_open_one_never(db, settings):
    vault = vault_for(settings.secret_key)
    closed, still_open = open_case(db, settings), open_case(db, settings, name="Ana")
    with session_scope(db) as session:
        Effects.record(session, case_offers.take(session, vault, closed, owner="user:ana"))
        cases.add_note(session, vault, closed, author="user:ana", text="A-123456789")
        Effects.record(
            session, cases.set_status(session, vault, closed, CaseStatus.CLOSED, actor="user:ana")
        )
    with session_scope(db) as session:
        assert privacy.purge(session, retention_days=30, case_purge_days=10)["cases"] == 0
    with frozen_at(now() + timedelta(days=11)), session_scope(db) as session:
        assert privacy.purge(session, retention_days=30, case_purge_days=10)["cases"] == 1
    with session_scope(db) as session:
        gone, kept = session.get(DetentionCase, closed), session.get(DetentionCase, still_open)
        assert gone.name_enc is None and gone.family_enc is None and gone.purged_at is not None
        assert gone.family_hash == cases.PURGED and kept.name_enc is not None
        entries = session.exec(select(CaseEntry).where(CaseEntry.case_id == closed)).all()
        assert entries and all(e.text_enc is None for e in entries)
        texts = session.exec(
            select(Message).where(col(Message.dedupe_key).startswith(f"case:{closed}:"))
        ).all()
        assert texts and all(m.body == "" and m.to_enc is None for m in texts)
