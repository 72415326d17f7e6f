"""Every answer parser, fed anything a phone can send (NUL, lone surrogates, 10,000 characters): never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answers import PARSERS, Parsed
from tests.answers.helpers import context

# Any Unicode, lone surrogates included (hypothesis leaves them out unless asked), with the odd
# characters phones and attackers send mixed in.
ANY_CHARACTER = st.characters(exclude_categories=())
ODD = st.sampled_from(["\x00", "\ud800", "\udfff", "\u202e", "\ufeff", "\r\n", "١٢٣", "😀", " ", "%s", "{0}"])
TEXTS = st.one_of(
    st.text(ANY_CHARACTER, max_size=60),
    st.lists(st.one_of(ODD, st.text(ANY_CHARACTER, max_size=5)), max_size=20).map("".join),
    st.just(""),
    st.integers(0, 10_000).map(lambda n: "a" * n),
    st.builds(
        lambda word, n: (word + " ") * n, st.sampled_from(["yes", "3pm", "312", "IL", "A123"]), st.integers(0, 2000)
    ),
)
OPTIONS = {"dont_know": True, "past_only": True, "region": "US", "max_length": 200, "contains": True}
CHOICES = {"1": "1, report, held", "2": "2, rights", "3": "3, other"}


@pytest.mark.parametrize("name", sorted(PARSERS))
@pytest.mark.parametrize("locale", ["en", "es", "ar"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_every_parser_returns_a_verdict_for_any_text(name: str, locale: str, text: str) -> None:
    verdict = PARSERS[name](text, context(locale=locale, choices=CHOICES, sender="+13125550100", **OPTIONS))
    assert isinstance(verdict, Parsed)
    assert verdict.ok or verdict.value is None  # an answer that did not parse stores nothing: never a guess
