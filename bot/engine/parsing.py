"""The parser contract: what a parser takes and returns, and the registry the engine is given."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.text import normalize


@dataclass(frozen=True)
class Parsed:
    """A parser's verdict: the value when the answer made sense, else which hint to send."""

    ok: bool
    value: Any = None
    hint: str | None = None  # a system message key, when a more specific hint than the node's fits
    notice: str | None = None  # a system message key to send along with an accepted answer
    confirm: str | None = None  # a system message key that reads the answer back before it is kept
    display: str | None = None  # how the answer reads back to the texter, when not plain str(value)


@dataclass(frozen=True)
class ParseContext:
    """What a parser may know besides the text: choices and answer words in the texter's language."""

    choices: dict[str, list[str]] = field(default_factory=dict)  # value -> normalised words
    words: dict[str, list[str]] = field(default_factory=dict)  # "yes", "no", "dont_know" -> words
    locale: str = "en"
    now: datetime | None = None
    timezone: str = "America/Chicago"
    options: dict[str, Any] = field(default_factory=dict)
    media: tuple[dict[str, str], ...] = ()  # photos sent with this text: {"url", "content_type"}
    sender: str = ""  # the texter's own number in E.164, for "same number" answers
    answers: Mapping[str, Any] = field(default_factory=dict)  # earlier answers (a time read in the jail's zone)

    def says(self, name: str, text: str) -> bool:
        """Whether the whole answer is one of the shared answer words `name` ("yes", "dont_know"…).

        The one test for "I don't know" and its like, for the engine and every parser alike.
        """
        return normalize(text) in self.words.get(name, ())


# Parser(text, context) -> verdict; flows name one per question with `parser:`.
Parser = Callable[[str, ParseContext], Parsed]
# Display(value, locale, timezone) -> how a parser's value reads back to the texter.
Display = Callable[[Any, str, str], str]

# FirstText(text, locale) -> the facts a first text already says ({"jail": "Cook County Jail"}), as answers to offer.
FirstText = Callable[[str, str], Mapping[str, str]]

# The parser the engine reads its own resume menu with (CONTINUE or START OVER).
CHOICE_PARSER = "choice"
# Parsers the engine treats apart: photos are kept from any text of a flow; free text is never a plain answer.
MEDIA_PARSER = "media"
FREE_TEXT_PARSER = "text"
# The parser the engine reads a YES or NO to a read-back with ("sí claro", "no, they moved him").
YES_NO_PARSER = "yes_no"


@dataclass(frozen=True)
class Answering:
    """The parsers and read-backs the flows name, passed in so the engine imports no parser."""

    parsers: Mapping[str, Parser]
    displays: Mapping[str, Display] = field(default_factory=dict)
    first_text: FirstText | None = None  # what a first text already says, offered for a YES instead of asked

    @property
    def choice(self) -> Parser:
        """The parser for a pick from a list, which the resume menu uses too."""
        return self.parsers[CHOICE_PARSER]

    @property
    def yes_no(self) -> Parser:
        """The parser for yes or no, which confirming a read-back uses too."""
        return self.parsers[YES_NO_PARSER]


@dataclass(frozen=True)
class ParserRules:
    """What a parser accepts in a flow: its `options:` and the system messages it may send."""

    options: frozenset[str] = frozenset()
    messages: tuple[str, ...] = ()
