"""A Twilio look-alike on 127.0.0.1 for the tests and bench/delivery.py: the Messages create
endpoint, its errors, its latency, and the signed status callbacks that follow.

    fake = FakeTwilio(latency=0.15).start()
    settings = Settings(twilio_api_url=fake.url, twilio_account_sid=fake.account_sid, ...)
    fake.fail_number("+13235550101", status=400, code=21610)   # this number replied STOP
    fake.fail_next(2, status=429, code=20429)                  # the next two requests
    fake.error_rates[(429, 20429)] = 0.05                      # 5 % of requests at random
    fake.max_concurrency = 100                                 # 429 / 20429 past 100 at once
    fake.hang_number("+13235550102", 2.0)                      # accept, then answer too late
    fake.drop_number("+13235550104")                           # accept, then hang up, no answer
    fake.callback_outcome("+13235550103", "undelivered", 30003)
    fake.fail_call("+13235550105", status=400, code=21215)    # refuse calls, not texts
    ... fake.accepted  (every text it took: sid, to, body, time accepted)
    ... fake.calls  (every call placed with POST …/Calls.json: sid, to, from, url)
    ... fake.deleted_recordings  (RE… SIDs deleted with DELETE …/Recordings/{sid}.json)
    url = fake.hold_media(b"…jpeg…", "image/jpeg")  # a resident's photo, as MediaUrl0 names it
    ... fake.media_fetches, fake.deleted_media  (GET …/Messages/{MM}/Media/{ME}, DELETE ….json)
    fake.stop()

It records numbers because assertions need them; it never prints or logs them.
"""

import base64
import heapq
import itertools
import json
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import httpx
from twilio.request_validator import RequestValidator

from messaging.segments import count_segments

ACCOUNT_SID = "AC" + "f" * 32
AUTH_TOKEN = "fake-twilio-auth-token"
DROP = -1.0  # a "hang" that closes the connection instead of answering
CallbackSink = Callable[[str, dict[str, str], dict[str, str]], object]


@dataclass(frozen=True)
class Accepted:
    sid: str
    to: str
    sender: str  # From or MessagingServiceSid
    body: str
    status_callback: str | None
    accepted_at: float  # time.time() when the fake decided to accept it
    content_sid: str | None = None  # a WhatsApp template sent instead of a Body
    content_variables: str | None = None


@dataclass(frozen=True)
class PlacedCall:
    sid: str
    to: str
    sender: str
    url: str
    status_callback: str | None


@dataclass(frozen=True)
class Fault:
    status: int
    code: int
    message: str = "Injected by the fake"


@dataclass(order=True)
class _Callback:
    due: float
    seq: int
    url: str = field(compare=False)
    params: dict[str, str] = field(compare=False)


class FakeTwilio:
    def __init__(
        self,
        *,
        latency: float = 0.0,
        account_sid: str = ACCOUNT_SID,
        auth_token: str = AUTH_TOKEN,
        callbacks: bool = True,
        callback_delay: float = 0.0,
        reverse_callbacks: bool = False,
        callback_sink: CallbackSink | None = None,
        max_concurrency: int | None = None,
        seed: int = 0,
    ):
        self.latency, self.account_sid, self.auth_token = latency, account_sid, auth_token
        self.max_concurrency = (
            max_concurrency  # like Twilio's account limit: beyond it, 429 / 20429
        )
        self._in_flight = 0
        self.callbacks, self.callback_delay, self.reverse_callbacks = (
            callbacks,
            callback_delay,
            reverse_callbacks,
        )
        self.callback_sink = callback_sink  # instead of HTTP: e.g. a FastAPI TestClient's post
        self.error_rates: dict[tuple[int, int], float] = {}
        self.responses: Counter[int] = Counter()  # HTTP status → how many answered
        self.callbacks_sent: list[tuple[str, dict[str, str]]] = []
        self._accepted: list[Accepted] = []
        self.calls: list[PlacedCall] = []
        self._call_faults: dict[str, Fault] = {}
        self.deleted_recordings: list[str] = []
        self._media: dict[str, tuple[str, str, bytes]] = {}  # ME… → (MM…, type, bytes)
        self.media_fetches: list[str] = []  # ME… SIDs fetched with our credentials
        self.deleted_media: list[str] = []
        self._number_faults: dict[str, Fault] = {}
        self._hangs: dict[str, float] = {}
        self._outcomes: dict[str, tuple[str, int | None]] = {}
        self._scripted: list[Fault] = []
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._queue: list[_Callback] = []
        self._queue_cv = threading.Condition()
        self._seq = itertools.count()
        self._stopping = False
        self._server: ThreadingHTTPServer | None = None

    # -- configuration ------------------------------------------------------------------------
    def fail_number(
        self, to: str, *, status: int = 400, code: int = 21610, message: str = "Injected"
    ) -> None:
        self._number_faults[to] = Fault(status, code, message)

    def fail_next(self, count: int, *, status: int = 429, code: int = 20429) -> None:
        with self._lock:
            self._scripted.extend(Fault(status, code, f"Injected {status}") for _ in range(count))

    def fail_call(self, to: str, *, status: int = 400, code: int = 21215) -> None:
        """Refuse calls to ``to`` (texts to it are unaffected)."""
        self._call_faults[to] = Fault(status, code, "Injected")

    def hang_number(self, to: str, seconds: float) -> None:
        """Accept texts to ``to`` but answer only after ``seconds`` (past the client's timeout)."""
        self._hangs[to] = seconds

    def drop_number(self, to: str) -> None:
        """Accept texts to ``to``, then close the connection without answering."""
        self._hangs[to] = DROP

    def callback_outcome(self, to: str, status: str, error_code: int | None = None) -> None:
        """The final status callbacks report for ``to`` (default: sent, then delivered)."""
        self._outcomes[to] = (status, error_code)

    def hold_media(
        self, content: bytes, content_type: str = "image/jpeg", *, message_sid: str | None = None
    ) -> str:
        """Keep a file as if a resident had sent it; returns its URL, as the webhook's
        ``MediaUrlN`` names it."""
        message_sid = message_sid or "MM" + uuid.uuid4().hex
        media_sid = "ME" + uuid.uuid4().hex
        with self._lock:
            self._media[media_sid] = (message_sid, content_type, content)
        account = f"{self.url}/2010-04-01/Accounts/{self.account_sid}"
        return f"{account}/Messages/{message_sid}/Media/{media_sid}"

    # -- results ------------------------------------------------------------------------------
    @property
    def accepted(self) -> list[Accepted]:
        with self._lock:
            return list(self._accepted)

    @property
    def in_flight(self) -> int:
        """Create requests the fake is still working on (their client may be gone)."""
        with self._lock:
            return self._in_flight

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def wait_for_callbacks(
        self, count: int, timeout: float = 10.0
    ) -> list[tuple[str, dict[str, str]]]:
        deadline = time.monotonic() + timeout
        while len(self.callbacks_sent) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.callbacks_sent)

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> "FakeTwilio":
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, name="fake-twilio", daemon=True).start()
        threading.Thread(
            target=self._deliver_callbacks, name="fake-twilio-callbacks", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        with self._queue_cv:
            self._stopping = True
            self._queue_cv.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "FakeTwilio":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- request handling (called from the server's threads) ----------------------------------
    def handle_create(
        self, account_sid: str, auth: str | None, form: dict[str, str]
    ) -> tuple[int, dict, float]:
        """(HTTP status, JSON body, seconds to hold the answer back after deciding)."""
        with self._lock:
            self._in_flight += 1
            too_many = self.max_concurrency is not None and self._in_flight > self.max_concurrency
        try:
            time.sleep(self.latency)
            if too_many:
                return self._fault(Fault(429, 20429, "Too Many Requests"))
            return self._create(account_sid, auth, form)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _create(
        self, account_sid: str, auth: str | None, form: dict[str, str]
    ) -> tuple[int, dict, float]:
        if account_sid != self.account_sid or auth != self._expected_auth():
            return self._fault(Fault(401, 20003, "Authenticate"))
        to, body = form.get("To", ""), form.get("Body", "")
        sender = form.get("MessagingServiceSid") or form.get("From")
        if not to or not (body or form.get("ContentSid")) or not sender:
            return self._fault(
                Fault(
                    400,
                    21604,
                    "A 'To', a 'From' or 'MessagingServiceSid', and a 'Body' are required",
                )
            )
        fault = self._pick_fault(to)
        if fault is not None:
            return self._fault(fault)
        record = Accepted(
            "SM" + uuid.uuid4().hex,
            to,
            sender,
            body,
            form.get("StatusCallback"),
            time.time(),
            form.get("ContentSid"),
            form.get("ContentVariables"),
        )
        with self._lock:
            self._accepted.append(record)
            self.responses[201] += 1
        self._schedule_callbacks(record, form)
        return 201, self._message_json(record, form), self._hangs.get(to, 0.0)

    def handle_list(
        self, account_sid: str, auth: str | None, query: dict[str, str]
    ) -> tuple[int, dict, float]:
        """``GET Messages.json?To=…``: newest first, one page (how a sender settles a lost
        answer)."""
        if account_sid != self.account_sid or auth != self._expected_auth():
            return self._fault(Fault(401, 20003, "Authenticate"))
        size = int(query.get("PageSize", 50))
        found = [a for a in reversed(self.accepted) if a.to == query.get("To", a.to)][:size]
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        return (
            200,
            {
                "messages": [self._message_json(a, {}) for a in found],
                "first_page_uri": uri,
                "next_page_uri": None,
                "previous_page_uri": None,
                "page": 0,
                "page_size": size,
                "start": 0,
                "end": max(len(found) - 1, 0),
                "uri": uri,
            },
            0.0,
        )

    def handle_call_create(
        self, account_sid: str, auth: str | None, form: dict[str, str]
    ) -> tuple[int, dict, float]:
        """``POST /2010-04-01/Accounts/{sid}/Calls.json``: queued, as Twilio answers; the test
        plays Twilio's side of the call by posting to ``url`` itself."""
        if account_sid != self.account_sid or auth != self._expected_auth():
            return self._fault(Fault(401, 20003, "Authenticate"))
        to, sender, url = form.get("To", ""), form.get("From", ""), form.get("Url", "")
        if not to or not sender or not (url or form.get("Twiml")):
            return self._fault(Fault(400, 21201, "A 'To', a 'From' and a 'Url' are required"))
        fault = self._call_faults.get(to) or self._pick_fault(to)
        if fault is not None:
            return self._fault(fault)
        call = PlacedCall("CA" + uuid.uuid4().hex, to, sender, url, form.get("StatusCallback"))
        with self._lock:
            self.calls.append(call)
            self.responses[201] += 1
        return (
            201,
            {
                "sid": call.sid,
                "account_sid": self.account_sid,
                "to": call.to,
                "from": call.sender,
                "status": "queued",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Calls/{call.sid}.json",
            },
            0.0,
        )

    def handle_delete_recording(
        self, account_sid: str, auth: str | None, recording_sid: str
    ) -> tuple[int, dict | None]:
        """``DELETE /2010-04-01/Accounts/{sid}/Recordings/{RE…}.json``: 204, as Twilio answers."""
        if account_sid != self.account_sid or auth != self._expected_auth():
            return self._fault(Fault(401, 20003, "Authenticate"))[:2]
        with self._lock:
            self.deleted_recordings.append(recording_sid)
            self.responses[204] += 1
        return 204, None

    def handle_media(
        self, account_sid: str, message_sid: str, media_sid: str, auth: str | None, *, delete: bool
    ) -> tuple[int, dict | None, str, bytes]:
        """``GET …/Messages/{MM}/Media/{ME}`` (the file) or ``DELETE ….json`` (204): (status,
        JSON error or None, content type, bytes)."""
        if account_sid != self.account_sid or auth != self._expected_auth():
            return *self._fault(Fault(401, 20003, "Authenticate"))[:2], "", b""
        with self._lock:
            scripted = self._scripted.pop(0) if self._scripted else None  # fail_next
        if scripted is not None:
            return *self._fault(scripted)[:2], "", b""
        with self._lock:
            held = self._media.get(media_sid)
            if held is None or held[0] != message_sid:
                self.responses[404] += 1
                return 404, {"code": 20404, "message": "Not found", "status": 404}, "", b""
            if delete:
                del self._media[media_sid]
                self.deleted_media.append(media_sid)
                self.responses[204] += 1
                return 204, None, "", b""
            self.media_fetches.append(media_sid)
            self.responses[200] += 1
        return 200, None, held[1], held[2]

    def _pick_fault(self, to: str) -> Fault | None:
        with self._lock:
            if self._scripted:
                return self._scripted.pop(0)
        if to in self._number_faults:
            return self._number_faults[to]
        for (status, code), rate in self.error_rates.items():
            if self._random.random() < rate:
                return Fault(status, code, "Injected at random")
        return None

    def _fault(self, fault: Fault) -> tuple[int, dict, float]:
        with self._lock:
            self.responses[fault.status] += 1
        return (
            fault.status,
            {
                "code": fault.code,
                "message": fault.message,
                "status": fault.status,
                "more_info": f"https://www.twilio.com/docs/errors/{fault.code}",
            },
            0.0,
        )

    def _expected_auth(self) -> str:
        return (
            "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        )

    def _message_json(self, record: Accepted, form: dict[str, str]) -> dict:
        service = form.get("MessagingServiceSid") or (
            record.sender if record.sender.startswith("MG") else None
        )
        return {
            "sid": record.sid,
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "to": record.to,
            "from": None if service else record.sender,
            "messaging_service_sid": service,
            "body": record.body,
            "status": "accepted" if service else "queued",
            "num_segments": str(count_segments(record.body)),
            "num_media": "0",
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "price": None,
            "price_unit": "USD",
            "date_created": time.strftime(
                "%a, %d %b %Y %H:%M:%S +0000", time.gmtime(record.accepted_at)
            ),
            "date_sent": None,
            "date_updated": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{record.sid}.json",
        }

    # -- status callbacks ---------------------------------------------------------------------
    def _schedule_callbacks(self, record: Accepted, form: dict[str, str]) -> None:
        if not (self.callbacks and record.status_callback):
            return
        final, error_code = self._outcomes.get(record.to, ("delivered", None))
        steps = (
            [("sent", None), (final, error_code)]
            if final in ("delivered", "undelivered")
            else [(final, error_code)]
        )
        if self.reverse_callbacks:
            steps.reverse()
        base = {
            "MessageSid": record.sid,
            "SmsSid": record.sid,
            "AccountSid": self.account_sid,
            "To": record.to,
            "ApiVersion": "2010-04-01",
        }
        if form.get("MessagingServiceSid"):
            base["MessagingServiceSid"] = form["MessagingServiceSid"]
        else:
            base["From"] = record.sender
        with self._queue_cv:
            for i, (status, code) in enumerate(steps):
                params = {**base, "MessageStatus": status, "SmsStatus": status}
                if code is not None:
                    params["ErrorCode"] = str(code)
                due = time.monotonic() + self.callback_delay * (i + 1)
                heapq.heappush(
                    self._queue, _Callback(due, next(self._seq), record.status_callback, params)
                )
            self._queue_cv.notify_all()

    def _deliver_callbacks(self) -> None:
        while True:
            with self._queue_cv:
                while not self._stopping and (
                    not self._queue or self._queue[0].due > time.monotonic()
                ):
                    wait = self._queue[0].due - time.monotonic() if self._queue else None
                    self._queue_cv.wait(wait)
                if self._stopping:
                    return
                item = heapq.heappop(self._queue)
            self._post_callback(item.url, item.params)

    def _post_callback(self, url: str, params: dict[str, str]) -> None:
        headers = {
            "X-Twilio-Signature": RequestValidator(self.auth_token).compute_signature(url, params)
        }
        try:
            if self.callback_sink is not None:
                self.callback_sink(url, params, headers)
            else:
                httpx.post(url, data=params, headers=headers, timeout=5)
        except Exception:  # noqa: BLE001 — Twilio too shrugs off an unreachable callback URL
            pass
        self.callbacks_sent.append((url, params))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a fan-out opens dozens of connections at once; the default is 5


class _Handler(BaseHTTPRequestHandler):
    fake: FakeTwilio
    protocol_version = "HTTP/1.1"  # keep-alive, like api.twilio.com, so client pools are exercised
    disable_nagle_algorithm = (
        True  # else headers and body, written apart, wait out a delayed ACK (40 ms)
    )

    def do_GET(self) -> None:  # noqa: N802 — http.server's naming
        media = self._media_path()
        if media is not None:
            status, error, kind, content = self.fake.handle_media(
                *media, self.headers.get("Authorization"), delete=False
            )
            if error is not None:
                self._send(status, error)
                return
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
            return
        account_sid = self._account_sid()
        if account_sid is not None:
            query = dict(parse_qsl(self.path.partition("?")[2]))
            self._send(
                *self.fake.handle_list(account_sid, self.headers.get("Authorization"), query)[:2]
            )

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["2010-04-01", "Accounts"] and parts[3] == "Calls.json":
            auth = self.headers.get("Authorization")
            self._send(*self.fake.handle_call_create(parts[2], auth, form)[:2])
            return
        account_sid = self._account_sid()
        if account_sid is None:
            return
        status, payload, hold = self.fake.handle_create(
            account_sid, self.headers.get("Authorization"), form
        )
        if hold == DROP:
            self.close_connection = True
            return
        time.sleep(hold)
        self._send(status, payload)

    def do_DELETE(self) -> None:  # noqa: N802
        parts = self.path.split("?")[0].strip("/").split("/")
        media = self._media_path(suffix=".json")
        if media is not None:
            status, error, _, _ = self.fake.handle_media(
                *media, self.headers.get("Authorization"), delete=True
            )
            if error is not None:
                self._send(status, error)
            else:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            return
        if (
            len(parts) == 5
            and parts[:2] == ["2010-04-01", "Accounts"]
            and parts[3] == "Recordings"
            and parts[4].endswith(".json")
        ):
            status, payload = self.fake.handle_delete_recording(
                parts[2], self.headers.get("Authorization"), parts[4].removesuffix(".json")
            )
            if payload is None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(status, payload)
            return
        self._send(
            404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        )

    def _media_path(self, suffix: str = "") -> tuple[str, str, str] | None:
        """(account, message, media) SIDs of ``/2010-04-01/Accounts/{AC}/Messages/{MM}/Media/
        {ME}{suffix}``, else None."""
        parts = self.path.split("?")[0].strip("/").split("/")
        if (
            len(parts) == 7
            and parts[:2] == ["2010-04-01", "Accounts"]
            and (parts[3], parts[5]) == ("Messages", "Media")
            and parts[6].startswith("ME")
            and parts[6].endswith(suffix)
            and "." not in parts[6].removesuffix(suffix)
        ):
            return parts[2], parts[4], parts[6].removesuffix(suffix)
        return None

    def _account_sid(self) -> str | None:
        """The AccountSid of ``/2010-04-01/Accounts/{sid}/Messages.json``; else answers 404."""
        parts = self.path.split("?")[0].strip("/").split("/")
        if (
            len(parts) == 4
            and parts[0] == "2010-04-01"
            and parts[1] == "Accounts"
            and parts[3] == "Messages.json"
        ):
            return parts[2]
        self._send(
            404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        )
        return None

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout): what a hung Twilio looks like from their side

    def log_message(self, format: str, *args) -> None:  # noqa: A002 — silence: paths only, but still noise
        pass
