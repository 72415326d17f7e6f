"""State answers as families type them (tests/corpora/us_state.yaml): a code, a read-back for a YES, or ask again."""

from __future__ import annotations

import pytest

from bot.answers import PARSERS
from tests.answers.corpus import TARGET, cases, load, print_figures, understood_share
from tests.answers.test_yes_no_corpus import context

CORPUS = load("us_state")
CASES = cases(CORPUS)


def reading(group: str, text: str) -> str:
    parsed = PARSERS["us_state"](text, context(group, dont_know=True))  # both state questions take "I don't know"
    if not parsed.ok:
        return "ask"
    return f"confirm {parsed.value}" if parsed.confirm else str(parsed.value)


@pytest.mark.parametrize(("group", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_state_answer_is_read_as_meant(group: str, text: str, expected: str) -> None:
    assert reading(group, text) == expected


def test_figures_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    """Understood / asked again / stored wrong, per language (the issue's measure)."""
    with capsys.disabled():
        tallies = print_figures("us_state", CORPUS, reading)
    for group, tally in tallies.items():
        assert sum(tally.values()) >= 40, group
        assert understood_share(tally) >= TARGET, (group, dict(tally))
