"""Read a pick from a list ('2', 'report', '2) Report', 'reprot') and yes/no answers ('y', 'yeah', 'nope')."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import yaml

from bot.answers.base import ParseContext, Parsed, fail
from bot.answers.fuzzy import closest
from bot.answers.leading import UNSURE, collapsed, contains, contradicted, leading
from bot.core.text import is_unspaced, normalize

_LEADING_NUMBER = re.compile(r"^(\d{1,2})\b")
NUMBERS_FILE = Path(__file__).resolve().parents[2] / "locales" / "numbers.yaml"


@cache
def _numbers(locale: str) -> tuple[tuple[str, str], ...]:
    """(number as a word, its digits) in English and a language, longest first: ('la segunda', '2')."""
    data = yaml.safe_load(NUMBERS_FILE.read_text(encoding="utf-8"))
    found = {
        normalize(str(word)): str(number)
        for lang in ("en", locale)
        for number, words in data.get(lang, {}).items()
        for word in words
    }
    return tuple(sorted(found.items(), key=lambda item: len(item[0]), reverse=True))


def spelled_number(said: str, locale: str, number_words: list[str] | tuple[str, ...]) -> str | None:
    """'two', 'la dos', 'option deux', '第二个', 'الثاني': the number a short answer spells, as digits, else None.

    The spelled number must be all the answer says, but for the words around a number ('option', 'la').
    """
    for word, number in _numbers(locale):
        if said == word:
            return number
        if is_unspaced(word) and word in said:
            digits = said.replace(word, f" {number} ")
        elif f" {word} " in f" {said} ":
            digits = f" {said} ".replace(f" {word} ", f" {number} ")
        else:
            continue
        digits = " ".join(digits.split())
        return digits if digits == number else _wrapped_number(digits, number_words)
    return None


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
    number_words = ctx.words.get("number_words", ())
    number = _wrapped_number(said, number_words) or spelled_number(said, ctx.locale, number_words)
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

    'ya no está ahí' is no, 'sí claro' and 'yes it is' are yes, 'siii' is 'si', '👍' is yes, 'not sure tbh'
    and 'la verdad no sé' are don't know; an answer that also says the opposite ('yes no', 'sí, no sé'),
    hedges ('chyba tak', 'creo que sí'), or asks ('no?', 'what is a detainer?') is asked again; where the
    question asks whether the person is still there (`gone`), so is a yes that says they were taken.
    """
    said = normalize(text, pictographs=True)
    if not said:
        return fail()
    words = ctx.words
    reading = leading(said, words)
    if reading is None:  # 'siiii', 'nãoo': letters typed over and over
        words = {name: [collapsed(phrase) for phrase in phrases] for name, phrases in ctx.words.items()}
        said = collapsed(said)
        reading = leading(said, words)
    if reading is None:  # 'la verdad no sé', '我也不知道': unsure, unless it also hedges
        known = contains(said, words, UNSURE) == "dont_know"
        return _dont_know(ctx) if known and contains(said, words, ("maybe",)) is None else fail()
    if reading.name == "maybe":  # 'tal vez, no estoy segura' is don't know; 'tal vez' alone is asked again
        return _dont_know(ctx) if contains(reading.rest, words, ("dont_know",)) else fail()
    if contradicted(reading, words):
        return fail()
    if reading.name == "yes" and ctx.options.get("gone") and _says_gone(reading.rest, words):
        return fail()  # 'sí, ya se lo llevaron' to "still in that jail?": yes and no at once
    if reading.name == "dont_know":
        return _dont_know(ctx)
    if _asks(text):  # "no?", "yes? what does that mean" is a question
        return fail()
    return Parsed(ok=True, value=reading.name)


def _says_gone(rest: str, words: Mapping[str, Sequence[str]]) -> bool:
    """Whether the rest of a yes says the person was taken or moved ('se lo llevaron', 'أخذوه', '被带走')."""
    padded = f" {rest} "
    return any((phrase in rest if is_unspaced(phrase) else f" {phrase} " in padded) for phrase in words.get("gone", ()))


def _dont_know(ctx: ParseContext) -> Parsed:
    """'I don't know', where the question offers it; else the question is asked again."""
    return Parsed(ok=True, value="unknown") if ctx.options.get("dont_know") else fail()


def _asks(text: str) -> bool:
    """Whether a text holds a question mark of any script ('?', '¿', '？', '؟', '❓'): 'no? what is that'."""
    return any("QUESTION MARK" in unicodedata.name(ch, "") for ch in text if not ch.isalnum() and not ch.isspace())
