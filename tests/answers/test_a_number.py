"""The A-number parser: 8 or 9 digits with or without the A, kept as 9 digits."""

from __future__ import annotations

import pytest

from bot.answers import PARSERS
from bot.answers.a_number import parse_a_number
from tests.answers.helpers import context


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A123-456-789", "123456789"),
        ("a 12345678", "012345678"),
        ("123456789", "123456789"),
        ("12345678", "012345678"),
        ("  A 123 456 789 ", "123456789"),
        ("A-123456789", "123456789"),
        ("A#123456789", "123456789"),
        ("A-number: 123 456 789", "123456789"),
        ("A 123.456.789", "123456789"),
        ("a0123-456-78", "012345678"),
        ("٠١٢٣٤٥٦٧٨", "012345678"),  # Arabic-Indic digits
    ],
)
def test_a_numbers(text: str, expected: str) -> None:
    parsed = parse_a_number(text, context())
    assert (parsed.ok, parsed.value) == (True, expected)


@pytest.mark.parametrize(
    "text",
    ["", "idk", "1234567", "1234567890", "A12345678B", "aa123456789", "312 555 0100", "B123456789", "A", "A-"],
)
def test_anything_else_fails_so_the_question_s_own_hint_is_sent(text: str) -> None:
    parsed = parse_a_number(text, context())
    assert (parsed.ok, parsed.hint) == (False, None)


def test_dont_know_when_the_question_allows_it() -> None:
    assert PARSERS["a_number"]("idk", context(dont_know=True)).value == "unknown"
