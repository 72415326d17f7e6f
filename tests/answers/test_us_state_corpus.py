"""State answers as families type them (tests/corpora/us_state.yaml): a code, a read-back for a YES, or ask again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.answers import PARSERS
from tests.answers.test_yes_no_corpus import context

CORPUS = yaml.safe_load((Path(__file__).parents[1] / "corpora" / "us_state.yaml").read_text(encoding="utf-8"))
CASES = [(group, str(text), expected) for group, answers in CORPUS.items() for text, expected in answers.items()]


def reading(group: str, text: str) -> str:
    locale, _, dont_know = group.partition("-dont-know")
    parsed = PARSERS["us_state"](text, context(locale, dont_know=group.endswith("-dont-know")))
    if not parsed.ok:
        return "ask"
    return f"confirm {parsed.value}" if parsed.confirm else str(parsed.value)


@pytest.mark.parametrize(("group", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_state_answer_is_read_as_meant(group: str, text: str, expected: str) -> None:
    assert reading(group, text) == expected


def test_figures_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    for group, answers in CORPUS.items():
        tally: Counter[str] = Counter()
        for text, expected in answers.items():
            got = reading(group, str(text))
            tally["asked again" if got == "ask" else "understood" if got == expected else "stored wrong"] += 1
        with capsys.disabled():
            print(f"\nus_state {group}: {dict(tally)} of {len(answers)}")
        assert tally["stored wrong"] == 0
