"""Read an A-number, the 8 or 9 digits ICE gives a person ('A123-456-789', 'a 12345678')."""

from __future__ import annotations

import re

from bot.answers.base import ParseContext, Parsed, fail
from bot.core.text import fold_digits

# An optional 'A' (or 'A#', 'A-number:'), then digits with any spaces, dots or dashes between them.
_A_NUMBER = re.compile(r"(?:a\s*-?\s*(?:number|no\.?|#)?\s*[:#.\-]?\s*)?(\d(?:[\s.\-]*\d)*)")


def parse_a_number(text: str, ctx: ParseContext) -> Parsed:
    """Read an A-number as 9 digits, zero-padded ('A12345678' -> '012345678')."""
    if ctx.options.get("dont_know") and ctx.says("dont_know", text):
        return Parsed(ok=True, value="unknown")
    match = _A_NUMBER.fullmatch(fold_digits(text).strip().casefold())
    if not match:
        return fail()
    digits = re.sub(r"\D", "", match.group(1))
    if len(digits) not in (8, 9):
        return fail()
    return Parsed(ok=True, value=digits.zfill(9))
