"""Write in GSM-7 where a language allows it: the fold tables of locales/gsm7.yaml and SMS_GSM7_LOCALES."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.core.segments import is_gsm7

FOLD_FILE = "gsm7.yaml"
DEFAULT, NONE = "default", "none"  # SMS_GSM7_LOCALES words: the tables marked `default: true`; no folding

Fold = Callable[[str], str]


class FoldError(ValueError):
    """locales/gsm7.yaml or SMS_GSM7_LOCALES is wrong."""


def load_tables(locales_dir: str | Path) -> dict[str, dict[str, Any]]:
    """Read locales/gsm7.yaml: locale -> {fold, default}; a folder without the file folds nothing."""
    path = Path(locales_dir) / FOLD_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if data.get("format") != 1:
        raise FoldError(f"{path}: format must be 1")
    typography = {str(k): str(v) for k, v in (data.get("typography") or {}).items()}
    tables: dict[str, dict[str, Any]] = {}
    for locale, raw in (data.get("locales") or {}).items():
        fold = typography | {str(k): str(v) for k, v in (raw.get("fold") or {}).items()}
        for letter, into in fold.items():
            if len(letter) != 1 or not is_gsm7(into):
                raise FoldError(f"{path}: {locale}: {letter!r} -> {into!r} must fold one letter into GSM-7")
            if is_gsm7(letter):
                raise FoldError(f"{path}: {locale}: {letter!r} is GSM-7 already; folding it loses meaning for nothing")
        tables[str(locale)] = {"fold": fold, "default": bool(raw.get("default"))}
    return tables


def chosen_locales(setting: Iterable[str], tables: dict[str, dict[str, Any]]) -> list[str]:
    """The locales SMS_GSM7_LOCALES turns folding on for: `default`, `none`, or locale codes with a table."""
    chosen: list[str] = []
    for word in setting:
        if word == NONE:
            continue
        if word == DEFAULT:
            chosen += [locale for locale, table in tables.items() if table["default"]]
        elif word in tables:
            chosen.append(word)
        else:
            known = ", ".join(sorted(tables)) or "none"
            raise FoldError(f"SMS_GSM7_LOCALES: {word!r} has no fold table in locales/{FOLD_FILE} (tables: {known})")
    return sorted(set(chosen))


def folds(locales_dir: str | Path, setting: Iterable[str] = (DEFAULT,)) -> dict[str, Fold]:
    """Return locale -> fold(text) for every locale SMS_GSM7_LOCALES chooses."""
    tables = load_tables(locales_dir)
    return {locale: _folder(tables[locale]["fold"]) for locale in chosen_locales(setting, tables)}


def _folder(table: dict[str, str]) -> Fold:
    """A function that folds one text by a table."""
    mapping = str.maketrans(table)

    def fold(text: str) -> str:
        return text.translate(mapping)

    return fold
