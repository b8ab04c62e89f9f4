"""The broadcasts page without a browser: compose, preview, send, the past ones with their
delivery figures — through core.broadcasts, as POST /api/v1/broadcasts."""

from sqlmodel import Session, select

from core.models import AuditEvent, Broadcast, Message
from tests.console.conftest import csrf_of
from tests.console.test_accounts import sign_in

PAGE = "/console/broadcasts"


def composed(zone: int, **more) -> dict:
    return {"zone_ids": [zone], "roles": ["responder"], "body_es": "Reunión hoy 7pm", **more}


def test_preview_then_send_then_the_figures(client, make_user, db, work, network):
    zone, responder = network
    sign_in(client, "ana", make_user("ana", "coordinator", language="es"))
    page = client.get(PAGE)
    assert page.status_code == 200 and "Nueva difusión" in page.text
    assert "Enviar (" not in page.text  # no Send button before a preview
    csrf = csrf_of(page.text)

    preview = client.post(PAGE + "/preview", data={"csrf": csrf, **composed(zone)})
    assert preview.status_code == 200
    assert "Destinatarios: 1 · segmentos SMS en total: 1" in preview.text
    assert "Avisa: Reunión hoy 7pm" in preview.text  # the text as the subscriber will read it
    assert (
        "Enviar (1 destinatarios)" in preview.text and ">Reunión hoy 7pm</textarea>" in preview.text
    )
    with Session(db) as session:
        assert session.exec(select(Broadcast)).all() == []

    sent = client.post(PAGE, data={"csrf": csrf, **composed(zone)}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == PAGE
    work()
    with Session(db) as session:
        (broadcast,) = session.exec(select(Broadcast))
        assert broadcast.actor == "user:ana" and broadcast.recipients == 1
        (text,) = session.exec(select(Message).where(Message.kind == "broadcast"))
        assert text.subscriber_id == responder and text.body == "Avisa: Reunión hoy 7pm"
        (audit,) = session.exec(select(AuditEvent).where(AuditEvent.action == "broadcast.send"))
        assert audit.actor == "user:ana"
    listed = client.get(PAGE).text
    assert "Difusión en la cola de envío: 1 destinatarios." in listed  # the flash, once
    row = listed[listed.index(f'id="broadcast-{broadcast.id}"') :]
    assert "HP" in row and "respuesta" in row and "Reunión hoy 7pm" in row
    assert "entregado: 1" in row or "enviado: 1" in row or "aceptado: 1" in row


def test_a_refused_preview_keeps_what_was_typed(client, make_user, network):
    sign_in(client, "ana", make_user("ana", "coordinator"))
    csrf = csrf_of(client.get(PAGE).text)
    no_zone = client.post(
        PAGE + "/preview", data={"csrf": csrf, "roles": ["responder"], "body_en": "Meeting at 7"}
    )
    assert no_zone.status_code == 422 and 'role="alert"' in no_zone.text
    assert "zone_ids" in no_zone.text and ">Meeting at 7</textarea>" in no_zone.text
    zone, _ = network
    escape = client.post(PAGE, data={"csrf": csrf, **composed(zone, body_en="hi\x1b[2J")})
    assert escape.status_code == 422 and "control characters" in escape.text


def test_viewers_see_past_broadcasts_but_cannot_send(client, make_user, db, network):
    zone, _ = network
    sign_in(client, "vic", make_user("vic", "viewer"))
    page = client.get(PAGE)
    assert page.status_code == 200 and "Past broadcasts" in page.text
    assert "New broadcast" not in page.text
    csrf = csrf_of(page.text)
    assert client.post(PAGE, data={"csrf": csrf, **composed(zone)}).status_code == 403
    assert client.post(PAGE + "/preview", data={"csrf": csrf, **composed(zone)}).status_code == 403
    with Session(db) as session:
        assert session.exec(select(Broadcast)).all() == []
