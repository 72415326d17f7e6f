"""Accept free text: trimmed, never empty, and cut at a sane length with a polite notice."""

from __future__ import annotations

import unicodedata

from bot.answers.base import ParseContext, Parsed, fail

DEFAULT_MAX_LENGTH = 500


def _is_emoji(ch: str) -> bool:
    """Emoji and pictographs carry no facts here, and one would make every reply cost double (UCS-2)."""
    return unicodedata.category(ch) == "So" or ch in "\ufe0f\u200d"


def parse_text(text: str, ctx: ParseContext) -> Parsed:
    """Keep the answer as typed, trimmed; cut it past `max_length` characters and say so."""
    cleaned = " ".join("".join(ch for ch in text if not _is_emoji(ch)).split())
    if not cleaned:
        return fail()
    limit = int(ctx.options.get("max_length", DEFAULT_MAX_LENGTH))
    if len(cleaned) > limit:
        return Parsed(ok=True, value=cleaned[:limit].rstrip(), notice="text_cut")
    return Parsed(ok=True, value=cleaned)
