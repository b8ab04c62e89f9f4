"""Request ids: every HTTP request gets one, echoed in the ``X-Request-ID`` response header and
carried by each log line written while the request is handled (``avisa.logs`` reads
``request_id``). A caller's own id (a proxy's or load balancer's) is kept when it is short and
plain, so one id follows a request across hops; otherwise a fresh one is made.

One access line per request goes to the ``avisa.access`` logger: method, path, status, duration.
The path only — query strings can carry webhook parameters (``?ref=`` of a text).
"""

import itertools
import logging
import re
import time
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
request_id: ContextVar[str | None] = ContextVar("avisa_request_id", default=None)

_HEADER_KEY = HEADER.lower().encode()
_PLAIN = re.compile(r"[A-Za-z0-9._:-]{1,64}")
access_log = logging.getLogger("avisa.access")
QUIET_PATHS = frozenset({"/twilio/status"})  # logged at DEBUG unless they fail


# A fresh id: this process's random prefix and a counter. ``uuid4`` per request asks the kernel
# for random bytes, a system call that lets go of the GIL on the event loop; under load the
# thread pool took it and the loop waited its turn, on every request.
_PREFIX = uuid.uuid4().hex[:16]
_COUNTER = itertools.count(1)


def _fresh_id() -> str:
    return f"{_PREFIX}{next(_COUNTER):016x}"


class RequestIdMiddleware:
    """Pure ASGI (no ``BaseHTTPMiddleware``): the id is set in the context the route runs in,
    including the thread pool of sync routes, and streaming responses are left alone."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(_HEADER_KEY, b"").decode("latin-1")
        rid = given if _PLAIN.fullmatch(given) else _fresh_id()
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (_HEADER_KEY, rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # A provider's delivery callbacks come several per text: only their failures at INFO.
            quiet = scope["path"] in QUIET_PATHS and status < 400
            access_log.log(
                logging.DEBUG if quiet else logging.INFO,
                "%s %s %s %.0fms",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
            )
            request_id.reset(token)
