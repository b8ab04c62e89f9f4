"""Feeding recorded messages through the real Avisa: the signed webhook, then a real RQ worker.

Everything runs in this thread under ``core.clock.frozen_at(message.at)``: the webhook stores the
message "when it arrived", and the jobs it enqueued (intake, dispatch, sends) run at that same
moment, as if the worker had picked them up at once. Before each message the expiry sweep runs
at that moment too, so a corner reported again hours later meets an expired incident, as it would
in production where the scheduler sweeps every minute.
"""

import warnings
from collections.abc import Iterable

from redis import Redis
from rq import Queue, SimpleWorker
from twilio.request_validator import RequestValidator

from avisa.replay.stream import Inbound
from core.clock import frozen_at, now
from core.settings import Settings

with warnings.catch_warnings():
    # Starlette nags that its TestClient will move to httpx2; the replay's stderr is for its own
    # errors.
    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    from fastapi.testclient import TestClient

WEBHOOK = "/twilio/sms"


class PipelineError(RuntimeError):
    """The pipeline itself failed on a message (a job raised): the replay's result would be
    wrong."""


class ReplayWorker(SimpleWorker):
    """A real RQ worker running jobs in this thread, adapted to living inside one command.

    - No pub/sub command channel: it lets an operator stop a worker remotely, but nobody can
      address this one, and leaving the channel joins a thread (~0.3 s) after every message.
    - No signal handlers: RQ's turn Ctrl-C into "finish the job, then stop", which our drain loop
      would ignore by starting the worker again; Ctrl-C must end the replay.
    - Failures are remembered here (no Redis round-trips to find them): a failed job means a
      message was not handled, and a replay that carried on would report a wrong result.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.failures: list[tuple[str, str]] = []

    def subscribe(self) -> None:
        pass

    def unsubscribe(self) -> None:
        pass

    def _install_signal_handlers(self) -> None:
        pass

    def handle_job_failure(
        self, job, queue, started_job_registry=None, exc_string="", execution=None
    ):
        self.failures.append((job.id, exc_string))
        super().handle_job_failure(
            job,
            queue,
            started_job_registry=started_job_registry,
            exc_string=exc_string,
            execution=execution,
        )


class Pipeline:
    """The API app and a worker over the sandbox's Redis; use as a context manager."""

    def __init__(self, settings: Settings) -> None:
        from api.app import create_app
        from workers.queues import ALL_QUEUES, get_redis

        self._signer = RequestValidator(settings.signing_token)
        self._url = settings.public_url.rstrip("/") + WEBHOOK
        self._client = TestClient(create_app(settings), base_url=settings.public_url)
        redis: Redis = get_redis()
        self._queues = [Queue(name, connection=redis) for name in ALL_QUEUES]
        # One worker for the whole replay: registering a new one per message would cost more than
        # the job.
        self._worker = ReplayWorker(self._queues, connection=redis)

    def __enter__(self) -> "Pipeline":
        self._client.__enter__()  # one event-loop thread for every request, not one per request
        return self

    def __exit__(self, *exc) -> None:
        self._client.__exit__(*exc)

    def feed(self, message: Inbound) -> None:
        """Deliver ``message`` at its ``at`` and run every job it causes to completion."""
        from workers import cases
        from workers.maintenance import expire_incidents

        with frozen_at(message.at):
            expire_incidents()
            cases.sweep()  # detention cases due an offer or an escalation by now
            self._post(message)
            self._drain(message)

    def at_start(self, messages: list[Inbound], setup) -> None:
        """Run ``setup`` (the roster) at the first message's time, and the jobs it causes."""
        with frozen_at(messages[0].at if messages else now()):
            setup()
            while any(q.count for q in self._queues):
                self._worker.work(burst=True, logging_level="ERROR")

    def feed_all(self, messages: Iterable[Inbound]) -> None:
        last = None
        for message in messages:
            self.feed(message)
            last = message
        if last is not None:
            self.settle(last)

    def settle(self, last: Inbound) -> None:
        """Final expiry sweep at the last message's time, so statuses are those of that moment."""
        from workers.maintenance import expire_incidents

        with frozen_at(last.at):
            expire_incidents()

    def _post(self, message: Inbound) -> None:
        signature = self._signer.compute_signature(self._url, message.form)
        response = self._client.post(
            WEBHOOK, data=message.form, headers={"X-Twilio-Signature": signature}
        )
        if response.status_code != 200:
            raise PipelineError(
                f"line {message.line}: webhook answered {response.status_code}: "
                f"{response.text[:200]}"
            )

    def _drain(self, message: Inbound) -> None:
        # Jobs enqueue further jobs (intake → dispatch → send): run until every queue is empty.
        while any(q.count for q in self._queues):
            self._worker.work(burst=True, logging_level="ERROR")
        self._raise_failures(message)

    def _raise_failures(self, message: Inbound) -> None:
        if self._worker.failures:
            job_id, detail = self._worker.failures[0]
            raise PipelineError(
                f"line {message.line} ({message.sid}): job {job_id} failed\n{detail}"
            )
