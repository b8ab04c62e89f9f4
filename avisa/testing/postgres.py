"""A throwaway PostgreSQL cluster on a free port, for the tests and the benchmarks.

(Redis comes from ``avisa.redis_server``, which ``avisa dev`` uses too.)
"""

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from avisa.redis_server import free_port


def postgres_bin() -> Path | None:
    explicit = os.environ.get("AVISA_PG_BIN")
    if explicit:
        return Path(explicit)
    for version in ("17", "16", "15", "14"):
        candidate = Path(f"/usr/lib/postgresql/{version}/bin")
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PostgresServer:
    """initdb + postgres on 127.0.0.1:<free port> in a temp dir; ``url`` once started.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` user.
    """

    def __init__(self):
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError(
                "PostgreSQL server binaries not found (install the postgresql package)"
            )
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="avisa-pg-"))
        self.url = f"postgresql://avisa@127.0.0.1:{self.port}/avisa"
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def start(self) -> "PostgresServer":
        data = self.dir / "data"
        if self._as:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(data),
            "-U",
            "avisa",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.dir / "log"),
            "-w",
            "-t",
            "30",
            "-o",
            f"-p {self.port} -k {self.dir} -h 127.0.0.1 -F -c max_connections=200",
            "start",
        )
        self._run(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "avisa",
            "avisa",
        )
        return self

    def stop(self) -> None:
        try:
            self._run(
                str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"
            )
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
