"""Trust measured on labelled streams: sign-ups, greetings and floods beside real raids.

Truth labels starting with ``noise:`` mark texts that are no sighting (a flood, a limited
number); ``null`` marks texts that are no report at all. On every stream, old and new: the real
raids score B-cubed F1 >= 0.95 on their own, no real raid is ever held, and no incident made only
of noise is left alerted: once a flood shows its mark, every incident it opened is held, those
it opened before its first mark (a lone text is indistinguishable from a witness's, and goes to
responders to verify) with them.
"""

import os
from pathlib import Path

import pytest

from bench.bcubed import predicted_of, score
from core.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "tests" / "scenarios").glob("*.jsonl"))
SHARED_SAMPLE = ROOT.parent / "shared" / "scenarios" / "sample-raid-day.jsonl"
STREAMS = [p for p in [*SCENARIOS, SHARED_SAMPLE] if p.exists()]


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("AVISA_", "TWILIO_")):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _noise(label) -> bool:
    return label is None or str(label).startswith("noise:")


@pytest.mark.parametrize("path", STREAMS, ids=lambda p: p.stem)
def test_real_raids_score_and_are_never_held_and_noise_never_confirms(path, replayed):
    truth, result = replayed(path)
    real = {sid: label for sid, label in truth.items() if not _noise(label)}
    scores = score(real, predicted_of(result))
    assert scores.f1 >= 0.95, f"{path.name}: {scores}"
    for incident in result["incidents"]:
        labels = {truth[sid] for sid in incident["message_sids"]}
        if all(_noise(label) for label in labels):
            assert incident["status"] == "held", (path.name, incident)
        else:
            assert incident["status"] != "held", (path.name, incident)


def test_a_number_naming_corner_after_corner_opens_held_incidents_then_nothing(replayed):
    truth, result = replayed(ROOT / "tests" / "scenarios" / "flood-one-number.jsonl")
    by_label = {truth[s]: i["status"] for i in result["incidents"] for s in i["message_sids"]}
    assert by_label["noise:one-number-1"] == by_label["noise:one-number-2"] == "held"
    assert {truth[s] for s in result["unassigned"]} == {
        f"noise:one-number-{n}" for n in range(3, 12)
    }
    limited = [m for m in result["messages"] if "muchos reportes" in m["body"]]
    assert len(limited) == 1  # one polite answer a window


def test_sign_ups_and_greetings_are_never_reports(replayed):
    truth, result = replayed(ROOT / "tests" / "scenarios" / "signups-and-greetings.jsonl")
    assert len(result["incidents"]) == 1
    assert {truth[s] for s in result["unassigned"]} == {None}
    bodies = [m["body"] for m in result["messages"]]
    assert not any("Enviamos a alguien" in b or "SIN VERIFICAR" in b for b in bodies)
