"""Read when someone should have been released; read back times that are vague or still to come."""

from __future__ import annotations

from dataclasses import replace

from bot.answers.base import ParseContext, Parsed
from bot.answers.moments import parse_datetime
from bot.answers.us_state import state_zone


def parse_release_time(text: str, ctx: ParseContext) -> Parsed:
    """Parse a moment like 'yesterday 3pm'; ask for a YES when it is approximate or in the future.

    With `zone_from: state`, the time is read in the time zone of the jail's state when it is known
    ('3pm' at a California jail is 3 p.m. Pacific), else in the hotline's.
    """
    zone = state_zone(str(ctx.answers.get(str(ctx.options.get("zone_from", "")), "")))
    parsed = parse_datetime(text, replace(ctx, timezone=zone) if zone else ctx)
    if not parsed.ok or not isinstance(parsed.value, dict):  # "I don't know" needs no read-back
        return parsed
    value = parsed.value
    if value.get("future"):
        return replace(parsed, confirm="confirm_time_future")
    if value.get("approximate"):
        return replace(parsed, confirm="confirm_time")
    return parsed
