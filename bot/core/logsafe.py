"""Describe errors for the log without the personal data their messages may carry."""

from __future__ import annotations

import traceback


def describe_exception(exc: BaseException) -> str:
    """Return the exception's type and where it was raised, never its message or local values.

    Exception messages can quote a texter's words or number (e.g. a parser error), so only the
    type and the code locations are logged.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(frames[-6:]))
    return f"{type(exc).__module__}.{type(exc).__qualname__} at {where or 'unknown location'}"
