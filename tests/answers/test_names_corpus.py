"""Names as families type them (tests/corpora/names.yaml): the name stored, a switch of language, or ask again.

Read as the name questions read them (the text parser with `name: true`), after the engine's one
language test: only a text that is a language's own name ('Español') switches; 'Frances', 'Chino',
'Ingles' or 'Paris' at a name question is a name.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answers import PARSERS
from bot.config import PROJECT_ROOT
from bot.i18n.languages import load_languages
from tests.answers.corpus import TARGET, cases, load, print_figures, understood_share
from tests.answers.test_yes_no_corpus import FLOWS, context

CORPUS = load("names")
CASES = cases(CORPUS)
LANGUAGES = load_languages(PROJECT_ROOT / "locales")
NAME_QUESTION = FLOWS.flows["report"].nodes["ask_name"]


def reading(locale: str, text: str) -> str:
    if LANGUAGES.named(text) is not None:  # the engine switches language before any parser reads it
        return "switch"
    assert NAME_QUESTION.ask is not None
    ctx = replace(context(locale, dont_know=False), options=NAME_QUESTION.ask.options)
    parsed = PARSERS["text"](text, ctx)
    return str(parsed.value) if parsed.ok else "ask"


@pytest.mark.parametrize(("locale", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_name_is_stored_as_meant_or_asked_again(locale: str, text: str, expected: str) -> None:
    assert reading(locale, text) == expected


def test_the_name_questions_read_names_as_names() -> None:
    """Both the held person's and the reporter's name questions take names, not stories."""
    for node in ("ask_name", "ask_other_names", "ask_reporter_name"):
        ask = FLOWS.flows["report"].nodes[node].ask
        assert ask is not None and ask.options.get("name") is True, node


def test_figures_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    """Understood / asked again / stored wrong, per language (the issue's measure), and its targets."""
    with capsys.disabled():
        tallies = print_figures("names", CORPUS, reading)
    for group, tally in tallies.items():
        assert sum(tally.values()) >= 40, group
        assert understood_share(tally) >= TARGET, (group, dict(tally))
