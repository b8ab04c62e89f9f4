"""``avisa dev``: the whole of Avisa on one machine — API, a worker with the scheduler, SQLite,
an embedded real Redis (unless AVISA_REDIS_URL is set) and the local SMS backend, which prints
each outgoing text in this terminal.

Stopping (Ctrl-C or SIGTERM) goes in order, one line each: the API and the worker get SIGTERM
(the API finishes its requests; RQ's warm shutdown finishes the job in hand), then Redis stops.
The children and Redis run in their own process groups so the terminal's Ctrl-C reaches only
this supervisor: otherwise Redis dies first and every process logs its lost connection. A second
Ctrl-C, or a child still busy after ``GRACE_S``, stops them at once (RQ re-runs an interrupted job:
every job is idempotent).

A worker that exits on its own (Redis went away, a crash) is started again, sooner or later as it
keeps exiting, with one line saying so; the API keeps serving (it stores every webhook while
Redis is down), and an embedded Redis that died is started again on its port. Only an API that
exits stops everything. While it
runs, ``.avisa/dev.json`` says where (``avisa.devrun``), for ``avisa text`` and ``avisa call``.
"""

import os
import signal
import subprocess
import sys
import time

from avisa import devrun
from avisa.migrations import upgrade
from avisa.redis_server import RedisServer, RedisServerNotFound
from core.settings import get_settings

GRACE_S = 10.0
# A worker that exits is started again after 1 s, then 2, 4 … at most MAX_DELAY_S while it keeps
# exiting (Redis away for a while); one that ran STEADY_S first starts over at 1 s.
MAX_DELAY_S, STEADY_S = 30.0, 60.0


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "avisa", *args], env=env, process_group=0)


def _say(line: str) -> None:
    print(line, flush=True)


def run(*, host: str, port: int) -> int:
    settings = get_settings()
    # Listening on every interface (0.0.0.0) is still reached, and signed for, at the loopback.
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    env = dict(
        os.environ, AVISA_PUBLIC_URL=os.environ.get("AVISA_PUBLIC_URL", f"http://{local}:{port}")
    )
    redis = None
    if not settings.redis_url:
        try:
            redis = RedisServer().start()
        except (RedisServerNotFound, RuntimeError, OSError) as exc:
            print(f"avisa dev: {' '.join(str(exc).split())}", file=sys.stderr)
            return 1
        env["AVISA_REDIS_URL"] = redis.url
        _say(f"embedded Redis on {redis.url}")
    signals = []
    previous = {sig: signal.signal(sig, lambda sig, _: signals.append(sig)) for sig in _STOP}
    children: dict[str, subprocess.Popen] = {}
    try:
        upgrade(settings.database_url)
        children["API"] = _spawn(["serve", "--host", host, "--port", str(port)], env)
        children["worker"] = _spawn(["worker"], env)
        devrun.write(url=f"http://{local}:{port}", public_url=env["AVISA_PUBLIC_URL"])
        _say(
            f"Avisa is up: API http://{host}:{port} (docs at /docs); "
            f"SMS backend: {settings.sms_backend}. Ctrl-C stops."
        )
        restarts, started, next_start = 0, time.monotonic(), None
        while not signals and children["API"].poll() is None:
            if redis and not redis.alive():
                _say("embedded Redis exited; starting it again on the same port")
                try:
                    redis.start()
                except (RuntimeError, OSError) as exc:
                    _say(f"embedded Redis could not start again ({exc}); stopping Avisa…")
                    break
                # Its queues went with it (the sweep queues again what the database holds), and
                # a worker left waiting on the old connection may never answer a SIGTERM.
                _end_group(children["worker"], signal.SIGKILL)
                children["worker"].wait()
            worker = children["worker"]
            if worker.poll() is not None and next_start is None:
                _end_group(worker)
                if time.monotonic() - started > STEADY_S:
                    restarts = 0  # it had been running well: this is a new trouble
                delay = min(MAX_DELAY_S, 2.0**restarts)
                _say(
                    f"the worker exited (code {worker.returncode}); starting it again in "
                    f"{delay:.0f} s (the API keeps taking reports; they are queued once it is up)"
                )
                next_start = time.monotonic() + delay
            elif next_start is not None and time.monotonic() >= next_start:
                children["worker"] = _spawn(["worker"], env)
                restarts, started, next_start = restarts + 1, time.monotonic(), None
            time.sleep(0.2)
        else:
            # Ctrl-C is the reason whatever else is down (a worker waiting to be started again).
            died = [n for n, child in children.items() if child.poll() is not None and not signals]
            _say(f"the {' and '.join(died)} exited; stopping Avisa…" if died else "stopping Avisa…")
    finally:
        devrun.clear()
        _stop(children, signals)
        if redis:
            redis.stop()
            _say("embedded Redis stopped")
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if signals else 1


_STOP = (signal.SIGINT, signal.SIGTERM)


def _end_group(child: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """A child's process group: what an exited child left running (RQ's scheduler process)."""
    try:
        os.killpg(child.pid, sig)
    except ProcessLookupError:
        pass


def _stop(children: dict[str, subprocess.Popen], signals: list[int]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    asked = len(signals)
    deadline = time.monotonic() + GRACE_S
    for name, child in children.items():
        while child.poll() is None and time.monotonic() < deadline and len(signals) <= asked:
            time.sleep(0.05)
        if child.poll() is None:
            child.kill()
            child.wait()
            _say(f"{name} killed (it did not stop in time; RQ re-runs an interrupted job)")
        else:
            _say(f"{name} stopped")
