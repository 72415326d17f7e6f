"""Read when someone should have been released; read back times that are vague or still to come."""

from __future__ import annotations

from dataclasses import replace

from bot.answers.base import ParseContext, Parsed
from bot.answers.moments import parse_datetime


def parse_release_time(text: str, ctx: ParseContext) -> Parsed:
    """Parse a moment like 'yesterday 3pm'; ask for a YES when it is approximate or in the future."""
    parsed = parse_datetime(text, ctx)
    if not parsed.ok or not isinstance(parsed.value, dict):  # "I don't know" needs no read-back
        return parsed
    value = parsed.value
    if value.get("future"):
        return replace(parsed, confirm="confirm_time_future")
    if value.get("approximate"):
        return replace(parsed, confirm="confirm_time")
    return parsed
