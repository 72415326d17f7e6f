"""Recognise global keywords (STOP, HELP, MENU, BACK…) in any case, with or without accents."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.text import is_unspaced, normalize

# A short text that starts with one of these is an opt-out ("stop it now", "stop sending these").
OPT_OUT_LEADS = {"stop", "stopall", "unsubscribe"}
OPT_OUT_LEAD_MAX_WORDS = 4
# A listed opt-out phrase of two or more words counts inside a text this short ("please stop texting me");
# a longer text is a story that may quote one ("he told them stop texting me").
OPT_OUT_PHRASE_MAX_WORDS = 10
OPT_OUT_PHRASE_MAX_CHARACTERS = 24  # the same for scripts written without spaces (请不要再给我发信息)

# When several keywords share a word, the first in this order wins: opting out always comes first.
PRIORITY = ("stop", "stop_maybe", "start", "help", "menu", "exit", "back", "skip")


def match_keyword(
    text: str, keywords: Mapping[str, list[str]], opt_out_leads: frozenset[str] = frozenset()
) -> str | None:
    """Return the keyword a whole text means, or None. `keywords` maps names to normalised phrases.

    `opt_out_leads` are single words (one per language) that make a short text starting with them
    an opt-out, besides the English ones.
    """
    said = normalize(text)
    if not said:
        return None
    ordered = [k for k in PRIORITY if k in keywords] + [k for k in keywords if k not in PRIORITY]
    for name in ordered:
        if said in keywords[name]:
            return name
    words = said.split(" ")
    if len(words) <= OPT_OUT_LEAD_MAX_WORDS and words[0] in OPT_OUT_LEADS | opt_out_leads:
        return "stop"
    if any(_holds_phrase(said, words, phrase) for phrase in keywords.get("stop", ())):
        return "stop"
    return None


def _holds_phrase(said: str, words: list[str], phrase: str) -> bool:
    """Whether a short text holds an opt-out phrase of several words (or of several unspaced characters)."""
    if " " in phrase:
        return len(words) <= OPT_OUT_PHRASE_MAX_WORDS and f" {phrase} " in f" {said} "
    return len(phrase) >= 2 and is_unspaced(phrase) and len(said) <= OPT_OUT_PHRASE_MAX_CHARACTERS and phrase in said
