"""Log records as JSON lines, each carrying the id of the request it belongs to.

Imported by settings' LOGGING and by gunicorn.conf.py, so it does not import
Django.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

# The id of the request this thread is serving, set by RequestIdMiddleware.
request_id = contextvars.ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else was passed with `extra=`.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
    # django.request attaches the request object itself; its path is logged already.
    "request",
}


class RequestIdFilter(logging.Filter):
    """Add `request_id` to every record ("-" outside a request)."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id,
    the `extra=` fields, and `traceback` when there is an exception."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["traceback"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)
