"""Languages: which locales exist, and a translate function per locale from the compiled catalogs."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAIN = "messages"
SOURCE_LOCALE = "en"


def compile_catalog(catalog: Catalog) -> bytes:
    """Return a catalog as .mo bytes, leaving out fuzzy and untranslated entries (they fall back to English)."""
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


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
            if locale == SOURCE_LOCALE or locale not in self.available():
                self._loaded[locale] = NullTranslations()
            else:
                self._loaded[locale] = self._load(locale)
        return self._loaded[locale]

    def _load(self, locale: str) -> NullTranslations:
        """Read a locale's .mo, or compile its .po in memory when the .mo is missing or older than the .po."""
        # .mo files are build output (git-ignored): a fresh checkout or a .po edited after
        # `flask translate compile` must not silently answer Spanish speakers in English.
        folder = self.locales_dir / locale / "LC_MESSAGES"
        po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
        if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
            with mo.open("rb") as fp:
                return Translations(fp, domain=DOMAIN)
        with po.open("rb") as fp:
            catalog = read_po(fp)  # lenient here: `flask translate check` is where bad entries fail
        return Translations(BytesIO(compile_catalog(catalog)), domain=DOMAIN)

    def translator(self, locale: str) -> Translator:
        """Return translate(context, source) for a locale; untranslated text falls back to English."""
        return Translator(self.translations(locale))


class Translator:
    """Translate one locale's texts: `t(context, source)`, and `t.plural(context, one, many, n)`."""

    def __init__(self, catalog: NullTranslations) -> None:
        self.catalog = catalog

    def __call__(self, context: str, source: str) -> str:
        return self.catalog.pgettext(context, source)

    def plural(self, context: str, singular: str, plural: str, count: int) -> str:
        return self.catalog.npgettext(context, singular, plural, count)
