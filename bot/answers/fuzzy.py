"""Forgive small typos ('reprot', 'ilinois') without ever guessing between two close answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rapidfuzz.distance import OSA

MIN_LENGTH = 4  # 'no', 'in', 'ok' are too short to tell a typo from another word
LONG_WORD = 8  # from this length on, two slips are still one word


def allowed_edits(length: int) -> int:
    """Return how many typing slips a word of this length may carry (a swap of two letters is one)."""
    if length < MIN_LENGTH:
        return 0
    return 2 if length >= LONG_WORD else 1


def closest(said: str, candidates: Mapping[str, Sequence[str]]) -> str | None:
    """Return the one value whose words `said` is a near-miss of, or None when none or several are."""
    if len(said) < MIN_LENGTH:
        return None
    near: set[str] = set()
    for value, words in candidates.items():
        for word in words:
            budget = allowed_edits(min(len(said), len(word)))
            if budget and OSA.distance(said, word, score_cutoff=budget) <= budget:
                near.add(value)
                break
    return near.pop() if len(near) == 1 else None
