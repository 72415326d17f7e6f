"""Release times as families type them (tests/corpora/moments.yaml), at "When should they have been released?".

Each answer is read by the question's own parser (release_time, with IDK allowed), said on Wednesday
2 December 2026 at 9 a.m. in Chicago, no state known yet. What is stored reads as the moment in ISO 8601
with its offset and the flags that go with it: "date only" (no time said), "approximate" ('around 3',
'last night'), "future" (still to come), "read back" (kept only after the texter's YES); or "unknown"
("I don't know"), or "ask" (asked again).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.answers import PARSERS
from tests.answers.corpus import ASK, TARGET, cases, load, print_figures, understood_share
from tests.answers.test_yes_no_corpus import context

CORPUS = load("moments")
CASES = cases(CORPUS)
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # 9 a.m. in Chicago, a Wednesday
FLAGS = (("date_only", "date only"), ("approximate", "approximate"), ("future", "future"))


def reading(locale: str, text: str) -> str:
    ctx = replace(context(locale), now=NOW, options={"dont_know": True, "zone_from": "state"})
    parsed = PARSERS["release_time"](text, ctx)
    if not parsed.ok:
        return "ask"
    if not isinstance(parsed.value, dict):
        return str(parsed.value)
    flags = [label for key, label in FLAGS if parsed.value[key]]
    if parsed.confirm:
        flags.append("read back")
    return " ".join([parsed.value["at"], *flags])


@pytest.mark.parametrize(("locale", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_release_time_is_read_as_meant_or_asked_again(locale: str, text: str, expected: str) -> None:
    """Never a wrong moment: an answer is stored as meant, or asked again (what must be asked always is)."""
    assert reading(locale, text) in {expected, ASK}


def test_figures_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    """Understood / asked again / stored wrong, per language (the issue's measure), and its targets."""
    with capsys.disabled():
        tallies = print_figures("release times", CORPUS, reading)
    for group, tally in tallies.items():
        assert sum(tally.values()) >= 40, group
        assert understood_share(tally) >= TARGET, (group, dict(tally))
