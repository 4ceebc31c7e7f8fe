"""Logging set up once: readable lines on the console, or one JSON object a line with LOG_FORMAT=json.

Log lines never carry tokens or whole email addresses (`mask_email`); private links are blanked
before anything is printed (integrations/email.redact_private_links).
"""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime

_configured = False


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(log_format: str = "text", level: str = "INFO") -> None:
    """The app's own loggers (repair_portal.*); Reflex and the web server keep theirs."""
    global _configured
    if _configured:
        return
    formatter = (
        {"()": JsonLines}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s", "datefmt": "%Y-%m-%d %H:%M:%S"}
    )
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"app": formatter},
            "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "app"}},
            "loggers": {"repair_portal": {"handlers": ["console"], "level": level, "propagate": False}},
        }
    )
    _configured = True


def mask_email(address: str) -> str:
    """'jan.kowalski@example.com' → 'j…@example.com': enough to tell messages apart, not to reuse."""
    local, at, domain = (address or "").partition("@")
    return f"{local[:1]}…@{domain}" if at else "…"
