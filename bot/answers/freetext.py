"""Accept free text: trimmed, never empty, and cut at a sane length with a polite notice."""

from __future__ import annotations

from bot.answers.base import ParseContext, Parsed, fail

DEFAULT_MAX_LENGTH = 500


def parse_text(text: str, ctx: ParseContext) -> Parsed:
    """Keep the answer as typed, trimmed; cut it past `max_length` characters and say so."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return fail()
    limit = int(ctx.options.get("max_length", DEFAULT_MAX_LENGTH))
    if len(cleaned) > limit:
        return Parsed(ok=True, value=cleaned[:limit].rstrip(), notice="text_cut")
    return Parsed(ok=True, value=cleaned)
