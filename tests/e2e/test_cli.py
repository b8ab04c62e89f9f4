"""The ``avisa`` command as a coordinator uses it: in this process (``avisa.cli.main``), and once
as the real command in a process of its own."""

import json
import subprocess
import sys

from tests.conftest import Ran, avisa_env, run_avisa


def avisa(settings, *args, stdin: str | None = None) -> Ran:
    """``avisa ARGS`` under ``settings`` (the test's, already in the environment)."""
    return run_avisa(*args, stdin=stdin)


def test_the_real_command_runs_in_a_process_of_its_own(client, settings):
    done = subprocess.run(
        [sys.executable, "-m", "avisa", "apikey", "create", "--name", "ana", "--role", "viewer"],
        env=avisa_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip().splitlines()[-1]
    assert (
        client.get("/api/v1/zones", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    )


def test_apikey_create_prints_the_key_alone_on_the_last_line(client, settings):
    done = avisa(settings, "apikey", "create", "--name", "ana", "--role", "coordinator")
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip().splitlines()[-1]
    assert key.startswith("avk_") and " " not in key
    assert (
        client.get("/api/v1/zones", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    )
    assert avisa(settings, "apikey", "create", "--name", "x", "--role", "root").returncode == 2


def test_geocode_one_text_and_a_stream(db, settings):
    done = avisa(settings, "geocode", "la migra esta en la Pacific y Florence")
    result = json.loads(done.stdout)
    assert (
        done.returncode == 0 and result["kind"] == "corner" and abs(result["lat"] - 33.9745) < 0.003
    )
    assert {"lat", "lon", "precision_m", "source", "matched"} <= set(result)
    assert avisa(settings, "geocode", "hola, buenos dias").returncode == 1
    lines = avisa(
        settings, "geocode", "-", stdin="ICE en 90255\nhello\n\nestacion Florence del Metro\n"
    ).stdout.splitlines()
    assert [json.loads(line).get("kind") for line in lines] == ["zip", None, None, "station"]


def test_places_added_by_cli_are_understood(db, settings):
    added = avisa(
        settings,
        "places",
        "add",
        "Home Depot Slauson",
        "--lat",
        "33.9889",
        "--lon",
        "-118.2273",
        "--alias",
        "el home depot de slauson",
        "--precision-m",
        "80",
    )
    assert added.returncode == 0, added.stdout + added.stderr
    assert (
        avisa(
            settings, "places", "add", "Home Depot Slauson", "--lat", "1", "--lon", "1"
        ).returncode
        == 1
    )
    assert avisa(settings, "places", "add", "Bad", "--lat", "123", "--lon", "1").returncode == 2
    result = json.loads(avisa(settings, "geocode", "la migra en el Home Depot de Slauson!!").stdout)
    assert result["source"] == "place" and result["precision_m"] == 80
    assert "Home Depot Slauson" in avisa(settings, "places", "list").stdout
