"""A report a coordinator places from the inbox goes the way intake places one
(``core.routing.place``): the flood hold applies to it as to a text that named the place."""

from sqlmodel import Session, select

from core.enums import IncidentStatus, ReportFlag
from core.models import Alert, Incident, Report
from core.settings import get_settings
from tests.conftest import sms_form
from tests.console.test_pages import signed_in


def test_a_pin_during_a_flood_opens_a_held_incident_and_alerts_nobody(
    client, make_user, twilio_post, work, db, monkeypatch
):
    monkeypatch.setenv("AVISA_FLOOD_INCIDENT_RATE", "1")  # one new incident a window: a flood
    get_settings.cache_clear()
    for sender, body in [
        ("+13235550161", "ICE en la Pacific y Florence"),  # the window's one incident
        ("+13235550162", "hay migra aqui"),  # no place: waits in the inbox
    ]:
        assert twilio_post("/twilio/sms", sms_form(sender, body)).status_code == 200
    work()
    with Session(db) as session:
        [first] = session.exec(select(Incident)).all()
        [waiting] = [r.id for r in session.exec(select(Report).where(Report.lat == None))]  # noqa: E711
        alerts_before = len(session.exec(select(Alert)).all())
    csrf = signed_in(client, make_user, "coordinator")
    pinned = client.post(
        f"/console/inbox/{waiting}/place",
        data={"csrf": csrf, "lat": "33.9500", "lon": "-118.1500"},  # far from the first
        headers={"referer": "http://testserver/console/inbox"},
    )
    assert "Report placed in incident #" in pinned.text
    work()
    with Session(db) as session:
        placed = session.get(Report, waiting)
        assert placed.incident_id not in (None, first.id)
        held = session.get(Incident, placed.incident_id)
        assert held.status == IncidentStatus.HELD and placed.flag == ReportFlag.HELD
        assert len(session.exec(select(Alert)).all()) == alerts_before  # nobody alerted
