"""The English legal texts read at about a 6th-grade level: the Flesch-Kincaid grade of each text.

Flesch-Kincaid grade = 0.39 x words per sentence + 11.8 x syllables per word - 15.59, with syllables counted
by vowel groups (textstat needs NLTK's cmudict download, which this machine cannot fetch). Run
`pytest tests/test_reading_level.py -s` to print every text's grade.
"""

from __future__ import annotations

import re
import statistics

import pytest

from bot.engine.loader import load_flows
from bot.engine.texts import placeholders
from tests.engine.conftest import REPO_FLOWS

FLOWS = load_flows(REPO_FLOWS)
# Placeholders, links and reply keywords are not words a reader must decode.
FILL = {"legal_help_phone": "the number", "family_support_phone": "the number", "ice_locator_url": "the site"}
KEYWORDS = re.compile(r"\b(?:Reply|reply) (?:MORE|REPORT|MENU)\b|\bacis\.eoir\.justice\.gov\b")
MOST_PER_TEXT = 9.0  # no single legal text above 9th grade (caveats need a few long words)
MOST_MEDIAN = 7.0  # and most at 7th grade or below


def legal_texts() -> dict[str, str]:
    """Every English text of a legal flow that states facts, by node."""
    found = {}
    for flow in FLOWS.flows.values():
        for node in flow.nodes.values():
            if flow.legal and node.facts and node.say:
                text = node.say.format_map({name: FILL.get(name, "it") for name in placeholders(node.say)})
                found[f"{flow.name}.{node.name}"] = KEYWORDS.sub("", text)
    return found


TEXTS = legal_texts()


ABBREVIATIONS = {"U.S.": "US", "Sept.": "Sept", "a.m.": "am", "p.m.": "pm"}
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d+(?:[-,]\d+)*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Count a word's syllables by vowel groups: a silent final e and -ed after most consonants do not count."""
    word = word.lower()
    if word[0].isdigit():
        return 1 if len(word) == 1 else 2  # "2" is "two", "48" is "forty-eight"
    count = len(VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if word.endswith("ed") and not word.endswith(("ted", "ded")) and count > 1:
        count -= 1
    return max(count, 1)


def grade(text: str) -> float:
    """Flesch-Kincaid grade level of a text."""
    for abbreviation, plain in ABBREVIATIONS.items():
        text = text.replace(abbreviation, plain)
    words = WORD.findall(text)
    sentences = max(len(SENTENCE_END.findall(text)), 1)
    total = sum(syllables(word) for word in words)
    return 0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_each_legal_text_is_plain(name: str) -> None:
    level = grade(TEXTS[name])
    print(f"{name}: grade {level:.1f}")
    assert level <= MOST_PER_TEXT, f"{name} reads at grade {level:.1f}: {TEXTS[name]}"


def test_most_legal_texts_read_at_seventh_grade_or_below() -> None:
    levels = [grade(text) for text in TEXTS.values()]
    assert len(levels) >= 30
    assert statistics.median(levels) <= MOST_MEDIAN, f"median grade {statistics.median(levels):.1f}"


@pytest.mark.parametrize(
    ("word", "count"), [("jail", 1), ("lawyer", 2), ("released", 2), ("detainer", 3), ("immigration", 4), ("48", 2)]
)
def test_syllables_are_counted_as_people_say_them(word: str, count: int) -> None:
    assert syllables(word) == count


def test_the_grade_formula_tells_plain_from_legalese() -> None:
    plain = "Do not sign papers. Ask for a lawyer. Call us now."
    legalese = (
        "Notwithstanding the foregoing, detention predicated exclusively upon an immigration detainer "
        "constitutes a warrantless seizure necessitating independent probable cause determinations."
    )
    assert grade(plain) < 4 < MOST_PER_TEXT < grade(legalese)
