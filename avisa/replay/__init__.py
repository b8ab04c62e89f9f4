"""``avisa replay FILE.jsonl``: rehearse a day of reports on a throwaway Avisa.

Input: one JSON object a line, Twilio's SMS fields plus ``at`` (ISO 8601 with a UTC offset);
other fields (``truth``) are ignored; ``-`` reads stdin. Lines run in ``at`` order, ties in file
order. Each goes through the real pipeline — the signed ``/twilio/sms`` webhook, then a real RQ
worker running intake, matching, policy and sending — on a fresh SQLite database and a private
redis-server, with the clock frozen at the line's ``at``. Output on stdout: the JSON of
``avisa.replay.result.build``.

A bad line is an error, not a warning: the whole stream is checked before anything runs, the
first bad line is named on stderr and the exit status is 2 (a drill that silently dropped a
report would measure the wrong thing). A job failing inside the pipeline exits 1.

    modules: stream (read + validate) · roster (zones, subscribers) ·
             sandbox (throwaway db/Redis/settings) ·
             pipeline (webhook + worker under the clock) · result (the output JSON)
"""

import json
import sys

from avisa.replay.stream import Inbound, StreamError, read_stream


def replay(messages: list[Inbound], roster: list | None = None) -> dict:
    """Run ``messages`` through a throwaway Avisa in ``at`` order; returns the result dict.

    ``roster`` (``avisa.replay.roster.Entry`` lines) is created first; the result then adds the
    texts each subscriber received. Puts the sandbox's settings in force for the process while it
    runs (``core.settings.using``), and runs RQ jobs in this thread: call it from the main thread.
    Raises ``avisa.replay.pipeline.PipelineError`` when a job fails.
    """
    from avisa.replay import roster as rosters
    from avisa.replay.pipeline import Pipeline
    from avisa.replay.result import collect
    from avisa.replay.sandbox import sandbox, silenced_stdout

    ordered = sorted(messages, key=lambda m: m.at)  # stable: ties keep their order
    with sandbox() as settings, silenced_stdout():
        with Pipeline(settings) as pipeline:
            if roster:
                pipeline.at_start(ordered, lambda: rosters.load(roster))
            pipeline.feed_all(ordered)
        return collect(with_subscribers=bool(roster))


def replay_file(path: str) -> dict:
    """``replay`` of the stream at ``path`` (``-``: stdin); raises ``StreamError`` on a bad line."""
    stream = read_stream(path)
    return replay(stream.messages, stream.roster)


def run(path: str) -> int:
    """The CLI: print the result JSON; exit 2 on a bad stream, 1 if the pipeline failed."""
    from avisa.replay.pipeline import PipelineError

    try:
        stream = read_stream(path)
    except (StreamError, OSError, UnicodeDecodeError) as exc:
        print(f"avisa replay: {path}: {exc}", file=sys.stderr)
        return 2
    try:
        result = replay(stream.messages, stream.roster)
    except PipelineError as exc:
        print(f"avisa replay: pipeline failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("avisa replay: interrupted", file=sys.stderr)
        return 130
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
