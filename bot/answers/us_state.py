"""Read a US state or territory ('il', 'Illinois', 'Nueva York', '伊利诺伊州', 'Chicago IL') as its USPS code.

The names in every language, the codes that are also words, and the places whose state is known are
data a translator can read: locales/us_states.yaml.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.answers.base import ParseContext, Parsed, fail
from bot.answers.fuzzy import closest
from bot.core.text import is_unspaced, normalize

DATA_FILE = Path(__file__).resolve().parents[2] / "locales" / "us_states.yaml"
CONFIRM = "confirm_state"  # the system message that reads a guessed state back for a YES

MIN_NAME_INSIDE = 4  # a state's name this long or longer counts inside a longer answer ('no es illinois')


@cache
def _data() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


@cache
def state_names() -> dict[str, dict[str, tuple[str, ...]]]:
    """USPS code -> language -> names as written (the first is how it reads back)."""
    return {code: {lang: tuple(names) for lang, names in langs.items()} for code, langs in _data()["states"].items()}


@cache
def _candidates() -> dict[str, list[str]]:
    """USPS code -> every normalised name in every language (a name means its state whoever types it)."""
    return {
        code: list(dict.fromkeys(normalize(name) for names in langs.values() for name in names))
        for code, langs in state_names().items()
    }


@cache
def _exact() -> dict[str, str]:
    found = {code.lower(): code for code in state_names()}
    for code, names in _candidates().items():
        found.update({name: code for name in names})
        found.update({name.replace(" ", ""): code for name in names})  # 'newyork', 'd c'
    return found


@cache
def _word_codes() -> frozenset[str]:
    return frozenset(_data()["word_codes"])


@cache
def _places() -> dict[str, str]:
    return {normalize(place): code for code, places in _data()["places"].items() for place in places}


@cache
def _prefixes(locale: str) -> tuple[str, ...]:
    """Words before a state's name in a language and in English ('en el estado de', 'in'), longest first."""
    given = _data().get("prefixes", {})
    words = {normalize(word) for lang in ("en", locale) for word in given.get(lang, ())}
    return tuple(sorted(words, key=len, reverse=True))


def _without_prefix(said: str, locale: str) -> str:
    """'en el estado de illinois' -> 'illinois', '在伊利诺伊州' -> '伊利诺伊州': the name, once its lead-in is gone."""
    for prefix in _prefixes(locale):
        if is_unspaced(prefix) and said.startswith(prefix) and len(said) > len(prefix):
            return said[len(prefix) :]
        if said.startswith(f"{prefix} "):
            return said[len(prefix) + 1 :]
    return said


@cache
def _inside_names() -> dict[str, str]:
    """Normalised state names and places that count inside a longer answer -> their state's code."""
    names = {name: code for code, found in _candidates().items() for name in found if len(name) >= MIN_NAME_INSIDE}
    return names | _places()


def _named_inside(said: str) -> str | None:
    """The one state a longer answer names, by a state's name or a place ('the jail in broadview'), else None."""
    padded = f" {said} "
    found = {
        code for name, code in _inside_names().items() if (name in said if is_unspaced(name) else f" {name} " in padded)
    }
    return found.pop() if len(found) == 1 else None


def parse_us_state(text: str, ctx: ParseContext) -> Parsed:
    """Read a state by code or name in any language, forgiving a slip or two in a name; guesses are read back."""
    if ctx.options.get("dont_know") and ctx.says("dont_know", text):
        return Parsed(ok=True, value="unknown")
    said = _without_prefix(normalize(text), ctx.locale)  # 'in Illinois', 'en el estado de Illinois', '在…'
    if said in _word_codes():  # 'wi' is yes in Kreyòl, 'la' may be Los Angeles: ask, never guess
        return Parsed(ok=True, value=said.upper(), confirm=CONFIRM)
    code = _exact().get(said) or _exact().get(said.replace(" ", "")) or _city_and_code(said)
    if code:
        return Parsed(ok=True, value=code)
    place = _places().get(said)
    if place:  # 'Chicago', 'Cook County Jail': the state they are in, read back for a YES
        return Parsed(ok=True, value=place, confirm=CONFIRM)
    code = closest(said, _candidates())
    if code:
        return Parsed(ok=True, value=code)
    code = _named_inside(said)  # 'hes at cook county jail', 'no es illinois': read back, never kept unasked
    return Parsed(ok=True, value=code, confirm=CONFIRM) if code else fail()


def _city_and_code(said: str) -> str | None:
    """'chicago il', 'chicago, illinois', 'joliet il usa': a place followed by its state's code or name.

    A code that is also a word ('lajol la') counts only after a known place; a 'place' that itself
    names a state ('illinois or indiana') is no place.
    """
    words = said.removesuffix(" usa").split(" ")
    for cut in range(len(words) - 1, 0, -1):
        place, state = " ".join(words[:cut]), " ".join(words[cut:])
        code = _exact().get(state)
        if not code or _places().get(place) not in (code, None):
            continue
        if _places().get(place) is None and (state in _word_codes() or _names_a_state(place)):
            continue
        return code
    return None


def _names_a_state(place: str) -> bool:
    """Whether any word of a supposed place is a state's code or name ('illinois or' in 'illinois or indiana')."""
    return any(word in _exact() for word in place.split(" ")) or place in _exact()


def state_zone(code: str) -> str | None:
    """The time zone most of a state's jails keep ('CA' -> America/Los_Angeles), or None when not known."""
    return _data().get("zones", {}).get(code)


def display_name(code: str, locale: str) -> str | None:
    """How a state reads back in a language: its first name there, else English's."""
    langs = state_names().get(code)
    if not langs:
        return None
    return (langs.get(locale) or langs["en"])[0]
