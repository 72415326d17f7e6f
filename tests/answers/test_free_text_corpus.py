"""Free-text answers as families type them (tests/corpora/free_text.yaml): kept as typed, or asked again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.answers import PARSERS
from tests.answers.test_yes_no_corpus import context

CORPUS = yaml.safe_load((Path(__file__).parents[1] / "corpora" / "free_text.yaml").read_text(encoding="utf-8"))
CASES = [(locale, str(text), expected) for locale, answers in CORPUS.items() for text, expected in answers.items()]


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
    for locale, answers in CORPUS.items():
        tally: Counter[str] = Counter()
        for text, expected in answers.items():
            got = reading(locale, str(text))
            kept_wrongly = got == "keep" and expected == "ask"
            tally["stored wrong" if kept_wrongly else "asked again" if got == "ask" else "understood"] += 1
        with capsys.disabled():
            print(f"\nfree text {locale}: {dict(tally)} of {len(answers)}")
        assert tally["stored wrong"] == 0
