"""``avisa replay`` plays a day with detentions reported: the family's conversation, two legal
aid volunteers answering TOMO/TAKE at once, the case moved to closed, a second case nobody takes
escalated — and nothing of the families' words in the output."""

import json
import os
from pathlib import Path

import pytest

from avisa.replay import run
from core.settings import get_settings

# With a roster, and no matching labels: not one of tests/scenarios, which score matching.
STREAM = Path(__file__).parent / "streams" / "detentions.jsonl"
PRIVATE = ("Jose", "Ramirez", "201-555", "Adelanto", "Maria", "Lopez", "visitarlo", "0411", "0422")


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("AVISA_", "TWILIO_")):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_day_with_detentions_replays_without_a_word_of_the_families(capsys):
    assert run(str(STREAM)) == 0
    out = capsys.readouterr().out
    result = json.loads(out)
    first, second = result["cases"]
    assert first == {
        "id": 1,
        "status": "closed",
        "incident_id": 1,  # the raid at Pacific y Florence the family named
        "zone_id": 1,
        "owner": "subscriber:2",  # Mark answered first
        "offered": True,
        "escalated": False,
    }
    assert second["status"] == "new" and second["offered"] and second["escalated"]
    people = {s["name"]: [t["body"] for t in s["texts"]] for s in result["subscribers"]}
    assert any("ya lo tomo otra persona" in body for body in people["Lucia"])
    assert len(people["Coord"]) == 1  # told once that case 2 went untaken
    assert not any(word in out for word in PRIVATE)
