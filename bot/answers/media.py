"""Take the photos (MMS) sent with an answer, e.g. of papers from the jail."""

from __future__ import annotations

from bot.answers.base import ParseContext, Parsed, fail
from bot.core.text import normalize


def parse_media(text: str, ctx: ParseContext) -> Parsed:
    """Keep every photo sent with the text; 'no' or 'I don't know' means none."""
    if ctx.media:
        return Parsed(ok=True, value=[dict(item) for item in ctx.media])
    said = normalize(text)
    if said in ctx.words.get("no", []) or said in ctx.words.get("dont_know", []):
        return Parsed(ok=True, value=None)
    return fail("photo_hint")
