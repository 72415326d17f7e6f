"""Recognise global keywords (STOP, HELP, MENU, BACK…) in any case, with or without accents."""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.text import normalize

# A short text that starts with one of these is an opt-out ("stop it now", "stop sending these").
OPT_OUT_LEADS = {"stop", "stopall", "unsubscribe"}
OPT_OUT_LEAD_MAX_WORDS = 4

# When several keywords share a word, the first in this order wins: opting out always comes first.
PRIORITY = ("stop", "start", "help", "menu", "exit", "back", "skip")


def match_keyword(text: str, keywords: Mapping[str, list[str]]) -> str | None:
    """Return the keyword a whole text means, or None. `keywords` maps names to normalised phrases."""
    said = normalize(text)
    if not said:
        return None
    ordered = [k for k in PRIORITY if k in keywords] + [k for k in keywords if k not in PRIORITY]
    for name in ordered:
        if said in keywords[name]:
            return name
    words = said.split(" ")
    if len(words) <= OPT_OUT_LEAD_MAX_WORDS and words[0] in OPT_OUT_LEADS | _lead_words(keywords.get("stop", [])):
        return "stop"
    return None


def _lead_words(phrases: list[str]) -> set[str]:
    """The single-word translations listed first (e.g. 'stop', 'alto') that may lead an opt-out."""
    return {phrases[0]} if phrases and " " not in phrases[0] else set()
