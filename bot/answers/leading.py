"""Read how an answer begins: the longest yes, no or don't-know phrase it starts with, in the texter's words.

'ya no está ahí' begins with 'ya no' (no), not 'ya' (yes); 'no idea really' with 'no idea' (don't know),
not 'no'; 'sí claro, está ahí' with 'sí'. The words are the translatable answer lists in flows/keywords.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.text import is_unspaced, normalize

# On phrases of the same length, the more careful reading wins: "I don't know" over no over yes.
CAREFUL_FIRST = ("dont_know", "no", "yes")
CONTRADICTION_MAX_WORDS = 3  # "yes he is" after a no takes it back; "ya se lo llevaron" explains it


@dataclass(frozen=True)
class Leading:
    """The answer word list a text starts with, and what follows it."""

    name: str
    rest: str


def _starts_with(said: str, phrase: str) -> bool:
    if is_unspaced(phrase):
        return said.startswith(phrase)
    return said == phrase or said.startswith(phrase + " ")


def leading(text: str, words: Mapping[str, Sequence[str]], names: Sequence[str] = CAREFUL_FIRST) -> Leading | None:
    """Return the longest listed phrase (of `names`) the text starts with, or None."""
    said = normalize(text)
    best: tuple[int, int, str, str] | None = None
    for rank, name in enumerate(names):
        for phrase in words.get(name, ()):
            if phrase and _starts_with(said, phrase):
                key = (len(phrase), -rank)
                if best is None or key > best[:2]:
                    best = (len(phrase), -rank, name, said[len(phrase) :].strip())
    return Leading(name=best[2], rest=best[3]) if best else None


def contradicted(reading: Leading, words: Mapping[str, Sequence[str]], names: Sequence[str] = CAREFUL_FIRST) -> bool:
    """Whether what follows the leading phrase takes it back: 'yes no', 'no, yes he is', 'yes but not sure'.

    A short rest that starts with another answer says both; a don't-know phrase of several words anywhere
    makes the answer unsure. A longer rest is the texter explaining ('no, ya se lo llevaron').
    """
    rest = reading.rest
    if not rest:
        return False
    again = leading(rest, words, names)
    if again is not None and again.name != reading.name and len(rest.split(" ")) <= CONTRADICTION_MAX_WORDS:
        return True
    padded = f" {rest} "
    unsure = [p for p in words.get("dont_know", ()) if p and (" " in p or is_unspaced(p) and len(p) > 1)]
    return reading.name != "dont_know" and any((p in rest) if is_unspaced(p) else f" {p} " in padded for p in unsure)
