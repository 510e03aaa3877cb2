"""A logging filter that blanks anything shaped like a My Number (12 digits, with or without separators)."""

from __future__ import annotations

import logging
import re

MYNUMBER_SHAPE = re.compile(r"(?<!\d)(?:\d{4}[\s-]?\d{4}[\s-]?\d{4})(?!\d)")
REDACTED = "[個人番号を伏せました]"


def redact(text: str) -> str:
    return MYNUMBER_SHAPE.sub(REDACTED, text)


class RedactMyNumberFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the log line
            message = str(record.msg)
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
