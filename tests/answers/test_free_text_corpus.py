"""Free-text answers as families type them (tests/corpora/free_text.yaml): kept as typed, or asked again."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answers import PARSERS
from bot.config import PROJECT_ROOT
from bot.i18n.languages import load_languages
from tests.answers.corpus import TARGET, cases, load, print_figures, understood_share
from tests.answers.test_yes_no_corpus import FLOWS, context

CORPUS = load("free_text")
CASES = cases(CORPUS)
LANGUAGES = load_languages(PROJECT_ROOT / "locales")
JAIL_QUESTION = FLOWS.flows["report"].nodes["ask_facility"]


def reading(locale: str, text: str) -> str:
    """Read as the jail question reads it (it takes "I don't know"), after the engine's one language test."""
    if LANGUAGES.named(text) is not None:  # only a language's own name switches, before any parser reads it
        return "switch"
    assert JAIL_QUESTION.ask is not None
    parsed = PARSERS["text"](text, replace(context(locale), options=JAIL_QUESTION.ask.options))
    if not parsed.ok:
        return "ask"
    if parsed.value == "unknown":
        return "unknown"
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
        tallies = print_figures("free text", CORPUS, reading)
    for group, tally in tallies.items():
        assert sum(tally.values()) >= 40, group
        assert understood_share(tally) >= TARGET, (group, dict(tally))
