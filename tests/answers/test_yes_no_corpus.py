"""Yes/no answers as families type them (tests/corpora/yes_no.yaml), read in the texter's words and English's.

A wrong stored value fails; the figures per language (understood / asked again / stored wrong) are printed.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answers import PARSERS
from bot.config import PROJECT_ROOT
from bot.core.text import split_words
from bot.engine.loader import load_flows
from bot.engine.parsing import ParseContext
from bot.i18n.catalogs import Catalogs
from tests.answers.corpus import cases, load, print_figures

CORPUS = load("yes_no")
FLOWS = load_flows(PROJECT_ROOT / "flows")
CATALOGS = Catalogs(PROJECT_ROOT / "locales")
CASES = cases(CORPUS)


def context(locale: str, *, dont_know: bool = True) -> ParseContext:
    """The answer words as the engine gives them: English's and the texter's language's."""
    translate = CATALOGS.translator(locale)
    words = {}
    for name, wordlist in FLOWS.answer_words.items():
        english = split_words(wordlist.words)
        translated = split_words(translate(f"answer.{name}", wordlist.words))
        words[name] = english + [word for word in translated if word not in english]
    return ParseContext(words=words, locale=locale, options={"dont_know": dont_know})


def reading(locale: str, text: str, *, dont_know: bool = True) -> str:
    parsed = PARSERS["yes_no"](text, context(locale, dont_know=dont_know))
    return str(parsed.value) if parsed.ok else "ask"


@pytest.mark.parametrize(("locale", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_yes_no_answer_is_read_as_meant_or_asked_again(locale: str, text: str, expected: str) -> None:
    assert reading(locale, text) == expected


@pytest.mark.parametrize(("locale", "text"), [(c[0], c[1]) for c in CASES if c[2] == "unknown"])
def test_dont_know_is_never_stored_as_no_where_the_question_does_not_offer_it(locale: str, text: str) -> None:
    assert reading(locale, text, dont_know=False) == "ask"


def test_figures_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    """Understood / asked again / stored wrong, per language (the issue's measure)."""
    with capsys.disabled():
        print_figures("yes/no", CORPUS, reading)


# A yes that says the person was taken, at a question whether they are still there: both at once.
STILL_THERE_BOTH = [
    ("en", "yes they took him"), ("en", "yeah but ice took him this morning"), ("es", "sí, ya se lo llevaron"),
    ("es", "si pero lo trasladaron"), ("pl", "tak, ale zabrali go wczoraj"), ("zh_Hans", "是，但是被带走了"),
    ("ar", "نعم بس أخذوه"), ("fr", "oui mais ils l'ont emmené"), ("ht", "wi men yo pran l"),
    ("pt_BR", "sim, mas levaram ele"),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "text"), STILL_THERE_BOTH, ids=[f"{c[0]}-{c[1]}" for c in STILL_THERE_BOTH])
def test_yes_and_taken_is_asked_again_at_is_he_still_there(locale: str, text: str) -> None:
    still_there = replace(context(locale), options={"dont_know": True, "gone": True})
    assert not PARSERS["yes_no"](text, still_there).ok
    elsewhere = PARSERS["yes_no"](text, context(locale))  # at another question the yes stands
    assert (elsewhere.ok, elsewhere.value) == (True, "yes")
