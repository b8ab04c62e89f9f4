"""Logging set-up. Log lines carry ids, never phone numbers (``core.phones.mask`` where a number
must be shown); a filter masks any E.164-looking number that slips into a message anyway."""

import logging
import re

from core.phones import mask
from core.settings import get_settings

_E164 = re.compile(r"\+\d{8,15}")


class MaskPhones(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _E164.search(message):
            record.msg, record.args = _E164.sub(lambda m: mask(m.group()), message), ()
        return True


def configure() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskPhones())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(get_settings().log_level)
