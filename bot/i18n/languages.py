"""The languages the hotline speaks (locales/languages.yaml), and guessing a new texter's language."""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.text import normalize, split_words

REGISTRY_FILE = "languages.yaml"
# lingua's names for our locales; Haitian Creole has none and is found by its words alone.
LINGUA_NAMES = {
    "en": "ENGLISH",
    "es": "SPANISH",
    "pl": "POLISH",
    "zh_Hans": "CHINESE",
    "ar": "ARABIC",
    "fr": "FRENCH",
    "pt_BR": "PORTUGUESE",
}
SCRIPTS = {"CJK": "zh_Hans", "ARABIC": "ar"}
MIN_CONFIDENCE = 0.75  # lingua's confidence needed when no word decides
MIN_LETTERS = 8  # lingua guesses poorly below this many letters


@dataclass(frozen=True)
class Language:
    """One language: its code, its own name, the words that pick it, and whether it was reviewed."""

    code: str
    name: str
    words: tuple[str, ...]
    reviewed: bool
    detect: frozenset[str]


@dataclass(frozen=True)
class Languages:
    """The registry: languages in menu order, and the multilingual menu header."""

    by_code: dict[str, Language]
    menu_header: str

    @property
    def codes(self) -> list[str]:
        return list(self.by_code)

    def only(self, codes: list[str]) -> Languages:
        """Return the registry limited to these codes (the ones with a catalog), in registry order."""
        return Languages({c: lang for c, lang in self.by_code.items() if c in codes}, self.menu_header)

    def pick(self, text: str) -> str | None:
        """Return the code of the language a whole text names ('Español', 'kreyol', '中文'), if any."""
        said = normalize(text)
        for language in self.by_code.values():
            if said and said in language.words:
                return language.code
        return None

    def named(self, text: str) -> str | None:
        """Return the code of the language whose own name the whole text is ('Español', 'francais', '中文')."""
        said = normalize(text)
        for language in self.by_code.values():
            if said and said == normalize(language.name):
                return language.code
        return None

    def menu(self) -> str:
        """The compact language menu: 'Language / Idioma…:' then '1 English', '2 Español'…"""
        lines = [f"{n} {lang.name}" for n, lang in enumerate(self.by_code.values(), start=1)]
        return "\n".join([self.menu_header, *lines])

    def by_number(self, text: str) -> str | None:
        """Return the code for a menu number ('2' -> 'es')."""
        said = normalize(text)
        if said.isdigit() and 1 <= int(said) <= len(self.by_code):
            return list(self.by_code)[int(said) - 1]
        return None


ENGLISH_ONLY: dict[str, Any] = {"languages": {"en": {"name": "English", "reviewed": True}}}


def load_languages(locales_dir: str | Path) -> Languages:
    """Read locales/languages.yaml (a locales/ without one speaks English only)."""
    path = Path(locales_dir) / REGISTRY_FILE
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else ENGLISH_ONLY
    by_code = {}
    for code, raw in data["languages"].items():
        by_code[code] = Language(
            code=code,
            name=str(raw["name"]),
            words=tuple(split_words(str(raw.get("words", ""))) + split_words(str(raw["name"]))),
            reviewed=bool(raw.get("reviewed", False)),
            detect=frozenset(split_words(str(raw.get("detect", "")))),
        )
    return Languages(by_code=by_code, menu_header=str(data.get("menu_header", "Language:")))


class Detector:
    """Guess the language of a first text: script, then telling words, then lingua (low-accuracy mode)."""

    def __init__(self, languages: Languages) -> None:
        self.languages = languages
        self._lingua: Any = None
        self._lock = threading.Lock()

    def detect(self, text: str) -> str | None:
        """Return a locale when the text says clearly which language it is in, else None."""
        by_script = _script(text)
        if by_script:
            return by_script
        said = normalize(text)
        letters = sum(ch.isalpha() for ch in said)
        if not letters:
            return None
        by_words = self._by_words(said)
        if by_words:
            return by_words
        if letters < MIN_LETTERS:
            return None
        return self._by_lingua(said)

    def _by_words(self, said: str) -> str | None:
        words = said.split()
        phrases = set(words) | {" ".join(words[i : i + 2]) for i in range(len(words) - 1)}
        phrases |= {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}
        scores = {code: len(phrases & lang.detect) for code, lang in self.languages.by_code.items()}
        best = max(scores.values(), default=0)
        winners = [code for code, score in scores.items() if score == best]
        return winners[0] if best and len(winners) == 1 else None

    def _by_lingua(self, said: str) -> str | None:
        detector = self._detector()
        values = detector.compute_language_confidence_values(said)
        if not values or values[0].value < MIN_CONFIDENCE:
            return None
        name = values[0].language.name
        return next((code for code, lingua in LINGUA_NAMES.items() if lingua == name), None)

    def _detector(self) -> Any:
        """Build lingua's detector once per process, for our languages only (about 22 MB)."""
        with self._lock:
            if self._lingua is None:
                from lingua import Language as LinguaLanguage
                from lingua import LanguageDetectorBuilder

                wanted = [getattr(LinguaLanguage, LINGUA_NAMES[c]) for c in self.languages.codes if c in LINGUA_NAMES]
                self._lingua = LanguageDetectorBuilder.from_languages(*wanted).with_low_accuracy_mode().build()
            return self._lingua


def _script(text: str) -> str | None:
    """Chinese characters or Arabic letters settle the question on their own."""
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            for script, code in SCRIPTS.items():
                if name.startswith(script):
                    return code
    return None
