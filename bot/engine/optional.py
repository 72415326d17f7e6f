"""Optional parts of a summary line: `[…]` around words that are left out when their answers were not given.

A summary line such as `Due out {release_due_at}[. Booking/case: {booking_number}]` reads
`Due out today 3pm` when the booking number was skipped: every SMS segment is money, and a row of
"Booking/case: -" tells the family nothing. The brackets are part of the text a translator writes,
so each language decides where its own separators go.
"""

from __future__ import annotations

import re
import string
from collections.abc import Container

OPEN, CLOSE = "[", "]"
_PART = re.compile(r"\[([^\[\]]*)\]")


def fields(text: str) -> set[str]:
    """The {placeholder} names in a text (none when its braces do not parse)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return set()


def optional_parts(template: str) -> list[str]:
    """The optional parts of a line, brackets removed, in order."""
    return _PART.findall(template)


def problem(template: str) -> str | None:
    """Why a line's brackets cannot be read (unbalanced, nested, or a part with no answer in it), or None."""
    rest = _PART.sub("", template)
    if OPEN in rest or CLOSE in rest:
        return "optional parts need one [ and one ] each, not nested"
    if any(not fields(part) for part in optional_parts(template)):
        return "an optional part [...] must hold at least one {answer}"
    return None


def without_unanswered(template: str, unanswered: Container[str]) -> str:
    """The line with each optional part dropped when none of its answers was given, kept (unbracketed) otherwise."""

    def keep(match: re.Match[str]) -> str:
        part = match.group(1)
        return "" if all(name in unanswered for name in fields(part)) else part

    return _PART.sub(keep, template)
