"""Read how an answer begins: the longest yes, no, don't-know or maybe phrase it starts with, in the texter's words.

'ya no está ahí' begins with 'ya no' (no), not 'ya' (yes); 'no idea really' with 'no idea' (don't know),
not 'no'; 'sí claro, está ahí' with 'sí'; 'chyba tak' with 'chyba' (maybe, so asked again). The words are
the translatable answer lists in flows/keywords.yaml; emoji in them count as words ('👍').
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.text import is_unspaced, normalize

# On phrases of the same length, the more careful reading wins: "I don't know" over maybe over no over yes
# (Polish 'no' is 'well…', listed under maybe: it wins over English 'no').
CAREFUL_FIRST = ("dont_know", "maybe", "no", "yes")
UNSURE = ("dont_know", "maybe")  # phrases that, anywhere in the answer, make a yes or a no unsure
CONTRADICTION_MAX_WORDS = 3  # "yes he is" after a no takes it back; "ya se lo llevaron" explains it


@dataclass(frozen=True)
class Leading:
    """The answer word list a text starts with, and what follows it."""

    name: str
    rest: str
    phrase: str = ""


def _starts_with(said: str, phrase: str) -> bool:
    if is_unspaced(phrase):
        return said.startswith(phrase)
    return said == phrase or said.startswith(phrase + " ")


def leading(text: str, words: Mapping[str, Sequence[str]], names: Sequence[str] = CAREFUL_FIRST) -> Leading | None:
    """Return the longest listed phrase (of `names`) the text starts with, or None."""
    said = normalize(text, pictographs=True)
    best: tuple[int, int, str, str] | None = None  # length, rank, name, phrase
    for rank, name in enumerate(names):
        for phrase in words.get(name, ()):
            if phrase and _starts_with(said, phrase):
                key = (len(phrase), -rank)
                if best is None or key > best[:2]:
                    best = (len(phrase), -rank, name, phrase)
    return Leading(name=best[2], rest=said[len(best[3]) :].strip(), phrase=best[3]) if best else None


def contradicted(reading: Leading, words: Mapping[str, Sequence[str]], names: Sequence[str] = CAREFUL_FIRST) -> bool:
    """Whether what follows the leading phrase takes it back: 'yes no', 'no, yes he is', 'yes but not sure'.

    A short rest that starts with another answer says both; a don't-know or maybe phrase of several
    words anywhere makes the answer unsure. A longer rest is the texter explaining ('no, ya se lo llevaron').
    A word listed as maybe only because it is also a yes or a no elsewhere (Spanish 'ya', 'already') is
    unsure when an answer begins with it, not after a yes or a no ('no, ya lo soltaron').
    """
    rest = reading.rest
    if not rest:
        return False
    again = leading(rest, words, names)
    if again is not None and again.name != reading.name and len(rest.split(" ")) <= CONTRADICTION_MAX_WORDS:
        ambiguous = again.name == "maybe" and any(again.phrase in words.get(name, ()) for name in ("yes", "no"))
        if not ambiguous:
            return True
    return reading.name not in UNSURE and contains(rest, words, UNSURE) is not None


def contains(said: str, words: Mapping[str, Sequence[str]], names: Sequence[str]) -> str | None:
    """The first of `names` with a phrase of several words (or of a script without spaces) inside the text."""
    padded = f" {said} "
    for name in names:
        for phrase in words.get(name, ()):
            if is_unspaced(phrase) and len(phrase) > 1 and phrase in said:
                return name
            if " " in phrase and f" {phrase} " in padded:
                return name
    return None


def collapsed(text: str) -> str:
    """The text with letters typed over and over once: 'siiii' -> 'si', 'nãoo' -> 'nao', 'yesss' -> 'yes'."""
    return _REPEATS.sub(r"\1", text)


_REPEATS = re.compile(r"(\w)\1+")
