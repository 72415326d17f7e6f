"""Arrest dates as families type them (tests/corpora/dates.yaml), in each locale's own day/month order."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.answers import PARSERS
from tests.answers.test_yes_no_corpus import context

CORPUS = yaml.safe_load((Path(__file__).parents[1] / "corpora" / "dates.yaml").read_text(encoding="utf-8"))
CASES = [(locale, str(text), str(expected)) for locale, answers in CORPUS.items() for text, expected in answers.items()]
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # 9 a.m. in Chicago, a Wednesday


def reading(locale: str, text: str) -> str:
    ctx = replace(context(locale), now=NOW, options={"past_only": True})
    parsed = PARSERS["date"](text, ctx)
    return str(parsed.value) if parsed.ok else "ask"


@pytest.mark.parametrize(("locale", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_an_arrest_date_is_read_as_meant(locale: str, text: str, expected: str) -> None:
    assert reading(locale, text) == expected


def test_figures_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    for locale, answers in CORPUS.items():
        tally: Counter[str] = Counter()
        for text, expected in answers.items():
            got = reading(locale, str(text))
            tally["asked again" if got == "ask" else "understood" if got == str(expected) else "stored wrong"] += 1
        with capsys.disabled():
            print(f"\ndates {locale}: {dict(tally)} of {len(answers)}")
        assert tally["stored wrong"] == 0
