"""Normalise what people type so keywords and answers match whatever the case, accents, digits or punctuation.

The one owner of text folding: keywords, answers, names and the dashboard's search all use it.
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "'\u2019\u2018`\u00b4"
_SPACES = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    """Remove accents: 'Menú' -> 'Menu'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_digits(text: str) -> str:
    """Turn digits of any script ('١٢٣', '۴', full-width '２') into ASCII ones."""
    return "".join(str(unicodedata.digit(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in text)


def normalize(text: str) -> str:
    """Fold case, accents and digits, drop apostrophes, turn other punctuation and symbols into spaces."""
    folded = fold_digits(strip_accents(text).casefold())
    for mark in APOSTROPHES:
        folded = folded.replace(mark, "")
    kept = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in folded)
    return _SPACES.sub(" ", kept).strip()


def split_words(words: str) -> list[str]:
    """Turn a translatable 'stop, stop texting me, quit' list into normalised phrases."""
    return [phrase for phrase in (normalize(part) for part in words.split(",")) if phrase]
