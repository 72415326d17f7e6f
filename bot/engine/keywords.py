"""Recognise global keywords (STOP, HELP, MENU, BACK…) in any case, with or without accents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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


@dataclass(frozen=True)
class KeywordTable:
    """Keywords worked out once per language: each phrase's keyword, and the opt-out phrases to look inside."""

    exact: dict[str, str]  # normalised phrase -> keyword, the first in PRIORITY winning a shared phrase
    stop_spaced: tuple[str, ...]  # opt-out phrases of several words, found inside a short text
    stop_unspaced: tuple[str, ...]  # opt-out phrases of unspaced characters (请不要再给我发信息)
    leads: frozenset[str]  # words that make a short text starting with them an opt-out

    @classmethod
    def of(cls, keywords: Mapping[str, list[str]], opt_out_leads: frozenset[str] = frozenset()) -> KeywordTable:
        """Build the table from each keyword's normalised phrases and each language's first STOP word."""
        ordered = [k for k in PRIORITY if k in keywords] + [k for k in keywords if k not in PRIORITY]
        exact: dict[str, str] = {}
        for name in ordered:
            for phrase in keywords[name]:
                exact.setdefault(phrase, name)
        stops = keywords.get("stop", ())
        return cls(
            exact=exact,
            stop_spaced=tuple(phrase for phrase in stops if " " in phrase),
            stop_unspaced=tuple(p for p in stops if " " not in p and len(p) >= 2 and is_unspaced(p)),
            leads=frozenset(OPT_OUT_LEADS) | opt_out_leads,
        )

    def match(self, text: str) -> str | None:
        """Return the keyword a whole text means, or None."""
        said = normalize(text)
        if not said:
            return None
        found = self.exact.get(said)
        if found is not None:
            return found
        words = said.split(" ")
        if len(words) <= OPT_OUT_LEAD_MAX_WORDS and words[0] in self.leads:
            return "stop"
        if len(words) <= OPT_OUT_PHRASE_MAX_WORDS:
            padded = f" {said} "
            if any(f" {phrase} " in padded for phrase in self.stop_spaced):
                return "stop"
        if len(said) <= OPT_OUT_PHRASE_MAX_CHARACTERS and any(phrase in said for phrase in self.stop_unspaced):
            return "stop"
        return None


def match_keyword(
    text: str, keywords: Mapping[str, list[str]], opt_out_leads: frozenset[str] = frozenset()
) -> str | None:
    """Return the keyword a whole text means, or None. `keywords` maps names to normalised phrases.

    `opt_out_leads` are single words (one per language) that make a short text starting with them
    an opt-out, besides the English ones.
    """
    return KeywordTable.of(keywords, opt_out_leads).match(text)
