"""Logging set-up. Log lines carry ids, never phone numbers (``core.phones.mask`` where a number
must be shown); a filter masks any E.164-looking number that slips into a message anyway, and the
formatters mask what the filter cannot see (tracebacks).

``AVISA_LOG_FORMAT=json`` writes one JSON object a line: ``time`` (UTC, ISO 8601), ``level``,
``logger``, ``message``, and when there is one ``request_id`` (``api.middleware``), ``job_id`` (the
RQ job being run) and ``exception``. ``configure()`` sets up this process; ``uvicorn_config()`` is
the same set-up as a ``dictConfig`` for uvicorn, which applies it in each of its worker processes.
"""

import json
import logging
import re
from datetime import UTC, datetime

from rq import get_current_job

from api.middleware import request_id
from core.phones import mask, mask_numbers_in
from core.settings import get_settings

# A number as written, or URL-encoded in a logged URL's query string (%2B is "+").
_E164 = re.compile(r"(?:\+|%2B)(\d{8,15})", re.IGNORECASE)
# Loggers that write request URLs, query strings included, at INFO: kept to warnings.
QUIET = ("httpx", "httpcore")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def mask_phones(text: str) -> str:
    return _E164.sub(lambda m: mask("+" + m.group(1)), text)


class MaskPhones(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_numbers_in(mask_phones(message))
        if masked != message:  # also a number a resident typed, quoted in a log line
            record.msg, record.args = masked, ()
        return True


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        return mask_phones(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if rid := request_id.get():
            entry["request_id"] = rid
        if job := get_current_job():
            entry["job_id"] = job.id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return mask_phones(json.dumps(entry, ensure_ascii=False))


def formatter() -> logging.Formatter:
    """The formatter ``AVISA_LOG_FORMAT`` asks for."""
    return JsonFormatter() if get_settings().log_format == "json" else TextFormatter()


def configure() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(formatter())
    handler.addFilter(MaskPhones())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(get_settings().log_level)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def uvicorn_config() -> dict:
    """``configure()`` as uvicorn's ``log_config``: its own loggers go through our handler too."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask": {"()": "avisa.logs.MaskPhones"}},
        "formatters": {"avisa": {"()": "avisa.logs.formatter"}},
        "handlers": {
            "avisa": {
                "class": "logging.StreamHandler",
                "formatter": "avisa",
                "filters": ["mask"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["avisa"], "level": get_settings().log_level},
        "loggers": {
            **{
                name: {"handlers": [], "propagate": True}
                for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
            },
            **{name: {"level": "WARNING"} for name in QUIET},
        },
    }
