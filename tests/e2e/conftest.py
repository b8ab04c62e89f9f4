import os
import threading
from pathlib import Path

import pytest
import uvicorn

from avisa.redis_server import free_port
from tests.servers import wait_for


@pytest.fixture
def live_server(db):
    """The real ASGI server on a loopback port, for tests that need real concurrency or the CLI."""
    from api.app import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def replayed():
    """``replayed(path) -> (truth, result)``: a labelled stream through ``avisa replay`` once a
    session, with default settings whatever the environment says, shared by every test that
    measures it (the scores, trust's holds, the shape of the output)."""
    from avisa.replay import replay_file
    from bench.bcubed import truth_of
    from core.settings import get_settings

    results: dict[Path, tuple[dict, dict]] = {}

    def get(path: Path) -> tuple[dict, dict]:
        if path not in results:
            with pytest.MonkeyPatch.context() as patch:
                for name in list(os.environ):
                    if name.startswith(("AVISA_", "TWILIO_")):
                        patch.delenv(name)
                get_settings.cache_clear()
                try:
                    results[path] = (truth_of(str(path)), replay_file(str(path)))
                finally:
                    get_settings.cache_clear()
        return results[path]

    return get
