"""The console as a coordinator uses it, in headless Chromium against the real server."""

import os

from playwright.sync_api import expect
from sqlmodel import Session, select

from core.models import AuditEvent, InboundMessage, Incident, Message, Report

SCREENSHOTS = os.environ.get("AVISA_SCREENSHOTS")  # a folder: development only, never committed


def test_a_texted_report_appears_live_and_is_confirmed(visit, make_user, text_in, work, db):
    password = make_user("ana", "coordinator")
    v = visit()
    page = v.sign_in("ana", password)
    expect(page.locator("h1")).to_have_text("Open incidents")
    page.evaluate("window.notReloaded = true")

    text_in("+13235550141", "ICE en la Pacific y Florence, 3 camionetas")
    work()
    row = page.locator("tr.incident").first
    expect(row).to_contain_text("Pacific", timeout=10_000)  # htmx poll, no reload
    expect(row).to_contain_text("unverified")
    assert page.evaluate("window.notReloaded") is True
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "board.png"), full_page=True)

    row.locator("a").first.click()
    page.locator("button.confirm").click()
    expect(page.locator("h1 .badge")).to_have_text("confirmed")
    with Session(db) as session:
        incident = session.exec(select(Incident)).one()
        assert incident.status == "confirmed"
        actors = session.exec(
            select(AuditEvent.actor).where(AuditEvent.action == "incident.confirmed")
        ).all()
        assert actors == ["user:ana"]


def test_an_unlocated_report_is_answered_and_placed_from_the_inbox(
    visit, make_user, text_in, work, db
):
    password = make_user("ana", "coordinator", language="es")
    text_in("+13235550142", "hay migra aqui, ayuda")
    work()  # the hotline asks where; the report waits in the inbox
    v = visit()
    page = v.sign_in("ana", password)
    page.goto(v.url("/console/inbox"))
    card = page.locator("article.report").first
    expect(card).to_contain_text("hay migra aqui")

    card.locator("form.reply textarea").fill("Gracias. ¿En qué calle o esquina están?")
    card.locator("form.reply button").click()
    expect(page.locator(".flash")).to_contain_text("cola de envío")
    with Session(db) as session:
        reply = session.exec(
            select(Message).where(Message.body == "Gracias. ¿En qué calle o esquina están?")
        ).one()
        inbound = session.exec(select(InboundMessage)).first()
        assert reply.kind == "reply" and reply.to_hash == inbound.from_hash
    assert "0142" not in page.content()  # the reporter's number is never shown

    card = page.locator("article.report").first
    card.locator("form.place input[name=place]").fill("Pacific y Florence")
    card.locator("form.place button").click()
    expect(page.locator(".flash")).to_contain_text("incidente #")
    work()
    with Session(db) as session:
        report = session.exec(select(Report)).one()
        assert report.status == "located" and report.incident_id is not None
        assert session.get(Message, reply.id).status in ("sent", "delivered", "accepted")


def test_the_map_draws_the_offline_basemap(visit, make_user, text_in, work):
    password = make_user("ana", "viewer")
    text_in("+13235550143", "migra en Pacific y Florence")
    work()
    v = visit()
    page = v.sign_in("ana", password)
    page.goto(v.url("/console/map"))
    expect(page.locator("#map canvas.maplibregl-canvas")).to_be_visible()
    try:
        expect(page.locator("#map")).to_have_attribute("data-ready", "1", timeout=20_000)
    except AssertionError:
        raise AssertionError(v.errors) from None
    expect(page.locator(".maplibregl-ctrl-attrib")).to_contain_text("OpenStreetMap contributors")
    page.wait_for_function(
        "() => window.avisaMap && window.avisaMap.areTilesLoaded()", timeout=15_000
    )
    ranged = [s for u, s in v.responses if u.endswith("/console/basemap.pmtiles")]
    assert ranged and set(ranged) == {206}, ranged
    assert page.evaluate("window.avisaMap.querySourceFeatures('incidents').length") >= 1
    expect(page.locator(".legend li")).to_have_count(6)  # statuses, held, drill, zones

    # Zoomed in on Huntington Park, the streets and the neighbourhood have their names, drawn
    # with the glyphs Avisa serves itself.
    page.evaluate("window.avisaMap.jumpTo({center: [-118.2252, 33.9742], zoom: 14.5})")
    page.wait_for_function(
        "() => window.avisaMap.areTilesLoaded() && window.avisaMap.queryRenderedFeatures("
        "{layers: ['street-name']}).length > 0",
        timeout=15_000,
    )
    streets = page.evaluate(
        "window.avisaMap.queryRenderedFeatures({layers: ['street-name']})"
        ".map(f => f.properties['name:latin'])"
    )
    assert "East Florence Avenue" in streets or "Pacific Boulevard" in streets, streets
    glyphs = [(u, s) for u, s in v.responses if "/static/vendor/fonts/" in u]
    assert glyphs and {s for _, s in glyphs} == {200}, glyphs
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "map.png"))

    # Pomona, beyond the old Southeast LA cut: the county is drawn whole.
    page.evaluate("window.avisaMap.jumpTo({center: [-117.7507, 34.0556], zoom: 14})")
    page.wait_for_function(
        "() => window.avisaMap.areTilesLoaded() && window.avisaMap.queryRenderedFeatures("
        "{layers: ['street-name']}).length > 0",
        timeout=15_000,
    )


def test_refusals_wrong_password_missing_csrf_and_a_viewer_confirming(
    visit, make_user, text_in, work, db
):
    make_user("ana", "coordinator")
    viewer_password = make_user("vic", "viewer")
    v = visit()
    page = v.sign_in("ana", "not-the-password")
    expect(page.locator(".error")).to_have_text("Wrong username or password.")

    text_in("+13235550144", "ICE at Gage and Miles")
    work()
    page = v.sign_in("vic", viewer_password)
    page.locator("tr.incident a").first.click()
    expect(page.locator("h1")).to_contain_text("Incident #")
    assert page.locator("button.confirm").count() == 0  # a viewer sees no action buttons
    action = page.url + "/confirm"
    refused = page.request.post(action, form={"csrf": v.csrf()})
    assert refused.status == 403  # pressing Confirm anyway
    missing = page.request.post(action, form={})
    assert missing.status == 403
    with Session(db) as session:
        assert session.exec(select(Incident)).one().status == "reported"


def test_a_held_incident_is_released_with_a_reason_and_alerted(
    visit, make_user, work, db, network, held_incident
):
    _, responder = network
    password = make_user("ana", "coordinator", language="es")
    v = visit()
    page = v.sign_in("ana", password)
    page.goto(v.url(f"/console/incidents/{held_incident}"))
    expect(page.locator("h1 .badge")).to_have_text("retenido")
    assert page.locator("button.confirm").count() == 0
    page.locator("input[name=reason]").fill("llamé al vecino: es real")
    page.locator("button.release").click()
    expect(page.locator(".flash")).to_have_text("Hecho.")
    expect(page.locator("h1 .badge")).to_have_text("sin verificar")
    work()
    with Session(db) as session:
        assert session.get(Incident, held_incident).status == "reported"
        (audit,) = session.exec(select(AuditEvent).where(AuditEvent.action == "incident.release"))
        assert audit.actor == "user:ana" and "llamé al vecino" in audit.detail
        alert = session.exec(select(Message).where(Message.subscriber_id == responder)).one()
        assert alert.kind == "alert" and "SIN VERIFICAR" in alert.body


def test_the_incident_page_refreshes_live_and_keeps_what_is_being_typed(
    visit, make_user, text_in, work, db
):
    from core import incidents
    from core.db import session_scope

    password = make_user("ana", "coordinator")
    text_in("+13235550145", "ICE en la Pacific y Florence, 2 camionetas")
    work()
    with Session(db) as session:
        incident = session.exec(select(Incident)).one()
        first = session.exec(select(Report)).one()
    v = visit()
    page = v.sign_in("ana", password)
    page.goto(v.url(f"/console/incidents/{incident.id}"))
    page.evaluate("window.notReloaded = true")
    page.locator("#notes textarea[name=text]").fill("Llamé a la línea legal, espero resp")
    page.locator(f"#pick-{first.id}").check()

    text_in("+13235550146", "la migra sigue en Pacific y Florence")
    work()
    with session_scope(db) as session:
        incidents.add_note(session, incident.id, author="user:bea", text="Bea va en camino")
    expect(page.locator("#reports-list li")).to_have_count(2, timeout=10_000)  # htmx poll
    expect(page.locator("#notes-list")).to_contain_text("Bea va en camino")
    expect(page.locator("#incident-head")).to_contain_text("unverified")
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#notes textarea[name=text]")).to_have_value(
        "Llamé a la línea legal, espero resp"
    )
    expect(page.locator(f"#pick-{first.id}")).to_be_checked()
    assert not [e for e in v.errors if "Content Security Policy" in e], v.errors
