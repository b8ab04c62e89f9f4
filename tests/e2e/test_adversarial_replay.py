"""Attacks mixed into busy real days (``bench/adversarial.py``), through ``avisa replay`` with a
roster, held to the bars of a hotline under attack: at the end of each stream no incident made
only of noise is left ``reported``/``confirmed``/``expired`` (a flood's first incidents may
alert before it can be told from a witness; then they are held and their responders told to
stand by), the real raids score B-cubed F1 >= 0.95 and every one of them is alerted, none held,
and no real report is silenced. Each stream is replayed once per session.
"""

import os
from functools import cache

import pytest

from bench.adversarial import ATTACKS, measure, replay_lines, streams
from core.settings import get_settings


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("AVISA_", "TWILIO_")):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@cache
def _streams() -> dict[str, list[str]]:
    return streams()


@pytest.fixture(scope="session")
def replayed():
    """Each stream replayed once a session, when a test first asks for it (inside the test, so
    under ``plain_environment``)."""

    @cache
    def run(name: str):
        lines = _streams()[name]
        result = replay_lines(lines)
        return result, measure(lines, result)

    return run


NAMES = [f"{attack}+{day}" for attack, (_, day) in ATTACKS.items()] + ["all-attacks+sample"]


@pytest.mark.parametrize("name", NAMES)
def test_an_attack_on_a_busy_day_holds_every_bar(replayed, name):
    if name not in _streams():
        pytest.skip("the shared sample day is not in this checkout")
    result, figures = replayed(name)
    assert figures.noise_incidents > 0, name  # the attack did reach the hotline
    assert figures.noise_left == 0, (name, figures)
    assert figures.real_f1 >= 0.95, (name, figures)
    assert figures.real_held == 0 and figures.real_silenced == 0, (name, figures)
    assert figures.real_not_alerted == 0, (name, figures)  # as on a quiet day
    # Every noise incident responders heard of, they were told to stand by on.
    assert figures.noise_alerted == figures.noise_stood_down, (name, figures)
    stood_down = {i["id"] for i in result["incidents"] if i["stood_down"]}
    alerts: dict[int, int] = {}
    stand_bys: dict[int, int] = {}
    for m in result["messages"]:
        if m["kind"] == "alert":
            alerts[m["incident_id"]] = alerts.get(m["incident_id"], 0) + 1
        elif m["kind"] == "update" and ("NO CONFIRMADO" in m["body"] or "UNCONFIRMED" in m["body"]):
            stand_bys[m["incident_id"]] = stand_bys.get(m["incident_id"], 0) + 1
    # One stand-by per responder per alert they had, however many texts the flood sent (an
    # incident released by a fresh number and held again when that number showed what it was
    # is alerted twice, and stood down twice).
    assert set(stand_bys) == stood_down, name
    assert all(stand_bys[i] <= alerts.get(i, 0) for i in stand_bys), (name, stand_bys, alerts)


def test_the_attacks_are_generated_the_same_every_time():
    assert streams() == _streams()
    lines = _streams()["cycling+simultaneous"]
    assert sum('"noise:cycling-' in line for line in lines) == 50
    assert sum("whatsapp:" in line for line in lines) > 0  # one number on both channels
