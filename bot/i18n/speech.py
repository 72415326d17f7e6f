"""The hotline's languages as the engine needs them: translators, the language menu, and words for every language."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.text import split_words
from bot.engine.flow import FlowSet
from bot.engine.io import Speech
from bot.i18n.catalogs import Catalogs
from bot.i18n.gsm7 import Fold
from bot.i18n.languages import Languages

EVERYWHERE_KEYWORDS = ("stop", "stop_maybe", "language")  # understood in every language, whatever the texter's


def keyword_words(flows: FlowSet, catalogs: Catalogs, locale: str, keyword: str) -> list[str]:
    """The words of a keyword in one locale."""
    source = flows.keywords[keyword].words
    return split_words(catalogs.translator(locale)(f"keyword.{keyword}", source))


def build_speech(
    flows: FlowSet, catalogs: Catalogs, registry: Languages, folds: Mapping[str, Fold] | None = None
) -> tuple[Speech, Languages | None]:
    """Return the engine's Speech and the languages its menu offers (those with a catalog; None if only one).

    `folds`: per locale, how the bot's words are written in GSM-7 (bot.i18n.gsm7.folds); none by default.
    """
    available = [code for code in registry.codes if code in catalogs.available()]
    languages = registry.only(available) if len(available) > 1 else None
    everywhere = {
        name: sorted({word for code in available for word in keyword_words(flows, catalogs, code, name)})
        for name in EVERYWHERE_KEYWORDS
    }
    firsts = (keyword_words(flows, catalogs, code, "stop")[:1] for code in available)
    leads = frozenset(first[0] for first in firsts if first and " " not in first[0])
    speech = Speech(
        translators=catalogs.translator,
        languages=languages,
        everywhere=everywhere,
        opt_out_leads=leads,
        folds=dict(folds or {}),
    )
    return speech, languages
