"""Count the SMS segments a text costs: GSM-7 (160/153 per part) or UCS-2 (70/67 per part)."""

from __future__ import annotations

from collections.abc import Callable

# GSM 03.38 basic character set (what costs one septet).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets (escape + character).
GSM7_EXTENDED = set("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(text: str) -> bool:
    """Whether the whole text can be sent in the GSM-7 alphabet."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def _ucs2_units(text: str) -> int:
    """UTF-16 code units: characters outside the BMP (most emoji) take two."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def count_segments(text: str) -> int:
    """Return how many SMS segments the text is sent as (0 for an empty text)."""
    if not text:
        return 0
    if is_gsm7(text):
        septets = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        if septets <= GSM7_SINGLE:
            return 1
        return _split_count(text, GSM7_PART, lambda ch: 2 if ch in GSM7_EXTENDED else 1)
    units = _ucs2_units(text)
    if units <= UCS2_SINGLE:
        return 1
    return _split_count(text, UCS2_PART, lambda ch: 2 if ord(ch) > 0xFFFF else 1)


def _split_count(text: str, per_part: int, cost: Callable[[str], int]) -> int:
    """Count parts the way phones split them: a two-unit character never straddles two parts."""
    parts, used = 1, 0
    for ch in text:
        size = cost(ch)
        if used + size > per_part:
            parts += 1
            used = 0
        used += size
    return parts
