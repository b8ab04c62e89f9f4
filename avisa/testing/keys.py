"""An admin API key for a benchmark's server, made as an operator would: ``avisa apikey create``
in a process of its own, against the server's environment."""

import subprocess
import sys


def admin_key(env: dict[str, str], *, name: str = "bench") -> str:
    """The new key's secret (the last line the command prints)."""
    done = subprocess.run(
        [sys.executable, "-m", "avisa", "apikey", "create", "--name", name, "--role", "admin"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]
