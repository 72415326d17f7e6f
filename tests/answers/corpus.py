"""Answer corpora (tests/corpora/*.yaml) and the issue's measure of them: understood, asked again, stored wrong."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

CORPORA = Path(__file__).resolve().parents[1] / "corpora"


def load(name: str) -> dict[str, dict[Any, Any]]:
    """One corpus: group (a locale) -> answer as typed -> what must happen."""
    return yaml.safe_load((CORPORA / f"{name}.yaml").read_text(encoding="utf-8"))


def cases(corpus: dict[str, dict[Any, Any]]) -> list[tuple[str, str, str]]:
    """(group, answer, expected) for every answer, as pytest parameters."""
    return [(group, str(text), str(want)) for group, answers in corpus.items() for text, want in answers.items()]


def print_figures(label: str, corpus: dict[str, dict[Any, Any]], reading: Callable[[str, str], str]) -> None:
    """Print, per group, how many answers were understood, asked again or stored wrong; fail on any wrong one.

    An answer read as something it does not mean is wrong; one asked again is not (the texter is asked).
    """
    for group, answers in corpus.items():
        tally: Counter[str] = Counter()
        for text, expected in answers.items():
            got = reading(group, str(text))
            wrong = got != "ask" and got != str(expected)
            tally["stored wrong" if wrong else "asked again" if got == "ask" else "understood"] += 1
        print(f"\n{label} {group}: {dict(tally)} of {len(answers)}")
        assert tally["stored wrong"] == 0, (group, dict(tally))
