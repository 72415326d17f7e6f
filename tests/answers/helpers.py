"""Build the context a parser gets, with the real answer words from flows/keywords.yaml."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.answers.base import ParseContext
from bot.core.text import split_words

# 09:00 in Chicago (CST, -06:00) on Friday 27 November 2026.
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
KEYWORDS = Path(__file__).resolve().parents[2] / "flows" / "keywords.yaml"


def answer_words() -> dict[str, list[str]]:
    """Return the English answer words ('yes', 'no', 'dont_know', ...) as the engine normalises them."""
    raw = yaml.safe_load(KEYWORDS.read_text(encoding="utf-8"))["answers"]
    return {name: split_words(str(entry["words"])) for name, entry in raw.items()}


def context(
    locale: str = "en",
    now: datetime = NOW,
    timezone: str = "America/Chicago",
    choices: dict[str, str] | None = None,
    sender: str = "",
    **options: Any,
) -> ParseContext:
    """Return a parse context; `choices` are given as the flows write them ('1, report, held')."""
    return ParseContext(
        choices={value: split_words(words) for value, words in (choices or {}).items()},
        words=answer_words(),
        locale=locale,
        now=now,
        timezone=timezone,
        options=options,
        sender=sender,
    )
