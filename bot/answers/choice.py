"""Read a pick from a list ('2', 'report', '2) Report', 'reprot') and yes/no answers ('y', 'yeah', 'nope')."""

from __future__ import annotations

import re

from bot.answers.base import ParseContext, Parsed, fail
from bot.answers.fuzzy import closest
from bot.answers.leading import contradicted, leading
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
    if ctx.options.get("dont_know") and ctx.says("dont_know", text):
        return Parsed(ok=True, value="unknown")
    number = _LEADING_NUMBER.match(said)
    if number:
        for value, words in ctx.choices.items():
            if number.group(1) in words:
                return Parsed(ok=True, value=value)
    number = _wrapped_number(said, ctx.words.get("number_words", ()))
    if number:
        for value, words in ctx.choices.items():
            if number in words:
                return Parsed(ok=True, value=value)
    near = closest(said, ctx.choices)
    if near is not None:
        return Parsed(ok=True, value=near)
    if ctx.options.get("contains"):
        return _contained(said, ctx)
    return fail()


def _wrapped_number(said: str, number_words: list[str] | tuple[str, ...]) -> str | None:
    """'option 2', 'la 2', 'numero 2', '2号', '第2': the number, once the words around it are taken away."""
    rest = said
    for word in sorted(number_words, key=len, reverse=True):
        if word.isascii():
            rest = f" {rest} ".replace(f" {word} ", " ").strip()
        else:  # unspaced scripts: '2号', '第2'
            rest = rest.replace(word, " ").strip()
    rest = " ".join(rest.split())
    return rest if rest != said and rest.isdigit() and len(rest) <= 2 else None


def _contained(said: str, ctx: ParseContext) -> Parsed:
    """Find the one choice whose phrase (two words or more) appears inside a longer text.

    Choices the flow names `together` (a jail, and ICE) count only in combination and may be single
    words: both named mean the combined choice (a jail report), one alone with another choice is left
    out, and one alone picks itself. Several choices left are asked again, unless `precedence` says
    which wins (a question about a detainer).
    """
    padded = f" {said} "
    together: dict[str, list[str]] = ctx.options.get("together") or {}
    parts = {part for combined in together.values() for part in combined}
    found = {
        value
        for value, words in ctx.choices.items()
        for word in words
        if (" " in word or value in parts) and f" {word} " in padded
    }
    for value, combined in together.items():
        if set(combined) <= found:
            found = (found - set(combined)) | {value}
    if len(found) > 1:
        found -= parts
    if len(found) > 1:
        first = [value for value in ctx.options.get("precedence") or () if value in found]
        found = {first[0]} if first else found
    return Parsed(ok=True, value=found.pop()) if len(found) == 1 else fail()


def parse_yes_no(text: str, ctx: ParseContext) -> Parsed:
    """Read yes, no or (where allowed) 'I don't know' from how the answer begins, in the texter's words.

    'ya no está ahí' is no, 'sí claro' and 'yes it is' are yes, 'not sure tbh' is don't know; an
    answer that also says the opposite ('yes no', 'sí, no sé'), or a question, is asked again.
    """
    said = normalize(text)
    if not said:
        return fail()
    reading = leading(text, ctx.words)
    if reading is None or contradicted(reading, ctx.words):
        return fail()
    if reading.name == "dont_know":
        return Parsed(ok=True, value="unknown") if ctx.options.get("dont_know") else fail()
    if reading.rest and text.strip().endswith("?"):  # "yes? what does that mean?" is a question
        return fail()
    return Parsed(ok=True, value=reading.name)
