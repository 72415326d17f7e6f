"""Find a clock time in an answer ('3pm', 'at 8', 'a las 3', 'o 15:30', 'vers 15h', '3点'), words from data.

The words around a clock time ('at', 'a las', 'vers', 'الساعة'), those that make it approximate ('around',
'como a', 'okolo', 'umas') and the fractions ('y media') are in locales/date_words.yaml, for translators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.answers.day_parts import word_list, word_table
from bot.core.text import is_unspaced


@dataclass(frozen=True)
class Clock:
    """A clock time as typed, and whether its hour is settled (am/pm said, 0, 12 or 13-23)."""

    hour: int
    minute: int
    settled: bool
    approximate: bool


class BadClock(ValueError):
    """A clock time that cannot be: '25:00', '3:75 pm', '13 pm'."""


def _alternatives(words: list[str]) -> str:
    """A regex alternation of phrases, longest first, spaces matching any run of spaces."""
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(words, key=len, reverse=True))


@cache
def _pattern() -> re.Pattern[str]:
    approx = _alternatives(word_list("approximately"))
    leads = _alternatives(word_list("clock_leads"))
    suffixes = _alternatives(word_list("clock_suffixes"))
    fractions = _alternatives(list(word_table("clock_fractions")))
    return re.compile(
        rf"""
        (?<![\w/.:\-])
        (?:(?P<approx>{approx})\s+)?
        (?:(?P<lead>{leads})\s*)?
        (?P<hour>\d{{1,2}})
        (?:\s*[:h]\s*(?P<minute>\d{{2}})|\.(?P<dot_minute>\d{{2}}))?
        (?:\s+(?P<fraction>{fractions}))?
        (?:(?P<half>[ap])|\s*(?P<suffix>a\.?\s?m\.?|p\.?\s?m\.?|{suffixes}))?
        (?![\w/\-])
        """,
        re.VERBOSE,
    )


_CHINESE_CLOCK = re.compile(r"(?P<hour>\d{1,2})\s*[点點时時](?:\s*(?P<minute>\d{1,2})\s*分?|(?P<half>半))?")


def read_clock(said: str) -> tuple[Clock | None, str]:
    """Find a clock time in a cleaned text and return it with the rest of the text; raise BadClock if it cannot be."""
    for match in _pattern().finditer(said):
        lead = match.group("lead")
        suffix = (match.group("half") or match.group("suffix") or "").replace(".", "").replace(" ", "")
        minute_text = match.group("minute") or match.group("dot_minute")
        if not (lead or suffix or match.group("minute") or match.group("approx")):
            continue  # a bare number ('nov 25') is a day, not a time
        hour, minute = int(match.group("hour")), int(minute_text or 0)
        fraction = " ".join((match.group("fraction") or "").split())
        minute += int(word_table("clock_fractions").get(fraction, 0))  # 'a las 3 y media'
        pm = {"am": False, "a": False, "pm": True, "p": True}.get(suffix)
        if minute > 59 or hour > 23 or (pm is not None and not 1 <= hour <= 12):
            raise BadClock(match.group(0))
        clock = _clock(hour, minute, pm, approximate=bool(match.group("approx")))
        return clock, cut(said, match.start(), match.end())
    match = _CHINESE_CLOCK.search(said)
    if match:
        minute = 30 if match.group("half") else int(match.group("minute") or 0)
        hour = int(match.group("hour"))
        if hour > 23 or minute > 59:
            raise BadClock(match.group(0))
        return _clock(hour, minute, None, approximate=False), cut(said, match.start(), match.end())
    return None, said


def _clock(hour: int, minute: int, pm: bool | None, approximate: bool) -> Clock:
    """Make a clock time; an hour of 1-11 without am/pm stays unsettled."""
    if pm is not None:
        return Clock(hour % 12 + (12 if pm else 0), minute, True, approximate)
    return Clock(hour % 24, minute, not 1 <= hour <= 11, approximate)


def cut(said: str, start: int, end: int) -> str:
    """Remove a span from the text and tidy the spaces."""
    return " ".join((said[:start] + " " + said[end:]).split())


@cache
def _edge_filler() -> re.Pattern[str]:
    words = _alternatives(word_list("edge_words"))
    return re.compile(rf"^(?:(?:{words})\s+)+|(?:\s+(?:{words}))+$")


def trim_edges(said: str) -> str:
    """Drop the small words left at either end once a clock time or part of the day is taken out ('at', 'y', 'de')."""
    return _edge_filler().sub("", said).strip()


def _trailing(said: str) -> str:
    """Drop the small words left at the end only."""
    words = _alternatives(word_list("edge_words"))
    return re.sub(rf"(?:^|\s+)(?:(?:{words})(?:\s+|$))+$", "", said).strip()


def rest_readings(rest: str) -> list[str]:
    """What is left once a clock time or part of the day is out, to read as a day: ends trimmed, then the start too.

    'el 30' stays 'el 30' (a day of the month), while 'de ayer' becomes 'ayer'.
    """
    return list(dict.fromkeys(text for text in (_trailing(rest), trim_edges(rest)) if text))


@cache
def _approximately() -> re.Pattern[str]:
    words = "|".join(
        rf"(?<!\w){re.escape(word)}(?!\w)" if not is_unspaced(word) else re.escape(word)
        for word in sorted(word_list("approximately"), key=len, reverse=True)
    )
    return re.compile(words)


def take_approximately(said: str) -> tuple[bool, str]:
    """Find a word that makes the answer approximate ('vers midi', '大概', '3点左右') and return the rest without it."""
    match = _approximately().search(said)
    if not match:
        return False, said
    return True, cut(said, match.start(), match.end())
