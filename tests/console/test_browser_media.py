"""A resident's photo on the incident page, in headless Chromium against the real server: the
image is drawn from Avisa's own origin (the console's CSP allows nothing else), never Twilio's."""

import base64

import httpx
from playwright.sync_api import expect
from sqlmodel import Session, select

from core.models import Incident
from tests.conftest import PUBLIC_URL, sign, sms_form

# A real 1×1 PNG, so the browser has something to decode and draw.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_a_coordinator_sees_the_residents_photo(twilio_backend, visit, make_user, work, db):
    url = twilio_backend.hold_media(PNG, "image/png")
    v = visit()  # starts the live server, now pointed at the fake Twilio
    form = sms_form("+13235550191", "la migra en Pacific y Florence", NumMedia="1")
    form |= {"MediaUrl0": url, "MediaContentType0": "image/png"}
    posted = httpx.post(
        f"{v.base}/twilio/sms",
        data=form,
        headers={"X-Twilio-Signature": sign(PUBLIC_URL + "/twilio/sms", form)},
        timeout=20,
    )
    assert posted.status_code == 200
    work()
    with Session(db) as session:
        incident_id = session.exec(select(Incident.id)).one()

    page = v.sign_in("ana", make_user("ana", "coordinator"))
    page.goto(v.url(f"/console/incidents/{incident_id}"))
    photo = page.locator(".media img")
    expect(photo).to_have_count(1)
    expect(photo).to_have_js_property("naturalWidth", 1)  # fetched and decoded
    assert twilio_backend.media_fetches == [url.rsplit("/", 1)[1]]
