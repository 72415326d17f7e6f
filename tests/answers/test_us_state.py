"""The US state parser: codes, names, Spanish names and small typos, never a guess between two states."""

from __future__ import annotations

import pytest

from bot.answers import PARSERS
from bot.answers.us_state import parse_us_state, state_names
from bot.core.text import normalize
from tests.answers.helpers import context


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("il", "IL"),
        ("IL", "IL"),
        ("Illinois", "IL"),
        ("illinois ", "IL"),
        ("ilinois", "IL"),
        ("illnois", "IL"),
        ("Indiana", "IN"),
        ("in", "IN"),
        ("DC", "DC"),
        ("d.c.", "DC"),
        ("Washington DC", "DC"),
        ("washington", "WA"),
        ("Puerto Rico", "PR"),
        ("puerto rico", "PR"),
        ("Iowa", "IA"),
        ("iowa", "IA"),
        ("Ohio", "OH"),
        ("ohoi", "OH"),
        ("Texs", "TX"),
        ("tejas", "TX"),
        ("Nueva York", "NY"),
        ("newyork", "NY"),
        ("Carolina del Norte", "NC"),
        ("north carolina", "NC"),
        ("Nuevo México", "NM"),
        ("virgina", "VA"),
        ("west virgina", "WV"),
        ("arkansa", "AR"),
        ("kanss", "KS"),
        ("misisipi", "MS"),
        ("missisipi", "MS"),
        ("massachusets", "MA"),
        ("the state of georgia", "GA"),
    ],
)
def test_states(text: str, expected: str) -> None:
    parsed = parse_us_state(text, context())
    assert (parsed.ok, parsed.value) == (True, expected)


@pytest.mark.parametrize(
    "text",
    ["", "idk", "x", "zz", "carolina", "dakota", "virgin", "mexico", "canada", "new", "iowhio", "ohiowa"],
)
def test_no_state_or_two_close_ones_get_the_questions_own_hint(text: str) -> None:
    parsed = parse_us_state(text, context())
    assert (parsed.ok, parsed.hint) == (False, None)


def test_every_code_reads_as_itself() -> None:
    assert len(state_names()) == 56  # 50 states, DC and 5 territories
    for code in state_names():
        assert parse_us_state(code.lower(), context()).value == code


def test_no_name_belongs_to_two_states() -> None:
    seen: dict[str, str] = {}
    for code, langs in state_names().items():
        for name in {code.lower(), *(normalize(n) for names in langs.values() for n in names)}:
            assert seen.setdefault(name, code) == code, name


def test_dont_know_when_the_question_allows_it() -> None:
    assert PARSERS["us_state"]("not sure", context(dont_know=True)).value == "unknown"


@pytest.mark.parametrize(
    ("text", "code"),
    [("en illinois", "IL"), ("in Indiana", "IN"), ("stan Illinois", "IL"), ("no Texas", "TX"), ("nan Illinois", "IL")],
)
def test_a_state_with_a_preposition_in_front(text: str, code: str) -> None:
    assert parse_us_state(text, context()).value == code


def test_every_state_has_a_time_zone_that_exists() -> None:
    from zoneinfo import ZoneInfo

    from bot.answers.us_state import state_zone

    for code in state_names():
        zone = state_zone(code)
        assert zone is not None, code
        ZoneInfo(zone)


def test_a_release_time_is_read_in_the_jails_own_time_zone() -> None:
    """'yesterday at 3pm' at a California jail is 3 p.m. Pacific; at a jail in Illinois, 3 p.m. Central."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from bot.answers.display import show_datetime

    base = replace(context(), now=datetime(2026, 12, 2, 18, 0, tzinfo=UTC), options={"zone_from": "state"})
    california = PARSERS["release_time"]("yesterday at 3pm", replace(base, answers={"state": "CA"}))
    illinois = PARSERS["release_time"]("yesterday at 3pm", replace(base, answers={"state": "IL"}))
    unknown = PARSERS["release_time"]("yesterday at 3pm", replace(base, answers={"state": "unknown"}))
    assert california.value["at"] == "2026-12-01T15:00:00-08:00"
    assert illinois.value["at"] == unknown.value["at"] == "2026-12-01T15:00:00-06:00"
    assert "3:00" in show_datetime(california.value, "en", "America/Chicago")  # read back in the jail's time
