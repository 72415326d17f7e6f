"""The date parser: what people type for a date of birth or an arrest date, read in the hotline's zone."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.answers import PARSERS
from bot.answers.dates import parse_date
from tests.answers.helpers import context


def read(text: str, **kwargs: object) -> object:
    parsed = parse_date(text, context(**kwargs))  # type: ignore[arg-type]
    assert parsed.ok, f"{text!r} did not parse (hint {parsed.hint})"
    return parsed.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday", "2026-11-26"),
        ("  Yesterday  ", "2026-11-26"),
        ("yesterdy", "2026-11-26"),
        ("ysterday!", "2026-11-26"),
        ("today", "2026-11-27"),
        ("2 days ago", "2026-11-25"),
        ("11/25", "2026-11-25"),
        ("11/25/2026", "2026-11-25"),
        ("11-25-26", "2026-11-25"),
        ("Nov 25", "2026-11-25"),
        ("nov. 25th", "2026-11-25"),
        ("on nov 25", "2026-11-25"),
        ("novmber 25", "2026-11-25"),
        ("the 25th of november", "2026-11-25"),
        ("March 3 1990", "1990-03-03"),
        ("march 3, 1990", "1990-03-03"),
        ("3/4/1990", "1990-03-04"),  # month first in English
        ("3/4/90", "1990-03-04"),
        ("3-4-1990", "1990-03-04"),
        ("03 04 1990", "1990-03-04"),
        ("25/11", "2026-11-25"),  # 25 cannot be a month, so it is the day
        ("2026-11-25", "2026-11-25"),
        ("dec 3", "2025-12-03"),  # no year: the last 3 December, not the coming one
        ("12/31", "2025-12-31"),
        ("feb 29", "2024-02-29"),
        ("last friday", "2026-11-20"),
        ("on monday", "2026-11-23"),
        ("tues", "2026-11-24"),
        ("thurs", "2026-11-26"),
    ],
)
def test_english_dates(text: str, expected: str) -> None:
    assert read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ayer", "2026-11-26"),
        ("Ayer", "2026-11-26"),
        ("antier", "2026-11-25"),
        ("anteayer", "2026-11-25"),
        ("25 de noviembre", "2026-11-25"),
        ("el 25 de noviembre", "2026-11-25"),
        ("25 de novimbre", "2026-11-25"),
        ("3 de marzo de 1990", "1990-03-03"),
        ("3/4/1990", "1990-04-03"),  # day first in Spanish
        ("11/25", "2026-11-25"),  # US-style when that is the only valid reading
        ("el miércoles", "2026-11-25"),
        ("el miercoles", "2026-11-25"),
        ("hoy", "2026-11-27"),
    ],
)
def test_spanish_dates(text: str, expected: str) -> None:
    assert read(text, locale="es") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wczoraj", "2026-11-26"),
        ("przedwczoraj", "2026-11-25"),
        ("25 listopada", "2026-11-25"),
        ("3 marca 1990", "1990-03-03"),
        ("3.04.1990", "1990-04-03"),
        ("25.11.2026 r.", "2026-11-25"),
        ("w poniedziałek", "2026-11-23"),
        ("w poniedzialek", "2026-11-23"),
    ],
)
def test_polish_dates(text: str, expected: str) -> None:
    assert read(text, locale="pl") == expected


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("zh_Hans", "昨天", "2026-11-26"),
        ("zh_Hans", "11月25日", "2026-11-25"),
        ("zh_Hans", "1990年3月4日", "1990-03-04"),
        ("ar", "أمس", "2026-11-26"),
        ("ar", "٢٥/١١/٢٠٢٦", "2026-11-25"),
        ("fr", "hier", "2026-11-26"),
        ("fr", "25 novembre", "2026-11-25"),
        ("pt_BR", "ontem", "2026-11-26"),
        ("pt_BR", "25 de novembro", "2026-11-25"),
        ("ht", "yè", "2026-11-26"),
        ("ht", "25 novanm", "2026-11-25"),
        ("ht", "3/4/1990", "1990-04-03"),
        ("xx", "yesterday", "2026-11-26"),  # a language dateparser lacks falls back to English
        ("es", "yesterday", "2026-11-26"),  # English words work in every language
    ],
)
def test_other_languages(locale: str, text: str, expected: str) -> None:
    assert read(text, locale=locale) == expected


@pytest.mark.parametrize(
    ("now", "timezone", "text", "expected"),
    [
        # 03:00 UTC on the 28th is still the evening of the 27th in Chicago.
        (datetime(2026, 11, 28, 3, 0, tzinfo=UTC), "America/Chicago", "today", "2026-11-27"),
        (datetime(2026, 11, 28, 3, 0, tzinfo=UTC), "America/Chicago", "yesterday", "2026-11-26"),
        (datetime(2026, 11, 28, 3, 0, tzinfo=UTC), "Asia/Tokyo", "today", "2026-11-28"),
        (datetime(2026, 11, 27, 7, 0, tzinfo=UTC), "America/Los_Angeles", "yesterday", "2026-11-25"),
    ],
)
def test_days_are_days_in_the_hotline_zone(now: datetime, timezone: str, text: str, expected: str) -> None:
    assert read(text, now=now, timezone=timezone) == expected


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", ""),
        ("en", "   "),
        ("en", "idk"),
        ("en", "hello"),
        ("en", "25"),
        ("en", "5"),
        ("en", "march 1990"),
        ("en", "last week"),
        ("en", "a few days ago"),
        ("en", "13/25"),
        ("en", "feb 30"),
        ("en", "3/4/1850"),
        ("en", "asdf 11/25"),
        ("en", "no"),
        ("es", "no se"),
        ("es", "si"),
        ("pl", "nie"),  # 'no', and dateparser's abbreviation for Sunday
        ("pl", "nie wiem"),
        ("es", "mi"),
        ("en", "ok"),
    ],
)
def test_what_is_not_one_day_gets_the_questions_own_hint(locale: str, text: str) -> None:
    parsed = parse_date(text, context(locale=locale))
    assert (parsed.ok, parsed.hint) == (False, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/4/30", "1930-03-04"),
        ("5/1/27", "1927-05-01"),  # a two-digit year on a birth date is in the past
        ("march 3 '27", "1927-03-03"),
        ("yesterday", "2026-11-26"),
        ("today", "2026-11-27"),
        ("3/4/1990", "1990-03-04"),
    ],
)
def test_past_only_dates(text: str, expected: str) -> None:
    assert read(text, past_only=True) == expected


@pytest.mark.parametrize("text", ["tomorrow", "3/4/2030", "in 2 days", "12/25/2026"])
def test_past_only_refuses_the_future_with_its_own_hint(text: str) -> None:
    parsed = parse_date(text, context(past_only=True))
    assert (parsed.ok, parsed.hint) == (False, "date_future_hint")


def test_future_dates_are_kept_without_past_only() -> None:
    assert read("5/1/27") == "2027-05-01"
    assert read("tomorrow") == "2026-11-28"


def test_prefer_future_reads_a_date_without_year_as_the_coming_one() -> None:
    assert read("dec 3", prefer="future") == "2026-12-03"
    assert read("12/3", prefer="future") == "2026-12-03"


@pytest.mark.parametrize("text", ["idk", "IDK", "i dont know", "no idea"])
def test_dont_know_when_the_question_allows_it(text: str) -> None:
    assert read(text, dont_know=True) == "unknown"


def test_registered_and_json_safe() -> None:
    parsed = PARSERS["date"]("Nov 25", context())
    assert json.loads(json.dumps(parsed.value)) == "2026-11-25"


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("es", "el lunes pasado", "2026-11-23"),
        ("es", "sábado pasado", "2026-11-21"),
        ("pt_BR", "sexta passada", "2026-11-20"),
        ("fr", "aujourd'hui", "2026-11-27"),
        ("fr", "avant-hier", "2026-11-25"),
        ("ht", "vandredi pase", "2026-11-20"),
    ],
)
def test_last_weekdays_and_today_in_other_languages(locale: str, text: str, expected: str) -> None:
    parsed = parse_date(text, context(locale=locale))
    assert (parsed.ok, parsed.value) == (True, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1990/3/4", "1990-03-04"), ("1990-3-4", "1990-03-04"), ("上周五", "2026-11-20"), ("上个星期一", "2026-11-23")],
)
def test_chinese_ways_of_writing_dates(text: str, expected: str) -> None:
    parsed = parse_date(text, context(locale="zh_Hans"))
    assert (parsed.ok, parsed.value) == (True, expected)


def test_a_one_digit_year_is_not_a_year() -> None:
    assert parse_date("3/4/9", context(locale="en")).ok is False
