"""Accept free text: trimmed, never empty, and cut at a sane length with a polite notice."""

from __future__ import annotations

import unicodedata

from bot.answers.base import ParseContext, Parsed, fail
from bot.core.text import normalize

DEFAULT_MAX_LENGTH = 500
MENU_DIGITS = 2  # '2' or '12' typed at a name or a city is a menu pick, not an answer


def _is_emoji(ch: str) -> bool:
    """Emoji and pictographs carry no facts here, and one would make every reply cost double (UCS-2)."""
    return unicodedata.category(ch) == "So" or ch in "\ufe0f\u200d"


def parse_text(text: str, ctx: ParseContext) -> Parsed:
    """Keep the answer as typed, trimmed; cut it past `max_length` characters and say so.

    Never saved as a name, jail or city: a bare menu number, a question ('wait what is a detainer?'),
    or a request for a lawyer ('quiero hablar con un abogado') — the texter is told how to reach a
    person and the question is asked again.
    """
    cleaned = " ".join("".join(ch for ch in text if not _is_emoji(ch)).split())
    said = normalize(cleaned)
    if not cleaned or said.isdigit() and len(said) <= MENU_DIGITS:
        return fail()
    if ctx.says("dont_know", cleaned):  # 'idk' is never a name or a city: unknown where allowed, else ask
        return Parsed(ok=True, value="unknown") if ctx.options.get("dont_know") else fail()
    padded = f" {said} "
    if any(f" {phrase} " in padded for phrase in ctx.words.get("asks_person", ())):
        return fail("person_asked")
    if cleaned.rstrip().endswith(("?", "？", "؟")):
        return fail("question_seen")
    limit = int(ctx.options.get("max_length", DEFAULT_MAX_LENGTH))
    if len(cleaned) > limit:
        return Parsed(ok=True, value=cleaned[:limit].rstrip(), notice="text_cut")
    return Parsed(ok=True, value=cleaned)
