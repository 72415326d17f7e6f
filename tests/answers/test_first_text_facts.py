"""What first texts already say (tests/corpora/first_text_facts.yaml): each fact offered, none made up."""

from __future__ import annotations

import pytest

from bot.answers.first_text import FACTS, read_first_text
from tests.answers.corpus import load

CORPUS = load("first_text_facts")
CASES = [(locale, str(text), dict(facts)) for locale, texts in CORPUS.items() for text, facts in texts.items()]


@pytest.mark.parametrize(("locale", "text", "facts"), CASES, ids=[f"{c[0]}-{c[1][:40]}" for c in CASES])
def test_a_first_text_offers_what_it_says_and_nothing_else(locale: str, text: str, facts: dict[str, str]) -> None:
    assert read_first_text(text, locale) == facts


def test_the_corpus_covers_every_fact_in_every_language() -> None:
    offered = {fact for texts in CORPUS.values() for facts in texts.values() for fact in facts}
    assert offered == FACTS
    assert set(CORPUS) == {"en", "es", "pl", "zh_Hans", "ar", "fr", "ht", "pt_BR"}
