"""Free-text answers as families type them (tests/corpora/free_text.yaml): kept as typed, or asked again."""

from __future__ import annotations

import pytest

from bot.answers import PARSERS
from tests.answers.corpus import cases, load, print_figures
from tests.answers.test_yes_no_corpus import context

CORPUS = load("free_text")
CASES = cases(CORPUS)


def reading(locale: str, text: str) -> str:
    parsed = PARSERS["text"](text, context(locale, dont_know=False))  # a name: "idk" is never one
    if not parsed.ok:
        return "ask"
    assert parsed.value == " ".join(text.split())  # kept as typed, never rewritten
    return "keep"


@pytest.mark.parametrize(("locale", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_free_text_answer_is_kept_or_asked_again(locale: str, text: str, expected: str) -> None:
    assert reading(locale, text) == expected


def test_a_request_for_a_person_says_how_to_reach_one() -> None:
    assert PARSERS["text"]("quiero hablar con un abogado", context("es")).hint == "person_asked"
    assert PARSERS["text"]("wait what is a detainer?", context("en")).hint == "question_seen"


def test_figures_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    """Understood / asked again / stored wrong, per language (the issue's measure)."""
    with capsys.disabled():
        print_figures("free text", CORPUS, reading)
