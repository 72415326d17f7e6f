"""The choice parser: exact words and leading numbers as before, and small typos without guessing."""

from __future__ import annotations

import pytest

from bot.answers import PARSERS
from bot.answers.choice import parse_choice
from tests.answers.helpers import context

MENU = {
    "rights": "1, rights, know your rights",
    "report": "2, report, report someone, held",
    "find": "3, find, find someone, locate, locator",
    "person": "4, person, talk to a person, human, someone, lawyer, call",
}
STATUS = {"citizen": "1, us citizen, citizen", "not_citizen": "2, not a citizen, not citizen, no papers"}
RELATION = {"mother": "1, mother, mom", "brother": "2, brother", "other": "3, other"}


def pick(text: str, choices: dict[str, str]) -> str | None:
    parsed = parse_choice(text, context(choices=choices))
    return parsed.value if parsed.ok else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", "report"),
        ("2) Report", "report"),
        ("2 report", "report"),
        ("REPORT", "report"),
        (" Report someone ", "report"),
        ("4.", "person"),
        ("3 pls", "find"),
        ("reprot", "report"),
        ("repot", "report"),
        ("rihgts", "rights"),
        ("talk to a persn", "person"),
        ("lawyr", "person"),
        ("2 reprot", "report"),
    ],
)
def test_menu(text: str, expected: str) -> None:
    assert pick(text, MENU) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("citizen", "citizen"),
        ("citizn", "citizen"),
        ("us citizn", "citizen"),
        ("not citizn", "not_citizen"),
        ("not a citizn", "not_citizen"),
        ("no paper", "not_citizen"),
    ],
)
def test_close_choices_still_read_right(text: str, expected: str) -> None:
    assert pick(text, STATUS) == expected


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        ("bother", RELATION),  # one slip from 'brother' and from 'mother': no guess
        ("rep", MENU),  # 3 letters: too short to be sure
        ("re", MENU),
        ("x", MENU),
        ("5", MENU),
        ("hello there", MENU),
        ("idk", MENU),
        ("", MENU),
    ],
)
def test_no_guess(text: str, choices: dict[str, str]) -> None:
    assert pick(text, choices) is None


def test_registered() -> None:
    assert PARSERS["choice"]("reprot", context(choices=MENU)).value == "report"
