"""Count the SMS segments a text costs: GSM-7 (160/153 per part) or UCS-2 (70/67 per part)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

# GSM 03.38 basic character set (what costs one septet).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets (escape + character).
GSM7_EXTENDED = set("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
SEGMENT_BUDGET = 3  # the most SMS segments one text to a texter may cost, in any language
LEGAL_SEGMENT_BUDGET = 5  # the most a legal text may declare (`segments:` in flows/), for its caveats
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(text: str) -> bool:
    """Whether the whole text can be sent in the GSM-7 alphabet."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def folded_if_cheaper(
    text: str, fold: Callable[[str], str] | None, folded: str | None = None, *, part: bool = False
) -> str:
    """The text folded (SMS_GSM7_LOCALES) when that makes it GSM-7 and costs fewer segments, else as written.

    A text that costs the same either way keeps its accents. `folded` is the folded form when the caller
    made it (the bot's words folded, the family's answers left as typed). A `part` of a longer text (a
    summary line, a label) is folded whenever that makes it GSM-7: alone it may cost the same, joined it
    would make the whole text UCS-2.
    """
    if fold is None or is_gsm7(text):
        return text
    folded = fold(text) if folded is None else folded
    if not is_gsm7(folded):
        return text
    return folded if part or count_segments(folded) < count_segments(text) else text


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


def budget_for(declared: int | None) -> int:
    """Return the segment budget of a text: what its node declares, else SEGMENT_BUDGET."""
    return declared if declared is not None else SEGMENT_BUDGET


def split_to_budget(text: str, budget: int = SEGMENT_BUDGET) -> list[str]:
    """Split a text that would cost more than `budget` segments into texts that each fit, at line breaks.

    A safety net for summaries full of non-GSM names: several affordable texts beat one that
    phones may refuse to join. A single line longer than the budget is cut between words.
    """
    if count_segments(text) <= budget:
        return [text]
    return _fewest([piece for line in text.split("\n") for piece in _fit_line(line, budget)], "\n", budget)


def pack_cheaper(texts: list[str], budget: int = SEGMENT_BUDGET) -> list[str]:
    """Join consecutive texts of one reply, a line apart, only where one text costs fewer segments than two.

    A short question after a short intro ("About 24 questions…", "What is their name?") fits in one
    segment together; two texts that cost the same either way stay two, so each reads on its own.
    A text already over `budget` is left alone.
    """
    if len(texts) < 2 or any(count_segments(text) > budget for text in texts):
        return texts
    return _fewest(texts, "\n", budget, fewer_texts=False)


def _fewest(pieces: list[str], separator: str, budget: int, *, fewer_texts: bool = True) -> list[str]:
    """Join consecutive pieces into texts within budget that cost the fewest segments in all.

    Between ways that cost the same, the fewest texts win (`fewer_texts`), else the most.
    Lines differ in alphabet (a name with 'í' is UCS-2, the lines around it GSM-7), so where a text
    is cut changes what the whole costs: every cut is tried, which is cheap for a summary's few lines.
    """
    per_text = 1 if fewer_texts else -1
    best: list[tuple[int, int] | None] = [(0, 0)] + [None] * len(pieces)
    cut = [0] * (len(pieces) + 1)
    for end in range(1, len(pieces) + 1):
        for start in range(end - 1, -1, -1):
            cost = max(1, count_segments(separator.join(pieces[start:end])))  # an empty text is still a text
            if cost > budget:
                break  # more pieces never cost less
            before = best[start]
            if before is None:
                continue
            candidate = (before[0] + cost, before[1] + per_text)
            found = best[end]
            if found is None or candidate < found:
                best[end], cut[end] = candidate, start
    parts, end = [], len(pieces)
    while end > 0:
        parts.append(separator.join(pieces[cut[end] : end]))
        end = cut[end]
    return parts[::-1]


def _fit_line(line: str, budget: int) -> list[str]:
    """A line as it is, or cut between words when it alone is over budget (absurdly long words cut too)."""
    if count_segments(line) <= budget:
        return [line]
    words: list[str] = []
    for word in line.split(" "):
        while count_segments(word) > budget:
            words.append(word[: UCS2_PART * budget])
            word = word[UCS2_PART * budget :]
        words.append(word)
    return _pack(words, " ", budget)


def _pack(pieces: Iterable[str], separator: str, budget: int) -> list[str]:
    """Join pieces greedily with `separator` into as few texts within budget as possible."""
    parts: list[str] = []
    current: str | None = None
    for piece in pieces:
        candidate = piece if current is None else f"{current}{separator}{piece}"
        if current is None or count_segments(candidate) <= budget:
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current is not None:
        parts.append(current)
    return parts
