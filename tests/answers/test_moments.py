"""The datetime parser: when something happened, read in the hotline's time zone with the right offset."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from bot.answers import PARSERS
from bot.answers.moments import parse_datetime
from tests.answers.helpers import NOW, context


def moment(at: str, *, date_only: bool = False, approximate: bool = False, future: bool = False) -> dict[str, object]:
    return {"at": at, "date_only": date_only, "approximate": approximate, "future": future}


def read(text: str, **kwargs: object) -> object:
    parsed = parse_datetime(text, context(**kwargs))  # type: ignore[arg-type]
    assert parsed.ok, f"{text!r} did not parse (hint {parsed.hint})"
    return parsed.value


# Now is Friday 27 November 2026, 09:00 in Chicago (15:00 UTC).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday 3pm", moment("2026-11-26T15:00:00-06:00")),
        ("  YESTERDAY   3 PM ", moment("2026-11-26T15:00:00-06:00")),
        ("yesterday at 3:30 p.m.", moment("2026-11-26T15:30:00-06:00")),
        ("yesterday 3p", moment("2026-11-26T15:00:00-06:00")),
        ("yesterdy 3pm", moment("2026-11-26T15:00:00-06:00")),
        ("today at 8", moment("2026-11-27T08:00:00-06:00")),  # 8pm has not come yet, so 8am
        ("this morning", moment("2026-11-27T09:00:00-06:00", approximate=True)),
        ("at 8 this morning", moment("2026-11-27T08:00:00-06:00")),
        ("Nov 25 at 8", moment("2026-11-25T08:00:00-06:00")),
        ("nov 25 8pm", moment("2026-11-25T20:00:00-06:00")),
        ("11/25 5:30 pm", moment("2026-11-25T17:30:00-06:00")),
        ("11/25 at 17:30", moment("2026-11-25T17:30:00-06:00")),
        ("11/25 @ 5", moment("2026-11-25T17:00:00-06:00")),  # 1-6 without am/pm on another day: afternoon
        ("last night", moment("2026-11-26T22:00:00-06:00", approximate=True)),
        ("last night around 11", moment("2026-11-26T23:00:00-06:00", approximate=True)),
        ("yesterday around 3", moment("2026-11-26T15:00:00-06:00", approximate=True)),
        ("yesterday morning", moment("2026-11-26T09:00:00-06:00", approximate=True)),
        ("yesterday at 3 in the afternoon", moment("2026-11-26T15:00:00-06:00")),
        ("yesterday at noon", moment("2026-11-26T12:00:00-06:00")),
        ("friday night", moment("2026-11-20T22:00:00-06:00", approximate=True)),
        ("8pm", moment("2026-11-26T20:00:00-06:00")),  # the last 8pm, yesterday's
        ("at 8", moment("2026-11-27T08:00:00-06:00")),
        ("2 hours ago", moment("2026-11-27T07:00:00-06:00")),
        ("now", moment("2026-11-27T09:00:00-06:00")),
        ("yesterday", moment("2026-11-26T00:00:00-06:00", date_only=True)),
        ("nov 25", moment("2026-11-25T00:00:00-06:00", date_only=True)),
        ("3/4/1990", moment("1990-03-04T00:00:00-06:00", date_only=True)),
        ("tomorrow at 10am", moment("2026-11-28T10:00:00-06:00", future=True)),
        ("tonight", moment("2026-11-27T22:00:00-06:00", approximate=True, future=True)),
        ("tomorrow", moment("2026-11-28T00:00:00-06:00", date_only=True, future=True)),
    ],
)
def test_english_moments(text: str, expected: dict[str, object]) -> None:
    assert read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ayer a las 3", moment("2026-11-26T15:00:00-06:00")),
        ("ayer alas 3", moment("2026-11-26T15:00:00-06:00")),
        ("ayer a las 3 de la tarde", moment("2026-11-26T15:00:00-06:00")),
        ("ayer a las 8 de la noche", moment("2026-11-26T20:00:00-06:00")),
        ("ayer como a las 3", moment("2026-11-26T15:00:00-06:00", approximate=True)),
        ("hoy a las 8", moment("2026-11-27T08:00:00-06:00")),
        ("anoche", moment("2026-11-26T22:00:00-06:00", approximate=True)),
        ("ayer en la mañana", moment("2026-11-26T09:00:00-06:00", approximate=True)),
        ("ayer por la noche", moment("2026-11-26T22:00:00-06:00", approximate=True)),
        ("hace 2 horas", moment("2026-11-27T07:00:00-06:00")),
        ("25 de noviembre a las 8", moment("2026-11-25T08:00:00-06:00")),
        ("el lunes a las 10", moment("2026-11-23T10:00:00-06:00")),
        ("ayer", moment("2026-11-26T00:00:00-06:00", date_only=True)),
        ("ayer a las 3 y media", moment("2026-11-26T15:30:00-06:00")),
        ("ayer a las 12 de la noche", moment("2026-11-27T00:00:00-06:00")),
        ("anoche a las 12", moment("2026-11-27T00:00:00-06:00")),
        ("antier a las 9 de la noche", moment("2026-11-25T21:00:00-06:00")),
    ],
)
def test_spanish_moments(text: str, expected: dict[str, object]) -> None:
    assert read(text, locale="es") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wczoraj o 15", moment("2026-11-26T15:00:00-06:00")),
        ("wczoraj o godz. 15:30", moment("2026-11-26T15:30:00-06:00")),
        ("wczoraj wieczorem", moment("2026-11-26T19:00:00-06:00", approximate=True)),
        ("wczoraj w nocy", moment("2026-11-26T22:00:00-06:00", approximate=True)),
        ("dzisiaj o 8", moment("2026-11-27T08:00:00-06:00")),
        ("dziś rano", moment("2026-11-27T09:00:00-06:00", approximate=True)),
        ("25 listopada o 8", moment("2026-11-25T08:00:00-06:00")),
        ("25.11 o 20:15", moment("2026-11-25T20:15:00-06:00")),
    ],
)
def test_polish_moments(text: str, expected: dict[str, object]) -> None:
    assert read(text, locale="pl") == expected


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("zh_Hans", "昨天下午3点", moment("2026-11-26T15:00:00-06:00")),
        ("zh_Hans", "昨天晚上", moment("2026-11-26T22:00:00-06:00", approximate=True)),
        ("fr", "hier à 15h", moment("2026-11-26T15:00:00-06:00")),
        ("fr", "hier soir", moment("2026-11-26T22:00:00-06:00", approximate=True)),
        ("ar", "أمس الساعة 3", moment("2026-11-26T15:00:00-06:00")),
        ("ar", "امس الساعه 3", moment("2026-11-26T15:00:00-06:00")),
        ("ar", "25/11 الساعة 18", moment("2026-11-25T18:00:00-06:00")),  # not the year 2018
        ("pl", "wczoraj ok 15", moment("2026-11-26T15:00:00-06:00", approximate=True)),
        ("pl", "wczoraj kolo 15", moment("2026-11-26T15:00:00-06:00", approximate=True)),
        ("pl", "wczoraj o 15tej", moment("2026-11-26T15:00:00-06:00")),
        ("pl", "wczoraj o 15-tej", moment("2026-11-26T15:00:00-06:00")),
        ("fr", "hier 15 heures", moment("2026-11-26T15:00:00-06:00")),  # not "15 hours ago"
        ("fr", "aujourd'hui à 8h", moment("2026-11-27T08:00:00-06:00")),
        ("fr", "avant-hier à 15h", moment("2026-11-25T15:00:00-06:00")),
        ("ht", "yè 3è", moment("2026-11-26T15:00:00-06:00")),
        ("ht", "25/11 a 6è", moment("2026-11-25T18:00:00-06:00")),
    ],
)
def test_other_languages(locale: str, text: str, expected: dict[str, object]) -> None:
    assert read(text, locale=locale) == expected


@pytest.mark.parametrize(
    ("now", "timezone", "text", "expected"),
    [
        # Daylight saving time starts in Chicago at 02:00 on 8 March 2026: -06:00 before, -05:00 after.
        (datetime(2026, 3, 8, 22, 0, tzinfo=UTC), "America/Chicago", "today 3pm", moment("2026-03-08T15:00:00-05:00")),
        (
            datetime(2026, 3, 8, 22, 0, tzinfo=UTC),
            "America/Chicago",
            "yesterday 3pm",
            moment("2026-03-07T15:00:00-06:00"),
        ),
        # Two real hours before 03:30 CDT is 00:30 CST, not 01:30.
        (
            datetime(2026, 3, 8, 8, 30, tzinfo=UTC),
            "America/Chicago",
            "2 hours ago",
            moment("2026-03-08T00:30:00-06:00"),
        ),
        # 03:00 UTC on the 28th is 21:00 on the 27th in Chicago: 'today at 8' is 8pm, which has passed.
        (
            datetime(2026, 11, 28, 3, 0, tzinfo=UTC),
            "America/Chicago",
            "today at 8",
            moment("2026-11-27T20:00:00-06:00"),
        ),
        (
            datetime(2026, 11, 28, 3, 0, tzinfo=UTC),
            "America/Chicago",
            "this morning",
            moment("2026-11-27T09:00:00-06:00", approximate=True),
        ),
        # 'this morning' said at 07:30 is no later than 07:30.
        (
            datetime(2026, 11, 27, 13, 30, tzinfo=UTC),
            "America/Chicago",
            "this morning",
            moment("2026-11-27T07:30:00-06:00", approximate=True),
        ),
        (NOW, "America/Los_Angeles", "yesterday 3pm", moment("2026-11-26T15:00:00-08:00")),
        (NOW, "America/New_York", "last night", moment("2026-11-26T22:00:00-05:00", approximate=True)),
    ],
)
def test_offsets_are_the_hotline_zone(now: datetime, timezone: str, text: str, expected: dict[str, object]) -> None:
    assert read(text, now=now, timezone=timezone) == expected


def test_the_machine_time_zone_does_not_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert read("yesterday 3pm") == moment("2026-11-26T15:00:00-06:00")
        assert read("2 hours ago") == moment("2026-11-27T07:00:00-06:00")
        assert read("today", now=datetime(2026, 11, 28, 3, 0, tzinfo=UTC))["at"] == "2026-11-27T00:00:00-06:00"
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    "text", ["", "idk", "hello", "yesterday at 25:00", "yesterday 3:75pm", "13pm", "blah 3pm", "march 1990", "at"]
)
def test_what_is_not_a_moment_gets_the_questions_own_hint(text: str) -> None:
    parsed = parse_datetime(text, context())
    assert (parsed.ok, parsed.hint) == (False, None)


def test_dont_know_when_the_question_allows_it() -> None:
    assert read("idk", dont_know=True) == "unknown"


def test_registered_and_json_safe() -> None:
    parsed = PARSERS["datetime"]("ayer a las 3", context(locale="es"))
    assert json.loads(json.dumps(parsed.value)) == moment("2026-11-26T15:00:00-06:00")
    assert datetime.fromisoformat(parsed.value["at"]).astimezone(UTC) == datetime(2026, 11, 26, 21, 0, tzinfo=UTC)
