"""Photos with a report, against the local Twilio fake: an MMS's media are kept as
references on its report, fetched only through Avisa by a coordinator with Avisa's credentials,
and deleted at Twilio and locally by the purge."""

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from core.apikeys import create_key
from core.clock import now
from core.db import session_scope
from core.models import InboundMedia, InboundMessage, Report
from tests.conftest import sms_form
from workers import maintenance

# Both databases: media rows are INSERT … ON CONFLICT DO NOTHING; the purge is dialect-specific.
pytestmark = pytest.mark.dialects

RESIDENT = "+13105550999"
JPEG = b"\xff\xd8\xff\xe0" + b"not really a jpeg, but bytes all the same" + b"\xff\xd9"


def _mms(sender: str, body: str, *media: tuple[str, str]) -> dict[str, str]:
    """An inbound MMS form: ``media`` as (url, content type) pairs."""
    form = sms_form(sender, body, NumMedia=str(len(media)))
    for n, (url, kind) in enumerate(media):
        form[f"MediaUrl{n}"], form[f"MediaContentType{n}"] = url, kind
    return form


def _report_media(api) -> list[dict]:
    [incident] = api.get("/api/v1/incidents").json()["items"]
    detail = api.get(f"/api/v1/incidents/{incident['id']}").json()
    return [m for report in detail["reports"] for m in report["media"]]


def _key(db, role: str) -> dict[str, str]:
    with session_scope(db) as session:
        _, plaintext = create_key(session, name=role, role=role)
    return {"Authorization": f"Bearer {plaintext}"}


def test_a_photo_is_kept_on_its_report_and_shown_only_to_coordinators(
    api, client, db, twilio_post, work, twilio_backend
):
    url = twilio_backend.hold_media(JPEG, "image/jpeg")
    form = _mms(RESIDENT, "la migra en Pacific y Florence", (url, "image/jpeg"))
    assert twilio_post("/twilio/sms", form).status_code == 200
    work()
    [item] = _report_media(api)
    assert item["content_type"] == "image/jpeg"
    assert item["url"].startswith("/api/v1/reports/") and "twilio" not in item["url"]

    photo = api.get(item["url"])  # the admin key: a coordinator and more
    assert photo.status_code == 200, photo.text
    assert photo.content == JPEG
    assert photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["cache-control"] == "private, no-store"
    assert "sandbox" in photo.headers["content-security-policy"]
    assert twilio_backend.media_fetches == [url.rsplit("/", 1)[1]]  # with our credentials

    viewer = client.get(item["url"], headers=_key(db, "viewer"))
    assert viewer.status_code == 403  # a viewer sees that there is a photo, not the photo
    other = (
        item["url"].replace("/reports/", "/reports/9").replace(f"/media/{item['id']}", "/media/1")
    )
    assert api.get(other).status_code == 404
    assert len(twilio_backend.media_fetches) == 1


def test_a_photo_first_then_the_place_makes_one_report_with_its_photo(
    api, db, twilio_post, work, twilio_backend
):
    url = twilio_backend.hold_media(JPEG)
    twilio_post("/twilio/sms", _mms(RESIDENT, "", (url, "image/jpeg")))
    work()
    # A photo alone is a sign of a sighting: we ask where, as for "hay migra".
    [asked] = api.get("/api/v1/messages", params={"kind": "reply"}).json()["items"]
    assert "?" in asked["body"]
    twilio_post("/twilio/sms", sms_form(RESIDENT, "en la Pacific y Florence"))
    work()
    assert [m["content_type"] for m in _report_media(api)] == ["image/jpeg"]
    with Session(db) as session:
        assert len(session.exec(select(Report)).all()) == 1


def test_a_forged_or_odd_attachment_never_costs_the_report_nor_leaves_twilio(
    api, db, twilio_post, work, twilio_backend
):
    svg = twilio_backend.hold_media(b"<svg onload='alert(1)'/>", "image/svg+xml")
    elsewhere = "https://attacker.example/2010-04-01/Accounts/AC{}/Messages/MM{}/Media/ME{}".format(
        "1" * 32, "2" * 32, "3" * 32
    )
    form = _mms(
        RESIDENT,
        "ICE at Pacific and Florence",
        ("not a url", "image/jpeg"),
        (elsewhere, "image/jpeg"),
        (svg, "image/svg+xml"),
    )
    assert twilio_post("/twilio/sms", form).status_code == 200
    assert twilio_post("/twilio/sms", dict(form)).status_code == 200  # Twilio's retry: once
    work()
    with Session(db) as session:
        assert session.exec(select(InboundMessage.media_count)).all() == [2]  # no URL, no ref
    odd, image = _report_media(api)
    # Only SIDs are kept: the file is asked of our own Twilio account, never of another host.
    assert api.get(odd["url"]).status_code == 404
    assert twilio_backend.responses[404] == 1
    served = api.get(image["url"])
    # An SVG can carry script: offered as opaque bytes to download, never rendered in our origin.
    assert served.headers["content-type"] == "application/octet-stream"
    assert served.headers["content-disposition"].startswith("attachment")


def test_twilio_unreachable_or_media_gone_is_a_clear_answer_not_a_500(
    api, twilio_post, work, twilio_backend
):
    url = twilio_backend.hold_media(JPEG)
    twilio_post(
        "/twilio/sms", _mms(RESIDENT, "la migra en Pacific y Florence", (url, "image/jpeg"))
    )
    work()
    [item] = _report_media(api)
    twilio_backend.fail_next(1, status=503, code=20500)
    busy = api.get(item["url"])
    assert busy.status_code == 503 and "try again" in busy.json()["detail"]
    twilio_backend._media.clear()  # deleted at Twilio by someone else
    assert api.get(item["url"]).status_code == 404


def test_the_purge_deletes_photos_at_twilio_then_here_and_retries_what_failed(
    api, db, twilio_post, work, twilio_backend
):
    urls = [twilio_backend.hold_media(JPEG) for _ in range(2)]
    form = _mms(RESIDENT, "la migra en Pacific y Florence", *[(u, "image/jpeg") for u in urls])
    twilio_post("/twilio/sms", form)
    work()
    media_sids = [u.rsplit("/", 1)[1] for u in urls]
    with session_scope(db) as session:
        session.exec(update(InboundMedia).values(received_at=now() - timedelta(days=31)))

    twilio_backend.fail_next(1, status=503, code=20500)  # the first delete fails
    counts = maintenance.purge()
    assert (counts["media"], counts["media_kept"]) == (1, 1)
    assert twilio_backend.deleted_media == media_sids[1:]
    with Session(db) as session:
        assert session.exec(select(InboundMedia.media_sid)).all() == media_sids[:1]

    counts = maintenance.purge()  # the next run deletes what the first could not
    assert (counts["media"], counts["media_kept"]) == (1, 0)
    assert twilio_backend.deleted_media == media_sids[1:] + media_sids[:1]
    assert _report_media(api) == []


def test_a_photo_on_whatsapp_is_kept_like_one_by_mms(api, twilio_post, work, twilio_backend):
    url = twilio_backend.hold_media(JPEG, "image/jpeg")
    form = _mms(f"whatsapp:{RESIDENT}", "ICE at Pacific and Florence", (url, "image/jpeg"))
    twilio_post("/twilio/sms", form)
    work()
    [item] = _report_media(api)
    assert api.get(item["url"]).content == JPEG


def test_a_responders_photo_from_the_scene_shows_with_their_note(
    api, client, db, twilio_post, work, twilio_backend
):
    twilio_backend.callbacks = False
    zone = api.post("/api/v1/zones", json={"name": "HP", "zips": ["90255"]}).json()["id"]
    responder = {"phone": "+13235550101", "name": "Ana", "zone_ids": [zone], "confirmed": True}
    assert api.post("/api/v1/subscribers", json=responder).status_code == 201
    twilio_post("/twilio/sms", sms_form(RESIDENT, "la migra en Pacific y Florence"))
    work()
    url = twilio_backend.hold_media(JPEG)
    twilio_post(
        "/twilio/sms", _mms("+13235550101", "estoy aqui, son dos camionetas", (url, "image/jpeg"))
    )
    work()
    [incident] = api.get("/api/v1/incidents").json()["items"]
    [note] = api.get(f"/api/v1/incidents/{incident['id']}/notes").json()["items"]
    assert note["kind"] == "responder" and len(note["media"]) == 1
    photo_url = note["media"][0]["url"]
    assert photo_url.startswith(f"/api/v1/incidents/{incident['id']}/notes/{note['id']}/media/")
    assert api.get(photo_url).content == JPEG
    assert client.get(photo_url, headers=_key(db, "viewer")).status_code == 403
    elsewhere = photo_url.replace(
        f"/incidents/{incident['id']}/", f"/incidents/{incident['id'] + 1}/"
    )
    assert api.get(elsewhere).status_code == 404
    assert _report_media(api) == []  # the responder's photo is theirs, not a resident's report


def test_a_question_with_a_photo_is_a_sighting(api, twilio_post, work, twilio_backend):
    """ "¿es la migra?" with a picture: whoever took it is there. (A rumour's flyer stays one.)"""
    url = twilio_backend.hold_media(JPEG, "image/jpeg")
    form = _mms(RESIDENT, "¿es la migra? en la Pacific y Florence", (url, "image/jpeg"))
    assert twilio_post("/twilio/sms", form).status_code == 200
    work()
    assert len(_report_media(api)) == 1
    flyer = twilio_backend.hold_media(JPEG, "image/jpeg")
    rumour = "reenvia: redadas en todas las escuelas el lunes"
    assert twilio_post(
        "/twilio/sms", _mms("+13105550998", rumour, (flyer, "image/jpeg"))
    ).is_success
    work()
    assert len(api.get("/api/v1/incidents").json()["items"]) == 1
