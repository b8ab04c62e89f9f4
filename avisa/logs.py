"""Logging set-up. Log lines carry ids, never phone numbers (``core.phones.mask`` where a number
must be shown); a filter masks any E.164-looking number that slips into a message anyway."""

import logging
import re

from core.phones import mask, mask_numbers_in
from core.settings import get_settings

_E164 = re.compile(r"\+\d{8,15}")


class MaskPhones(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_numbers_in(_E164.sub(lambda m: mask(m.group()), message))
        if masked != message:  # also a number a resident typed, quoted in a log line
            record.msg, record.args = masked, ()
        return True


def configure() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskPhones())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(get_settings().log_level)
