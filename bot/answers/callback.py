"""Read the number to call back: SAME for the number texting, or a typed number."""

from __future__ import annotations

from bot.answers.base import ParseContext, Parsed
from bot.answers.phone import parse_phone
from bot.core.text import normalize


def parse_callback(text: str, ctx: ParseContext) -> Parsed:
    """Return the sender's own number for 'same' (and its translations), else parse a phone number."""
    if normalize(text) in ctx.words.get("same", []) and ctx.sender:
        return parse_phone(ctx.sender, ctx)
    return parse_phone(text, ctx)
