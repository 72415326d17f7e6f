"""Languages: which locales exist, and a translate function per locale from the compiled catalogs."""

from __future__ import annotations

from pathlib import Path

from babel.support import NullTranslations, Translations

from bot.engine.runner import Translate

DOMAIN = "messages"
SOURCE_LOCALE = "en"


class Catalogs:
    """The compiled gettext catalogs in locales/, loaded once per process."""

    def __init__(self, locales_dir: str | Path) -> None:
        self.locales_dir = Path(locales_dir)
        self._loaded: dict[str, NullTranslations] = {}

    def available(self) -> list[str]:
        """Return English plus every locale that has a catalog in locales/."""
        found = sorted(p.parent.parent.name for p in self.locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
        return [SOURCE_LOCALE] + [loc for loc in found if loc != SOURCE_LOCALE]

    def translations(self, locale: str) -> NullTranslations:
        """Return the catalog for a locale (English source text when there is none)."""
        if locale not in self._loaded:
            if locale == SOURCE_LOCALE:
                self._loaded[locale] = NullTranslations()
            else:
                self._loaded[locale] = Translations.load(str(self.locales_dir), [locale], DOMAIN)
        return self._loaded[locale]

    def translator(self, locale: str) -> Translate:
        """Return translate(context, source) for a locale; untranslated text falls back to English."""
        catalog = self.translations(locale)

        def translate(context: str, source: str) -> str:
            return catalog.pgettext(context, source)

        return translate
