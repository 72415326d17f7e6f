"""Tell whether an answer says "I don't know" ('idk', 'no se', 'nie wiem') in the texter's words."""

from __future__ import annotations

from bot.answers.base import ParseContext
from bot.core.text import normalize


def dont_know(text: str, ctx: ParseContext) -> bool:
    """Return True when the whole answer is one of the "I don't know" words."""
    return normalize(text) in ctx.words.get("dont_know", [])
