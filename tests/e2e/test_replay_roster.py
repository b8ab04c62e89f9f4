"""``avisa replay`` with a roster: zones and subscribers before the texts, their replies and
texts."""

import json
import os

import pytest

from avisa.replay import replay, run
from avisa.replay.stream import StreamError, parse_lines, parse_stream
from core.settings import get_settings

ANA, BEA = "+13235550101", "+13235550102"
ROSTER = [
    json.dumps({"zone": {"name": "Huntington Park", "zips": ["90255"]}}),
    json.dumps({"subscriber": {"phone": ANA, "name": "Ana", "zone_ids": [1]}}),
    json.dumps(
        {
            "subscriber": {
                "phone": BEA,
                "name": "Bea",
                "language": "en",
                "roles": ["legal_aid"],
                "zone_ids": [1],
            }
        }
    ),
]


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("AVISA_", "TWILIO_")):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _text(at: str, sid: str, sender: str, body: str) -> str:
    return json.dumps({"at": at, "MessageSid": sid, "From": sender, "Body": body})


def test_a_responder_confirms_and_legal_aid_hears_of_it(tmp_path, capsys):
    path = tmp_path / "day.jsonl"
    lines = ROSTER + [
        _text("2025-06-14T10:02:00-07:00", "SM1", "+13105550199", "la migra en Pacific y Florence"),
        _text("2025-06-14T10:04:00-07:00", "SM2", ANA, "SI"),
    ]
    path.write_text("\n".join(lines) + "\n")
    assert run(str(path)) == 0
    result = json.loads(capsys.readouterr().out)
    assert [i["status"] for i in result["incidents"]] == ["confirmed"]
    assert result["unassigned"] == ["SM2"]  # the answer is a command, not a report
    people = {s["name"]: s for s in result["subscribers"]}
    assert people["Ana"]["phone"] == "+1••••••0101"
    ana = [(t["kind"], t["body"]) for t in people["Ana"]["texts"]]
    # Her SI gets one answer, which says what happened: no second text from the update.
    assert [k for k, _ in ana] == ["alert", "reply"]
    assert ana[0][1].startswith("AVISA #1 SIN VERIF")
    assert "#1 CONFIRMADO" in ana[1][1] and "Apoyo legal avisado" in ana[1][1]
    bea = people["Bea"]["texts"]
    assert [t["kind"] for t in bea] == ["alert"] and "CONFIRMED" in bea[0]["body"]
    assert all(t["status"] == "delivered" for t in bea)


def test_roster_lines_are_validated_before_anything_runs():
    text = _text("2025-06-14T10:02:00-07:00", "SM1", "+13105550199", "hola")
    with pytest.raises(StreamError, match="line 2: subscriber: zone_ids"):
        parse_stream(
            [ROSTER[0], json.dumps({"subscriber": {"phone": ANA, "name": "A", "zone_ids": [2]}})]
        )
    with pytest.raises(StreamError, match="line 2: subscriber: phone"):
        parse_stream([ROSTER[0], json.dumps({"subscriber": {"phone": "12", "name": "A"}})])
    with pytest.raises(StreamError, match="line 2: roster lines"):
        parse_stream([text, ROSTER[0]])
    with pytest.raises(StreamError, match="line 1: zone: "):
        parse_stream([json.dumps({"zone": {"name": "x"}})])
    with pytest.raises(StreamError, match="line 3: subscriber: this phone"):
        parse_stream(ROSTER[:2] + [ROSTER[1]])
    with pytest.raises(StreamError, match="parse_stream"):
        parse_lines(ROSTER + [text])


def test_without_a_roster_the_shape_is_unchanged():
    result = replay(parse_lines([_text("2025-06-14T10:02:00-07:00", "SM1", ANA, "hola")]))
    assert set(result) == {"incidents", "unassigned", "messages"}
