"""Parts of the day and the date words dateparser misses, from locales/date_words.yaml (data a translator reads)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.core.text import is_unspaced

DATA_FILE = Path(__file__).resolve().parents[2] / "locales" / "date_words.yaml"


@dataclass(frozen=True)
class PartOfDay:
    """A part of the day: the hour it stands for, when it starts, and whether it is as good as a clock time."""

    name: str
    hour: int
    starts: int
    pm: bool
    days_back: int = 0
    exact: bool = False


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


@cache
def parts() -> dict[str, PartOfDay]:
    """Every part of the day by name ('morning', 'last_night')."""
    return {
        name: PartOfDay(name=name, **{key: value for key, value in part.items() if key != "words"})
        for name, part in _data()["parts_of_day"].items()
    }


@cache
def _phrases() -> dict[str, PartOfDay]:
    return {phrase: parts()[name] for name, part in _data()["parts_of_day"].items() for phrase in part["words"]}


@cache
def _pattern() -> re.Pattern[str]:
    return re.compile(
        "|".join(
            # Phrases in scripts written without spaces (Chinese) are matched without word boundaries.
            rf"(?<!\w){re.escape(phrase)}(?!\w)" if not is_unspaced(phrase) else re.escape(phrase)
            for phrase in sorted(_phrases(), key=len, reverse=True)
        )
    )


def read_part(said: str) -> tuple[PartOfDay | None, str]:
    """Find a part of the day ('this morning', 'anoche', 'مساء') in a cleaned text; return it and the rest."""
    match = _pattern().search(said)
    if not match:
        return None, said
    rest = " ".join((said[: match.start()] + " " + said[match.end() :]).split())
    return _phrases()[match.group(0)], rest


@cache
def word_list(name: str) -> list[str]:
    """A list of words from the data file ('approximately', 'clock_leads', 'leading_words')."""
    return [str(word) for word in _data()[name]]


@cache
def word_table(name: str) -> dict[str, int]:
    """A table of words and the numbers they stand for ('y media': 30)."""
    return {str(word): int(number) for word, number in _data()[name].items()}


@cache
def numerals() -> dict[str, int]:
    """Number words written as characters ('二': 2, '十': 10), read where a count or day is written in them."""
    return {str(char): int(number) for char, number in _data()["numerals"]["characters"].items()}


@cache
def _numeral_pattern() -> re.Pattern[str]:
    chars = "".join(re.escape(char) for char in numerals())
    units = re.escape(str(_data()["numerals"]["units"]))
    return re.compile(rf"[{chars}]+(?=\s*[{units}])")


def _numeral_value(run: str) -> str:
    """'二十八' -> '28', '十一' -> '11', '十' -> '10', '两' -> '2'; a run that is not a number is left alone."""
    values = [numerals()[char] for char in run]
    if 10 not in values:
        return "".join(str(value) for value in values) if all(v < 10 for v in values) else run
    if values.count(10) > 1 or len(values) > 3:
        return run
    ten = values.index(10)
    tens = values[ten - 1] if ten == 1 else 1 if ten == 0 else None
    ones = values[ten + 1] if ten + 1 < len(values) else 0
    if tens is None or ten > 1 or len(values) - ten > 2:
        return run
    return str(tens * 10 + ones)


def numerals_to_digits(said: str) -> str:
    """Write number characters before a unit as digits: '十一月二十八日' -> '11月28日', '八点' -> '8点'."""
    return _numeral_pattern().sub(lambda match: _numeral_value(match.group(0)), said)


@cache
def aliases(language: str) -> dict[str, str]:
    """Words dateparser misses and the words it reads instead, for one language (and every language's)."""
    table = _data()["aliases"]
    return {**table.get("all", {}), **table.get(language, {})}


@cache
def day_of_month_pattern() -> re.Pattern[str]:
    """'the 28th', '28th', 'el 28', 'le 28', 'o dia 28', '28号': a day of the month without its month."""
    articles = "|".join(re.escape(a) for a in sorted(_data()["day_articles"], key=len, reverse=True))
    ordinals = "|".join(re.escape(o) for o in sorted(_data()["ordinals"], key=len, reverse=True))
    return re.compile(rf"(?:(?:{articles})\s*)?(?P<day>\d{{1,2}})\s*-?(?P<ordinal>{ordinals})?")
