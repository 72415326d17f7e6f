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
