"""The console's cases: legal aid sees and works a case; coordinators see its state and owner,
never the person; viewers see nothing of it. Every look is audited."""

import pytest
from sqlmodel import Session, select

from core import cases
from core.db import session_scope
from core.enums import CaseStatus, Channel, IncidentStatus, Language
from core.models import AuditEvent, DetentionCase, Incident, Message
from core.phones import vault_for
from tests.console.conftest import csrf_of
from tests.console.test_accounts import sign_in

FAMILY = "+13105550101"
ACTIONS = [
    ("take", {}),
    ("status", {"status": "closed"}),
    ("notes", {"text": "x"}),
    ("reply", {"text": "x"}),
]


@pytest.fixture
def case_id(db, settings):
    vault = vault_for(settings.secret_key)
    with session_scope(db) as session:
        incident = Incident(
            status=IncidentStatus.CONFIRMED, lat=33.98, lon=-118.22, precision_m=60, label="P / F"
        )
        session.add(incident)
        session.flush()
        case, _ = cases.open_case(
            session,
            vault,
            source_sid="SMcase1",
            family=FAMILY,
            language=Language.ES,
            channel=Channel.SMS,
        )
        case.name_enc = cases.seal(vault, "Juan Perez")
        case.incident_id = incident.id
        return case.id


def as_user(client, make_user, role: str) -> str:
    sign_in(client, "ana", make_user("ana", role))
    return csrf_of(client.get("/console/").text)


def test_a_viewer_sees_no_case_page_and_can_do_nothing(client, make_user, db, case_id):
    csrf = as_user(client, make_user, "viewer")
    assert client.get("/console/cases").status_code == 403
    assert client.get(f"/console/cases/{case_id}").status_code == 403
    assert client.get(f"/console/cases/{case_id}/recordings/1").status_code == 403
    for action, form in ACTIONS:
        answer = client.post(f"/console/cases/{case_id}/{action}", data=form | {"csrf": csrf})
        assert answer.status_code == 403, action
    with Session(db) as session:
        incident_id = session.get(DetentionCase, case_id).incident_id
    page = client.get(f"/console/incidents/{incident_id}").text
    assert "Cases from this raid" not in page and "Juan" not in page


def test_a_coordinator_sees_state_and_owner_never_the_person(client, make_user, db, case_id):
    csrf = as_user(client, make_user, "coordinator")
    listing = client.get("/console/cases")
    assert listing.status_code == 200 and f"Case #{case_id}" in listing.text
    page = client.get(f"/console/cases/{case_id}")
    assert page.status_code == 200 and "Juan" not in page.text and FAMILY not in page.text
    assert "Only legal aid" in page.text
    assert client.get(f"/console/cases/{case_id}/recordings/1").status_code == 403
    for action, form in ACTIONS:
        answer = client.post(f"/console/cases/{case_id}/{action}", data=form | {"csrf": csrf})
        assert answer.status_code == 403, action
    with Session(db) as session:
        incident_id = session.get(DetentionCase, case_id).incident_id
        looks = session.exec(select(AuditEvent).where(AuditEvent.target == f"case:{case_id}"))
        assert [e.action for e in looks][-1] == "case.view_summary"
    raid = client.get(f"/console/incidents/{incident_id}").text
    assert "Cases from this raid" in raid and f"Case #{case_id}" in raid and "Juan" not in raid


@pytest.mark.parametrize("role", ["legal_aid", "admin"])
def test_legal_aid_works_the_case_in_the_console(client, make_user, db, case_id, role):
    csrf = as_user(client, make_user, role)
    assert "Cases" in client.get("/console/").text  # the nav link
    page = client.get(f"/console/cases/{case_id}")
    assert "Juan Perez" in page.text and FAMILY in page.text
    client.post(f"/console/cases/{case_id}/take", data={"csrf": csrf})
    client.post(
        f"/console/cases/{case_id}/status",
        data={"csrf": csrf, "status": "located", "facility": "Adelanto"},
    )
    client.post(f"/console/cases/{case_id}/notes", data={"csrf": csrf, "text": "audiencia lunes"})
    client.post(f"/console/cases/{case_id}/reply", data={"csrf": csrf, "text": "le llamo hoy"})
    page = client.get(f"/console/cases/{case_id}").text
    assert "Adelanto" in page and "audiencia lunes" in page and "le llamo hoy" in page
    taken_again = client.post(f"/console/cases/{case_id}/take", data={"csrf": csrf})
    assert taken_again.status_code in (200, 303)  # refused, flashed, never a 500
    with Session(db) as session:
        case = session.get(DetentionCase, case_id)
        assert case.status == CaseStatus.LOCATED and case.owner == "user:ana"
        to_family = session.exec(
            select(Message.body).where(Message.to_hash == vault_for_index(FAMILY))
        ).all()
        looks = session.exec(
            select(AuditEvent).where(
                AuditEvent.target == f"case:{case_id}", AuditEvent.action == "case.view"
            )
        ).all()
    assert any("Adelanto" in b for b in to_family) and any("le llamo hoy" in b for b in to_family)
    assert len(looks) >= 2 and {e.actor for e in looks} == {"user:ana"}  # each page shown


def vault_for_index(number: str) -> str:
    from core.settings import get_settings

    return vault_for(get_settings().secret_key).index(number)
