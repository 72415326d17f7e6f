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


def normalize(text: str, *, pictographs: bool = False) -> str:
    """Fold case, accents and digits, drop apostrophes, turn other punctuation and symbols into spaces.

    With `pictographs`, emoji and other pictographs ('👍🏽', '✅', '🤷‍♀️') are kept as words of their own,
    without skin tone, variation or joined parts: yes/no answers and their word lists read them.
    """
    folded = fold_digits(strip_accents(text).casefold())
    for mark in APOSTROPHES:
        folded = folded.replace(mark, "")
    kept: list[str] = []
    after = ""  # the last pictograph kept: a joiner after it joins the next character to it
    for ch in folded:
        if ch in _INVISIBLE:
            continue
        if after and ch == _JOINER:
            after = _JOINER
        elif after == _JOINER:
            after = ch if _is_pictograph(ch) else ""  # '🤷' + joiner + '♀' stays '🤷'
        elif pictographs and _is_pictograph(ch):
            kept.append(f" {ch} ")
            after = ch
        else:
            kept.append(" " if unicodedata.category(ch)[0] in "PSZC" else ch)
            after = ""
    return _SPACES.sub(" ", "".join(kept)).strip()


_JOINER = "\u200d"  # zero-width joiner: '🤷' + joiner + '♀' is one pictograph
_INVISIBLE = frozenset("\ufe0e\ufe0f") | frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))  # variation, skin tone


def _is_pictograph(ch: str) -> bool:
    """Whether a character is an emoji or a like symbol (not ©, °, or a currency sign)."""
    return unicodedata.category(ch) == "So" and ord(ch) >= 0x2190


def split_words(words: str) -> list[str]:
    """Turn a translatable 'stop, stop texting me, quit' list into normalised phrases."""
    return [phrase for phrase in (normalize(part, pictographs=True) for part in words.split(",")) if phrase]


# What no database column can hold: NUL (PostgreSQL text) and lone surrogates (not encodable as UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
NUL_SHOWN_AS = "\u2400"  # ␀, the visible symbol for NUL
MAX_BODY = 1600  # the longest text Twilio delivers; longer bodies are stored whole and read this far


def storable(text: str) -> str:
    """Return the text with NUL shown as ␀ and lone surrogates as U+FFFD, so any database can keep it.

    The exact original is kept beside it as bytes (see raw_bytes) when the two differ.
    """
    if not _UNSTORABLE.search(text):
        return text
    return _UNSTORABLE.sub(lambda m: NUL_SHOWN_AS if m.group() == "\x00" else "\ufffd", text)


def raw_bytes(text: str) -> bytes | None:
    """The exact text as bytes (surrogates included) when storable() would change it, else None."""
    return text.encode("utf-8", "surrogatepass") if _UNSTORABLE.search(text) else None


def from_raw_bytes(raw: bytes) -> str:
    """The exact original text back from raw_bytes()."""
    return raw.decode("utf-8", "surrogatepass")


def is_unspaced(phrase: str) -> bool:
    """Whether a phrase is in a script written without spaces between words (Chinese), so it is found inside text."""
    return bool(phrase) and all(unicodedata.east_asian_width(ch) == "W" for ch in phrase)
