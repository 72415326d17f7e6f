"""Read the answer to a summary: YES to send it, or the number of a line to change."""

from __future__ import annotations

from bot.answers.base import ParseContext, Parsed, fail
from bot.core.text import normalize


def parse_review(text: str, ctx: ParseContext) -> Parsed:
    """Return 'yes' (a whole yes word, '👍' too), or 'edit:N' for a line number shown in the summary."""
    said = normalize(text, pictographs=True)
    if said in ctx.words.get("yes", []):
        return Parsed(ok=True, value="yes")
    for value, words in ctx.choices.items():
        if said in words:
            return Parsed(ok=True, value=value)
    return fail()
