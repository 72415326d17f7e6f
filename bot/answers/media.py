"""Take the photos (MMS) sent with an answer, e.g. of papers from the jail."""

from __future__ import annotations

from bot.answers.base import ParseContext, Parsed, fail


def parse_media(text: str, ctx: ParseContext) -> Parsed:
    """Keep every photo sent with the text; 'no' or 'I don't know' means none."""
    if ctx.media:
        return Parsed(ok=True, value=[dict(item) for item in ctx.media])
    if ctx.says("no", text) or ctx.says("dont_know", text):
        return Parsed(ok=True, value=None)
    return fail("photo_hint")
