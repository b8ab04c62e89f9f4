"""A report's photo on the console's incident page: shown to coordinators through Avisa's own
route, only counted for viewers."""

import re

from sqlmodel import Session, select

from core.models import Incident
from tests.conftest import sms_form
from tests.console.test_accounts import sign_in

JPEG = b"\xff\xd8\xff\xe0 a photo of two unmarked vans \xff\xd9"


def _incident_with_a_photo(twilio_backend, twilio_post, work, db) -> int:
    url = twilio_backend.hold_media(JPEG, "image/jpeg")
    form = sms_form("+13235550171", "la migra en Pacific y Florence", NumMedia="1")
    form |= {"MediaUrl0": url, "MediaContentType0": "image/jpeg"}
    assert twilio_post("/twilio/sms", form).status_code == 200
    work()
    with Session(db) as session:
        return session.exec(select(Incident.id)).one()


def test_a_coordinator_sees_the_photo_a_viewer_only_that_there_is_one(
    client, make_user, twilio_backend, twilio_post, work, db
):
    incident_id = _incident_with_a_photo(twilio_backend, twilio_post, work, db)
    sign_in(client, "ana", make_user("ana", "coordinator"))
    page = client.get(f"/console/incidents/{incident_id}").text
    [src] = re.findall(r'<img src="(/console/reports/\d+/media/\d+)"', page)
    photo = client.get(src)
    assert photo.status_code == 200 and photo.content == JPEG
    assert photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["cache-control"] == "private, no-store"

    client.cookies.clear()
    sign_in(client, "bea", make_user("bea", "viewer"))
    page = client.get(f"/console/incidents/{incident_id}").text
    assert "<img src=" not in page and "coordinators only" in page
    assert client.get(src).status_code == 403
    assert len(twilio_backend.media_fetches) == 1  # the viewer's try never reached Twilio
