"""Answer corpora (tests/corpora/*.yaml) and the issue's measure of them: understood, asked again, stored wrong."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
ASK = "ask"
TARGET = 0.9  # the target: at least 90% of the answers that carry one understood the first time


def load(name: str) -> dict[str, dict[Any, Any]]:
    """One corpus: group (a locale) -> answer as typed -> what must happen."""
    return yaml.safe_load((CORPORA / f"{name}.yaml").read_text(encoding="utf-8"))


def cases(corpus: dict[str, dict[Any, Any]]) -> list[tuple[str, str, str]]:
    """(group, answer, expected) for every answer, as pytest parameters."""
    return [(group, str(text), str(want)) for group, answers in corpus.items() for text, want in answers.items()]


def print_figures(
    label: str, corpus: dict[str, dict[Any, Any]], reading: Callable[[str, str], str]
) -> dict[str, Counter[str]]:
    """Print, per group, how many answers were understood, asked again or stored wrong; fail on any wrong one.

    An answer read as something it does not mean is wrong; one asked again is not (the texter is asked).
    Texts that carry no answer (a question, 'mexico' for a state) must be asked again: they are counted
    apart ('rightly asked'), so 'understood' is measured on the answers that carry one. Returns the tallies.
    """
    tallies: dict[str, Counter[str]] = {}
    for group, answers in corpus.items():
        tally: Counter[str] = Counter()
        for text, expected in answers.items():
            got = reading(group, str(text))
            if got != ASK and got != str(expected):
                tally["stored wrong"] += 1
            elif str(expected) == ASK:
                tally["rightly asked"] += 1
            else:
                tally["asked again" if got == ASK else "understood"] += 1
        carried = tally["understood"] + tally["asked again"] + tally["stored wrong"]
        share = f"{tally['understood'] / carried:.0%}" if carried else "-"
        print(f"\n{label} {group}: {dict(tally)} of {len(answers)}; understood first time {share}")
        tallies[group] = tally
        assert tally["stored wrong"] == 0, (group, dict(tally))
    return tallies


def understood_share(tally: Counter[str]) -> float:
    """The share of answers that carry one (not those that must be asked again) understood the first time."""
    carried = tally["understood"] + tally["asked again"] + tally["stored wrong"]
    return tally["understood"] / carried if carried else 1.0
