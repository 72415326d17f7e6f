"""Read a pick from a list ('2', 'report', '2) Report', 'reprot') and yes/no answers ('y', 'yeah', 'nope')."""

from __future__ import annotations

import re

from bot.answers.base import ParseContext, Parsed, fail
from bot.answers.fuzzy import closest
from bot.core.text import normalize

_LEADING_NUMBER = re.compile(r"^(\d{1,2})\b")


def parse_choice(text: str, ctx: ParseContext) -> Parsed:
    """Match the whole answer to a choice's words, else a leading number ('2 report'), else a near-miss word."""
    said = normalize(text)
    if not said:
        return fail()
    for value, words in ctx.choices.items():
        if said in words:
            return Parsed(ok=True, value=value)
    number = _LEADING_NUMBER.match(said)
    if number:
        for value, words in ctx.choices.items():
            if number.group(1) in words:
                return Parsed(ok=True, value=value)
    near = closest(said, ctx.choices)
    if near is not None:
        return Parsed(ok=True, value=near)
    if ctx.options.get("contains"):
        return _contained(said, ctx)
    return fail()


def _contained(said: str, ctx: ParseContext) -> Parsed:
    """Find the one choice whose phrase (two words or more) appears inside a longer text."""
    padded = f" {said} "
    found = {value for value, words in ctx.choices.items() for word in words if " " in word and f" {word} " in padded}
    return Parsed(ok=True, value=found.pop()) if len(found) == 1 else fail()


def parse_yes_no(text: str, ctx: ParseContext) -> Parsed:
    """Read yes or no from the texter's words (and English ones), including 'idk' where allowed."""
    said = normalize(text)
    for value in ("yes", "no"):
        if said in ctx.words.get(value, []):
            return Parsed(ok=True, value=value)
    if ctx.options.get("dont_know") and ctx.says("dont_know", text):
        return Parsed(ok=True, value="unknown")
    first = said.split(" ", 1)[0] if said else ""
    for value in ("yes", "no"):
        if first and first in ctx.words.get(value, []):
            return Parsed(ok=True, value=value)
    return fail()
