"""The phone parser: numbers typed every which way, US by default, kept as E.164."""

from __future__ import annotations

import pytest

from bot.answers import PARSERS
from bot.answers.phone import parse_phone
from tests.answers.helpers import context


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("312 555 0100", "+13125550100"),
        ("(312) 555-0100", "+13125550100"),
        ("(312)5550100", "+13125550100"),
        ("3125550100", "+13125550100"),
        ("312.555.0100", "+13125550100"),
        ("1-312-555-0100", "+13125550100"),
        ("+1 312 555 0100", "+13125550100"),
        ("  my number is 312 555 0100 thanks ", "+13125550100"),
        ("+52 55 1234 5678", "+525512345678"),
        ("011 52 55 1234 5678", "+525512345678"),  # dialled from the US
        ("52 55 1234 5678", "+525512345678"),  # country code without '+'
        ("0052 55 1234 5678", "+525512345678"),
        ("+52 1 55 1234 5678", "+525512345678"),  # Mexico's old mobile prefix
        ("+502 2345 6789", "+50223456789"),
        ("773-555-0199 or 312 555 0100", "+17735550199"),  # the first one
    ],
)
def test_numbers(text: str, expected: str) -> None:
    parsed = parse_phone(text, context())
    assert (parsed.ok, parsed.value) == (True, expected)


@pytest.mark.parametrize(
    "text", ["", "idk", "555 0100", "12345", "3125550100000", "call me", "312 555 01", "123 456 7890"]
)
def test_not_a_number_fails_so_the_question_s_own_hint_is_sent(text: str) -> None:
    parsed = parse_phone(text, context())
    assert (parsed.ok, parsed.hint) == (False, None)


@pytest.mark.parametrize("text", ["same", "Same number", "this number", "THIS ONE"])
def test_same_number_is_the_texters_own(text: str) -> None:
    parsed = parse_phone(text, context(sender="+17735550199"))
    assert (parsed.ok, parsed.value) == (True, "+17735550199")


def test_same_number_needs_a_known_sender() -> None:
    assert not parse_phone("same", context(sender="")).ok


def test_region_option_reads_national_numbers_of_another_country() -> None:
    parsed = parse_phone("55 1234 5678", context(region="MX"))
    assert parsed.value == "+525512345678"


def test_dont_know_when_the_question_allows_it() -> None:
    assert PARSERS["phone"]("no idea", context(dont_know=True)).value == "unknown"
