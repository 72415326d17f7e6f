"""What every parser takes and returns: the engine's parser contract, and a failed verdict."""

from __future__ import annotations

from bot.engine.parsing import Display, ParseContext, Parsed, Parser

__all__ = ["Display", "ParseContext", "Parsed", "Parser", "fail"]


def fail(hint: str | None = None) -> Parsed:
    """Return a failed parse, with an optional specific hint."""
    return Parsed(ok=False, hint=hint)
