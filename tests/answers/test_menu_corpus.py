"""Main-menu picks as families type them (tests/corpora/menu.yaml): digits in any script, typos, words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answers import PARSERS
from bot.config import PROJECT_ROOT
from bot.core.text import split_words
from bot.engine.flow import text_key
from bot.engine.loader import load_flows
from tests.answers.corpus import TARGET, cases, load, print_figures, understood_share
from tests.answers.test_yes_no_corpus import CATALOGS, context

CORPUS = load("menu")
CASES = cases(CORPUS)
MENU = load_flows(PROJECT_ROOT / "flows").flows["menu"]


def reading(locale: str, text: str) -> str:
    node = MENU.nodes[MENU.start]
    assert node.ask is not None
    translate = CATALOGS.translator(locale)
    choices = {}
    for choice in node.ask.choices:
        english = split_words(choice.words)
        own = split_words(translate(text_key("menu", node, "choice", choice.value), choice.words))
        choices[choice.value] = english + [word for word in own if word not in english]
    parsed = PARSERS["choice"](text, replace(context(locale), choices=choices, options=node.ask.options))
    return str(parsed.value) if parsed.ok else "ask"


@pytest.mark.parametrize(("locale", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_menu_pick_is_read_as_meant(locale: str, text: str, expected: str) -> None:
    assert reading(locale, text) == expected


def test_figures_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    """Understood / asked again / stored wrong, per language (the issue's measure), and its targets."""
    with capsys.disabled():
        tallies = print_figures("menu", CORPUS, reading)
    for group, tally in tallies.items():
        assert sum(tally.values()) >= 40, group
        assert understood_share(tally) >= TARGET, (group, dict(tally))
