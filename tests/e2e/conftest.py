import threading

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
