"""Arrest dates as families type them (tests/corpora/dates.yaml), in each locale's own day/month order."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.answers import PARSERS
from tests.answers.corpus import TARGET, cases, load, print_figures, understood_share
from tests.answers.test_yes_no_corpus import context

CORPUS = load("dates")
CASES = cases(CORPUS)
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # 9 a.m. in Chicago, a Wednesday


def reading(locale: str, text: str) -> str:
    ctx = replace(context(locale), now=NOW, options={"past_only": True})
    parsed = PARSERS["date"](text, ctx)
    return str(parsed.value) if parsed.ok else "ask"


@pytest.mark.parametrize(("locale", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_an_arrest_date_is_read_as_meant(locale: str, text: str, expected: str) -> None:
    assert reading(locale, text) == expected


def test_figures_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    """Understood / asked again / stored wrong, per language (the issue's measure), and its targets."""
    with capsys.disabled():
        tallies = print_figures("dates", CORPUS, reading)
    for group, tally in tallies.items():
        assert sum(tally.values()) >= 40, group
        assert understood_share(tally) >= TARGET, (group, dict(tally))
