"""Accept free text: trimmed, never empty, and cut at a sane length with a polite notice."""

from __future__ import annotations

import unicodedata

from bot.answers.base import ParseContext, Parsed, fail
from bot.core.text import is_unspaced, normalize

DEFAULT_MAX_LENGTH = 500
MENU_DIGITS = 2  # '2' or '12' typed at a name or a city is a menu pick, not an answer


def _is_emoji(ch: str) -> bool:
    """Emoji and pictographs carry no facts here, and one would make every reply cost double (UCS-2)."""
    return unicodedata.category(ch) == "So" or ch in "\ufe0f\u200d"


def parse_text(text: str, ctx: ParseContext) -> Parsed:
    """Keep the answer as typed, trimmed; cut it past `max_length` characters and say so.

    Never saved as a name, jail or city: a bare menu number, a question ('wait what is a detainer?',
    'why do you need his name'), or a request for a lawyer ('quiero hablar con un abogado') — the
    texter is told how to reach a person and the question is asked again. At a name question
    (`name: true`) a lead-in ('his name is', 'se llama') is taken away and 'I don't know his last
    name' is asked again; a `story` (what happened) may begin like a question ('when he left work').
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
    if not ctx.options.get("story") and _begins_with(said, ctx.words.get("question_leads", ())):
        return fail("question_seen")
    if ctx.options.get("name"):
        if _holds(said, ctx.words.get("dont_know", ())):  # 'Juan, no sé su apellido': not a name to keep
            return fail()
        cleaned = _without_lead(cleaned, said, ctx.words.get("name_leads", ()))
        if not cleaned:
            return fail()
    limit = int(ctx.options.get("max_length", DEFAULT_MAX_LENGTH))
    if len(cleaned) > limit:
        return Parsed(ok=True, value=cleaned[:limit].rstrip(), notice="text_cut")
    return Parsed(ok=True, value=cleaned)


def _begins_with(said: str, leads: list[str] | tuple[str, ...]) -> bool:
    """Whether a normalised text begins with one of `leads`, as whole words (or characters, for Chinese)."""
    return any(said.startswith(lead) if is_unspaced(lead) else f"{said} ".startswith(f"{lead} ") for lead in leads)


def _holds(said: str, phrases: list[str] | tuple[str, ...]) -> bool:
    """Whether a normalised text holds one of the phrases of two words or more (or unspaced characters)."""
    padded = f" {said} "
    return any(
        (phrase in said if is_unspaced(phrase) and len(phrase) >= 2 else " " in phrase and f" {phrase} " in padded)
        for phrase in phrases
    )


def _without_lead(cleaned: str, said: str, leads: list[str] | tuple[str, ...]) -> str:
    """'se llama Pedro Sánchez' -> 'Pedro Sánchez': the name as typed, without the words before it."""
    for lead in sorted(leads, key=len, reverse=True):
        if is_unspaced(lead) and said.startswith(lead) and cleaned.startswith(lead):
            return cleaned[len(lead) :].strip()
        if not f"{said} ".startswith(f"{lead} "):
            continue
        words = cleaned.split(" ")
        for cut in range(1, len(words) + 1):
            if normalize(" ".join(words[:cut])) == lead:
                return " ".join(words[cut:])
    return cleaned
