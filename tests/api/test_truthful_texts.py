"""Texts that tell the truth: a status text says only what happened ("legal aid alerted" only
when a legal aid volunteer was texted), and every command a responder sends gets exactly one
reply. Counted per number, after every command."""

import pytest

from tests.conftest import sms_form

ANA, BEA, LEGAL, FAR = "+13235550121", "+13235550122", "+13235550123", "+13235550124"
RESIDENT, OTHER = "+13105550931", "+13105550932"


def _zone(api, name, zips):
    return api.post("/api/v1/zones", json={"name": name, "zips": zips}).json()["id"]


def _add(api, phone, roles, language, zone):
    body = {"phone": phone, "name": "Vol", "language": language, "roles": roles}
    made = api.post("/api/v1/subscribers", json=body | {"zone_ids": [zone], "confirmed": True})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _texts(api, subscriber_id):
    params = {"subscriber_id": subscriber_id, "limit": 200}
    items = api.get("/api/v1/messages", params=params).json()["items"]
    return [m["body"] for m in sorted(items, key=lambda m: m["id"])]


class Phones:
    """The texts each subscriber got, and what each step added."""

    def __init__(self, api, ids: dict[str, int]):
        self.api, self.ids = api, ids
        self.seen = {phone: 0 for phone in ids}

    def new(self) -> dict[str, list[str]]:
        added = {}
        for phone, sid in self.ids.items():
            bodies = _texts(self.api, sid)
            added[phone] = bodies[self.seen[phone] :]
            self.seen[phone] = len(bodies)
        return added


def _say(twilio_post, work, phone, body, *, resident=False):
    answer = twilio_post("/twilio/sms", sms_form(phone, body))
    # A subscriber's command is answered by the job alone: the webhook's TwiML says nothing.
    assert answer.status_code == 200 and (resident or answer.text.endswith("<Response />"))
    work()


def _report(api, twilio_post, work, where="Pacific y Florence", sender=RESIDENT):
    before = {i["id"] for i in api.get("/api/v1/incidents").json()["items"]}
    _say(twilio_post, work, sender, f"la migra en {where}, 3 camionetas", resident=True)
    [incident] = [
        i["id"] for i in api.get("/api/v1/incidents").json()["items"] if i["id"] not in before
    ]
    return incident


@pytest.fixture
def network(api):
    zone = _zone(api, "HP", ["90255"])
    far = _zone(api, "Far", ["91001"])
    ids = {
        ANA: _add(api, ANA, ["responder"], "es", zone),
        BEA: _add(api, BEA, ["responder"], "en", zone),
        LEGAL: _add(api, LEGAL, ["legal_aid"], "es", zone),
        FAR: _add(api, FAR, ["legal_aid"], "en", far),  # legal aid, but of another zone
    }
    return ids


def test_every_responder_command_gets_one_reply_and_the_texts_tell_what_happened(
    api, twilio_post, work, network
):
    phones = Phones(api, network)
    incident = _report(api, twilio_post, work)
    assert {p: len(t) for p, t in phones.new().items()} == {ANA: 1, BEA: 1, LEGAL: 0, FAR: 0}

    _say(twilio_post, work, BEA, f"{incident} OMW")
    new = phones.new()
    assert {p: len(t) for p, t in new.items()} == {ANA: 0, BEA: 1, LEGAL: 0, FAR: 0}
    assert "on my way" in new[BEA][0]

    _say(twilio_post, work, ANA, f"{incident} SI")
    new = phones.new()
    assert {p: len(t) for p, t in new.items()} == {ANA: 1, BEA: 1, LEGAL: 1, FAR: 0}
    assert "CONFIRMADO" in new[ANA][0] and "Apoyo legal avisado" in new[ANA][0]
    assert "Legal aid alerted" in new[BEA][0]

    _say(twilio_post, work, ANA, "si")  # again, without the number: one open incident is hers
    new = phones.new()
    assert {p: len(t) for p, t in new.items()} == {ANA: 1, BEA: 0, LEGAL: 0, FAR: 0}
    assert "CONFIRMADO" in new[ANA][0] and "Apoyo legal avisado" in new[ANA][0]

    _say(twilio_post, work, BEA, "ALL CLEAR")
    new = phones.new()
    assert {p: len(t) for p, t in new.items()} == {ANA: 1, BEA: 1, LEGAL: 1, FAR: 0}
    assert "recorded (all clear)" in new[BEA][0] and "TERMINADO" in new[ANA][0]

    _say(twilio_post, work, ANA, f"{incident} NO")  # closed: told so, once
    new = phones.new()
    assert {p: len(t) for p, t in new.items()} == {ANA: 1, BEA: 0, LEGAL: 0, FAR: 0}
    assert "no hay un incidente abierto" in new[ANA][0]


@pytest.mark.parametrize("word", ["NO", "LISTO"])
def test_no_or_listo_gets_one_reply_and_the_others_one_update(
    api, twilio_post, work, network, word
):
    phones = Phones(api, network)
    incident = _report(api, twilio_post, work)
    phones.new()
    _say(twilio_post, work, ANA, f"{incident} {word}")
    new = phones.new()
    assert {p: len(t) for p, t in new.items()} == {ANA: 1, BEA: 1, LEGAL: 0, FAR: 0}
    assert new[ANA][0].startswith("Avisa: registrado")
    assert ("FALSE ALARM" if word == "NO" else "ALL CLEAR") in new[BEA][0]
    status = api.get(f"/api/v1/incidents/{incident}").json()["status"]
    assert status == ("dismissed" if word == "NO" else "resolved")


def test_a_note_and_an_unclear_answer_get_one_reply_each(api, twilio_post, work, network):
    phones = Phones(api, network)
    first = _report(api, twilio_post, work)
    phones.new()
    _say(twilio_post, work, ANA, "estoy en la esquina, no veo a nadie")
    new = phones.new()
    assert {p: len(t) for p, t in new.items()} == {ANA: 1, BEA: 0, LEGAL: 0, FAR: 0}
    assert f"#{first}" in new[ANA][0]

    second = _report(api, twilio_post, work, where="Gage y State", sender=OTHER)
    assert second != first
    phones.new()
    _say(twilio_post, work, BEA, "YES")  # two open incidents: which one?
    new = phones.new()
    assert {p: len(t) for p, t in new.items()} == {ANA: 0, BEA: 1, LEGAL: 0, FAR: 0}
    assert "several incidents" in new[BEA][0]


def test_no_legal_aid_in_the_zone_means_no_word_of_legal_aid(api, twilio_post, work):
    zone = _zone(api, "HP", ["90255"])
    far = _zone(api, "Far", ["91001"])
    ids = {
        ANA: _add(api, ANA, ["responder"], "es", zone),
        BEA: _add(api, BEA, ["responder"], "en", zone),
        FAR: _add(api, FAR, ["legal_aid"], "en", far),
    }
    phones = Phones(api, ids)
    incident = _report(api, twilio_post, work)
    phones.new()
    _say(twilio_post, work, ANA, f"{incident} SI")
    new = phones.new()
    assert {p: len(t) for p, t in new.items()} == {ANA: 1, BEA: 1, FAR: 0}
    assert "CONFIRMADO" in new[ANA][0] and "legal" not in new[ANA][0].lower()
    assert "CONFIRMED" in new[BEA][0] and "legal" not in new[BEA][0].lower()

    # A coordinator's confirmation says the same, to everyone.
    other = _report(api, twilio_post, work, where="Gage y State", sender=OTHER)
    phones.new()
    assert api.post(f"/api/v1/incidents/{other}/confirm").status_code == 200
    work()
    new = phones.new()
    assert {p: len(t) for p, t in new.items()} == {ANA: 1, BEA: 1, FAR: 0}
    assert all("legal" not in t[0].lower() for t in (new[ANA], new[BEA]))


def test_legal_aid_who_left_is_not_said_to_be_alerted(api, twilio_post, work, network):
    _say(twilio_post, work, LEGAL, "STOP")
    phones = Phones(api, network)
    incident = _report(api, twilio_post, work)
    phones.new()
    assert api.post(f"/api/v1/incidents/{incident}/confirm").status_code == 200
    work()
    new = phones.new()
    assert {p: len(t) for p, t in new.items()} == {ANA: 1, BEA: 1, LEGAL: 0, FAR: 0}
    assert "legal" not in new[ANA][0].lower() and "legal" not in new[BEA][0].lower()


def test_we_alerted_the_network_only_when_someone_besides_the_reporter_was(api, twilio_post, work):
    zone = _zone(api, "HP", ["90255"])
    ana = _add(api, ANA, ["responder"], "es", zone)
    _add(api, LEGAL, ["legal_aid"], "es", zone)
    # Ana, the zone's only responder, reports what she sees herself: nobody else is alerted.
    _say(twilio_post, work, ANA, "la migra esta en Pacific y Florence ahora, 2 camionetas")
    params = {"kind": "reply", "limit": 200}
    [reply] = [m["body"] for m in api.get("/api/v1/messages", params=params).json()["items"]]
    assert reply.startswith("Avisa: recibimos su mensaje") and "Avisamos" not in reply
    assert _texts(api, ana) == []  # and she is not alerted to her own report
    # A second responder joins; a resident's place alone (no word of agents, so the job
    # answers) elsewhere in the zone reaches her.
    _add(api, BEA, ["responder"], "en", zone)
    _say(twilio_post, work, OTHER, "Gage y State", resident=True)
    replies = [m["body"] for m in api.get("/api/v1/messages", params=params).json()["items"]]
    assert any("Avisamos a la red" in r for r in replies)
