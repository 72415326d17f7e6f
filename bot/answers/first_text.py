"""Read what a first text already says (the jail, the relation, the name, when they should be out, ICE).

Each fact comes back as an answer to offer for a YES ("Is the jail Cook County Jail, as you wrote?"),
never stored without one. The words are data a translator can read: locales/first_text.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.core.text import is_unspaced, normalize

DATA_FILE = Path(__file__).resolve().parents[2] / "locales" / "first_text.yaml"
SOURCE = "en"  # English's phrases work in every language
FACTS = frozenset({"jail", "relationship", "name", "release", "ice"})  # what flows may name under `heard:`
MAX_NAME_WORDS = 5
MAX_UNSPACED_NAME = 4  # a Chinese name is two to four characters
MIN_NAME_LETTERS = 2
MAX_TIME_WORDS = 8  # "ayer a las 6 de la tarde"
MAX_UNSPACED_TIME = 12
# Clauses end at punctuation; a name or a time never runs across one.
_CLAUSE = re.compile(r"[.,;:!?\n()\"\u3002\uff0c\uff01\uff1f\u3001\u061f\u060c\u061b]+")
_JAIL_WORD = "{}"


@dataclass(frozen=True)
class _Word:
    """One word of a clause as folded for matching, and the original token it came from."""

    folded: str
    token: int


@dataclass(frozen=True)
class _Clause:
    """A clause as typed (its tokens) and as folded words pointing back to those tokens."""

    tokens: tuple[str, ...]
    words: tuple[_Word, ...]

    @classmethod
    def of(cls, text: str) -> _Clause:
        tokens = tuple(text.split())
        words = tuple(_Word(part, i) for i, token in enumerate(tokens) for part in normalize(token).split())
        return cls(tokens, words)

    @property
    def folded(self) -> list[str]:
        return [word.folded for word in self.words]

    def typed(self, start: int, end: int) -> str:
        """The original tokens behind folded words [start, end), as the texter wrote them."""
        if start >= end:
            return ""
        first, last = self.words[start].token, self.words[end - 1].token
        return " ".join(self.tokens[first : last + 1]).strip(" '\"")


@cache
def _data() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


@cache
def _phrases(section: str, locale: str) -> tuple[str, ...]:
    """A section's phrases for the texter's language and English's, folded, longest first."""
    table = _data()[section]
    langs = [locale] if locale == SOURCE else [locale, SOURCE]
    found = [normalize(p) for lang in langs for p in table.get(lang, ())]
    return tuple(sorted(dict.fromkeys(p for p in found if p), key=len, reverse=True))


def _find(words: list[str], phrase: str, start: int = 0) -> int:
    """Where a folded phrase begins as whole words in `words` (from `start`), or -1."""
    parts = phrase.split()
    for i in range(start, len(words) - len(parts) + 1):
        if words[i : i + len(parts)] == parts:
            return i
    return -1


def _clauses(text: str) -> Iterator[_Clause]:
    for part in _CLAUSE.split(text):
        if part.strip():
            yield _Clause.of(part)


def _contains(said: str, phrase: str) -> bool:
    """Whether a folded phrase is in a folded text: as whole words, or inside it for Chinese."""
    if is_unspaced(phrase.replace(" ", "")):
        return phrase.replace(" ", "") in said.replace(" ", "")
    at = said.find(phrase)
    while at >= 0:
        before, after = said[at - 1 : at], said[at + len(phrase) : at + len(phrase) + 1]
        if _edge(before) and _edge(after):
            return True
        at = said.find(phrase, at + 1)
    return False


def _edge(ch: str) -> bool:
    """Whether a character may stand next to a word: nothing, a space, or Chinese ('在broadview')."""
    return not ch or not ch.isalnum() or is_unspaced(ch)


@cache
def _jail_ways() -> dict[str, tuple[str, ...]]:
    """Each known jail's ways of being written, folded once."""
    return {name: tuple(normalize(w) for w in ways) for name, ways in _data()["jails"].items()}


def read_jail(text: str) -> str | None:
    """A jail the text names: a known one as it reads back, or '<County> County Jail' as typed."""
    said = normalize(text)
    found = {name for name, ways in _jail_ways().items() if any(_contains(said, way) for way in ways)}
    if len(found) == 1:
        return found.pop()
    if found:
        return None  # two jails: which one is a question for the texter
    for clause in _clauses(text):
        words = clause.folded
        for pattern in _data()["jail_patterns"]:
            before, after = (normalize(side) for side in pattern.split(_JAIL_WORD, 1))
            for i in range(len(words)):
                j = i + len(before.split()) if before else i
                if j >= len(words) or before and words[i:j] != before.split():
                    continue
                tail = after.split()
                if words[j + 1 : j + 1 + len(tail)] == tail and words[j].isalpha():
                    return clause.typed(i, j + 1 + len(tail))
    return None


@cache
def _relationship_ways(locale: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(how it reads back, its ways folded) for the texter's language and English's."""
    table = _data()["relationships"]
    return tuple(
        (shown, tuple(normalize(way) for way in ways))
        for lang in dict.fromkeys([locale, SOURCE])
        for shown, ways in (table.get(lang) or {}).items()
    )


def read_relationship(text: str, locale: str) -> str | None:
    """How the texter is related ('my brother'), in their own words as the data reads them back."""
    said = normalize(text)
    found = {shown for shown, ways in _relationship_ways(locale) if any(_contains(said, way) for way in ways)}
    return found.pop() if len(found) == 1 else None  # 'my brother and my cousin': ask


def _after(text: str, markers: Iterable[str], stops: set[str], limit: int) -> str | None:
    """The words typed right after the first marker, up to a stop word, punctuation or `limit` words."""
    for clause in _clauses(text):
        words = clause.folded
        for marker in markers:
            at = _find(words, marker)
            if at < 0:
                continue
            start = end = at + len(marker.split())
            while end < len(words) and end - start < limit and words[end] not in stops:
                end += 1
            if end > start:
                return clause.typed(start, end)
    return None


def _after_unspaced(text: str, markers: Iterable[str], stops: Iterable[str], limit: int) -> str | None:
    """Chinese: the characters right after a marker, up to a stop word, punctuation or `limit` characters."""
    for clause in _CLAUSE.split(text):
        said = clause.replace(" ", "")
        for marker in markers:
            at = said.find(marker)
            if at < 0:
                continue
            rest = said[at + len(marker) :]
            cut = min([rest.find(stop) for stop in stops if stop in rest] + [len(rest), limit])
            if rest[:cut]:
                return rest[:cut]
    return None


@cache
def _relationship_phrases(locale: str) -> tuple[str, ...]:
    table = _data()["relationships"]
    ways = [w for lang in dict.fromkeys([locale, SOURCE]) for group in (table.get(lang) or {}).values() for w in group]
    return tuple(sorted(dict.fromkeys(normalize(w) for w in ways), key=len, reverse=True))


def _capitalised_after(text: str, leads: Iterable[str], stops: set[str]) -> str | None:
    """A name written with capitals right after 'my brother' ('my brother Juan Perez is…'); lower case is not sure."""
    for clause in _clauses(text):
        words = clause.folded
        for lead in leads:
            at = _find(words, lead)
            if at < 0:
                continue
            start = end = at + len(lead.split())
            while (
                end < len(words)
                and end - start < MAX_NAME_WORDS
                and words[end] not in stops
                and clause.tokens[clause.words[end].token][:1].isupper()
            ):
                end += 1
            if end > start:
                return clause.typed(start, end)
    return None


def read_name(text: str, locale: str) -> str | None:
    """The held person's name where the text says it ('his name is Juan Perez', 'se llama Juan')."""
    markers = _phrases("name_markers", locale)
    stops = set(_phrases("stops", locale)) | set(_phrases("name_stops", locale))
    unspaced = [m for m in markers if is_unspaced(m.replace(" ", ""))]
    name = _after_unspaced(text, unspaced, stops, MAX_UNSPACED_NAME) if unspaced else None
    if name is None:
        name = _after(text, [m for m in markers if m not in unspaced], stops, MAX_NAME_WORDS)
    if name is None:
        name = _capitalised_after(text, _relationship_phrases(locale), stops)
    if name is None or any(ch.isdigit() for ch in name):
        return None
    letters = sum(ch.isalpha() for ch in name)
    return name if letters >= MIN_NAME_LETTERS else None


def read_release(text: str, locale: str) -> str | None:
    """When they should have been let out, as typed after 'should have been released' ('yesterday 5pm')."""
    markers = _phrases("release_markers", locale)
    stops = set(_phrases("time_stops", locale))
    unspaced = [m for m in markers if is_unspaced(m.replace(" ", ""))]
    found = _after(text, [m for m in markers if m not in unspaced], stops, MAX_TIME_WORDS)
    if found is None and unspaced:
        found = _after_unspaced(text, unspaced, [s for s in stops if is_unspaced(s)], MAX_UNSPACED_TIME)
    return found


def read_ice(text: str, locale: str) -> str | None:
    """'yes' when the text says ICE or an immigration hold came up; nothing is read as a 'no'."""
    words = _phrases("ice", locale)
    said = f" {normalize(text)} "
    for word in words:
        if is_unspaced(word.replace(" ", "")):
            if word.replace(" ", "") in said.replace(" ", ""):
                return "yes"
        elif f" {word} " in said:
            return "yes"
    return None


def read_first_text(text: str, locale: str) -> dict[str, str]:
    """Every fact the text already says, as answers to offer: {'jail': 'Cook County Jail', ...}."""
    readers = {
        "jail": lambda: read_jail(text),
        "relationship": lambda: read_relationship(text, locale),
        "name": lambda: read_name(text, locale),
        "release": lambda: read_release(text, locale),
        "ice": lambda: read_ice(text, locale),
    }
    found = {fact: read() for fact, read in readers.items()}
    return {fact: value for fact, value in found.items() if value}
