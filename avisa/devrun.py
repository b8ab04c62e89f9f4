"""Where a running ``avisa dev`` can be reached: ``.avisa/dev.json`` in the folder it was started
from (where ``make run`` keeps ``avisa.db`` too), written once the API is spawned and removed when
it stops. ``avisa text`` and ``avisa call`` read it, so ``make run PORT=8080`` needs no ``--url``.

Files a local "resident" attaches (``avisa text --media``) are kept beside it in
``.avisa/media/`` for the local SMS backend to hand back, as Twilio would (``messaging.local``).
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from messaging.local import LOCAL_MEDIA

RUN_DIR = Path(".avisa")
RUN_FILE = RUN_DIR / "dev.json"


@dataclass(frozen=True)
class Running:
    url: str  # where to post: the loopback address and port the API listens on
    public_url: str  # what to sign for: the server's AVISA_PUBLIC_URL
    folder: Path  # where the server runs (its .avisa/media/)


def write(*, url: str, public_url: str) -> None:
    RUN_DIR.mkdir(exist_ok=True)
    data = {"url": url, "public_url": public_url, "pid": os.getpid(), "folder": os.getcwd()}
    RUN_FILE.write_text(json.dumps(data) + "\n")


def clear() -> None:
    RUN_FILE.unlink(missing_ok=True)


def read() -> Running | None:
    """The server started from this folder, when its supervisor is still alive."""
    try:
        data = json.loads(RUN_FILE.read_text())
        os.kill(int(data["pid"]), 0)  # a crashed supervisor left the file behind: ignore it
        return Running(str(data["url"]), str(data["public_url"]), Path(data["folder"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def media_folder(running: Running | None) -> Path:
    return (running.folder if running else Path.cwd()) / LOCAL_MEDIA
