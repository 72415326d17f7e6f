"""Describe errors for the log without the personal data their messages may carry."""

from __future__ import annotations

import contextvars
import json
import logging
import traceback


def describe_exception(exc: BaseException) -> str:
    """Return the exception's type and where it was raised, never its message or local values.

    Exception messages can quote a texter's words or number (e.g. a parser error), so only the
    type and the code locations are logged.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(frames[-6:]))
    return f"{type(exc).__module__}.{type(exc).__qualname__} at {where or 'unknown location'}"


# What a log line may say about the request it belongs to: request id, MessageSid, report reference.
log_fields: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("holdline_log_fields", default={})  # noqa: B039


class JsonFormatter(logging.Formatter):
    """Write each record as one JSON line with the request's log fields; an exception shows only its type and place."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **log_fields.get(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            line["error"] = describe_exception(record.exc_info[1])
        return json.dumps(line, ensure_ascii=False)
