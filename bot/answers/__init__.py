"""Parsers that read a texter's answer to a question; each is named in the flows by `parser:`."""

from __future__ import annotations

from collections.abc import Callable

from bot.answers.base import ParseContext, Parsed
from bot.answers.choice import parse_choice, parse_yes_no
from bot.answers.freetext import parse_text

Parser = Callable[[str, ParseContext], Parsed]

PARSERS: dict[str, Parser] = {
    "choice": parse_choice,
    "yes_no": parse_yes_no,
    "text": parse_text,
}

__all__ = ["PARSERS", "ParseContext", "Parsed", "Parser"]
