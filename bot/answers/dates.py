"""Read a calendar date ('yesterday', '11/25', '25 de noviembre', '3/4/1990') in the texter's language.

Numeric dates are read here (month first in English, day first elsewhere, the other way round when
that is the only valid reading); words go to dateparser. Dates without a year are the latest one
not after today, unless the question says `prefer: future`. Options: `past_only` (a date of birth,
an arrest date) turns a future date into a specific hint and two-digit years into the past.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateparser.data.languages_info import language_order
from dateparser.date import DateDataParser
from dateparser.languages.loader import default_loader
from rapidfuzz.distance import OSA

from bot.answers.base import ParseContext, Parsed, fail
from bot.answers.clock import BadClock, read_clock, rest_readings, take_approximately, trim_edges
from bot.answers.day_parts import aliases, day_of_month_pattern, numerals_to_digits, read_part, word_list
from bot.answers.fuzzy import closest
from bot.core.text import APOSTROPHES, fold_digits, is_unspaced

OLDEST_YEAR = 1900
YEARS_AHEAD = 10

_LANGUAGE_ALIASES = {"ht": ("fr",)}  # plus English, always; Kreyòl's own words are aliases (date_words.yaml)
_DATE_ORDER = {"ht": "DMY"}

_NUMERIC = re.compile(r"(\d{1,4})(?:\s*[/.\-]\s*|\s+)(\d{1,2})(?:(?:\s*[/.\-]\s*|\s+)('?\d{1,2}|\d{4}))?")
_CHINESE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?")
_ONLY_NUMBERS = re.compile(r"[\d\s/.\-']+")
# A lone word of one or two letters is not a date ('mi', 'so'), though dateparser reads weekdays in them.
_SHORT_WORD = re.compile(r"[a-z]{1,2}")
# Yes/no words that are also weekday abbreviations, besides the translated answer words: Polish 'nie' (Sunday).
_NOT_DATES = frozenset({"nie"})
_TRAILING_MARKS = re.compile(r"[\s.,;:!?]+$")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+")
_ACCEPTED_PERIODS = {"day", "time"}


@dataclass(frozen=True)
class Day:
    """A date read from an answer, whether its year was typed with two digits, and whether it was typed at all."""

    value: date
    short_year: bool = False
    year_typed: bool = False


def local_now(ctx: ParseContext) -> datetime:
    """Return the context's 'now' as an aware datetime in the hotline's time zone."""
    now = ctx.now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(ZoneInfo(ctx.timezone))


def clean(text: str) -> str:
    """Fold case and Latin accents, make digits (and number characters) ASCII, keep the date marks ('/', ':', '.')."""
    out = []
    for ch in fold_digits(text.casefold()):
        if ch == "ł":
            out.append("l")
        elif ch in APOSTROPHES:
            out.append(" ")
        elif "LATIN" in unicodedata.name(ch, ""):
            out.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
        else:
            out.append(ch)
    folded = "".join(out)
    folded = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", folded)  # 'apres-midi' -> 'apres midi'
    folded = numerals_to_digits(folded)  # '十一月二十八日' -> '11月28日'
    return _TRAILING_MARKS.sub("", _SPACES.sub(" ", folded)).strip()


def language_of(locale: str) -> str:
    """Return the texter's language code ('pt_BR' -> 'pt', 'zh_Hans' -> 'zh')."""
    return locale.replace("-", "_").split("_", 1)[0].lower()


@lru_cache(maxsize=64)
def dateparser_languages(locale: str) -> tuple[str, ...]:
    """Return the dateparser languages to try for a locale: its own (when dateparser knows it), then English."""
    lang = language_of(locale)
    own = _LANGUAGE_ALIASES.get(lang, (lang,) if lang in language_order else ())
    return tuple(dict.fromkeys((*own, "en")))


@lru_cache(maxsize=64)
def date_order(locale: str) -> str:
    """Return how the texter writes numeric dates: 'MDY' in English, 'DMY' in most other languages."""
    lang = language_of(locale)
    if lang in _DATE_ORDER:
        return _DATE_ORDER[lang]
    first = dateparser_languages(locale)[0]
    return str(default_loader.get_locale(first).info.get("date_order", "MDY"))


@lru_cache(maxsize=64)
def _vocabulary(languages: tuple[str, ...]) -> dict[str, list[str]]:
    """Collect month, weekday and relative words by meaning ('november': 'november', 'noviembre'), folded."""
    meanings: dict[str, set[str]] = {}
    loose: set[str] = set()
    for lang in languages:
        info = default_loader.get_locale(lang).info
        for key, value in info.items():
            if key in {"name", "date_order", "skip", "pertain", "sentence_splitter_group", "simplifications"}:
                continue
            entries = value.items() if isinstance(value, dict) else [(key, value)]
            for meaning, phrases in entries:
                if not isinstance(phrases, list):
                    continue
                for phrase in phrases:
                    words = _WORD.findall(clean(phrase)) if isinstance(phrase, str) else []
                    if len(words) == 1:
                        meanings.setdefault(str(meaning), set()).add(words[0])
                    else:  # 'day before yesterday': each word stands for itself
                        loose.update(words)
    single = {word for words in meanings.values() for word in words}
    meanings.update({word: {word} for word in loose - single})
    return {meaning: sorted(w for w in words if len(w) >= 4) for meaning, words in meanings.items()}


@lru_cache(maxsize=64)
def _known_words(languages: tuple[str, ...]) -> frozenset[str]:
    """Return every word of the vocabulary, to leave correct words alone."""
    return frozenset(word for words in _vocabulary(languages).values() for word in words)


def _fix_typos(said: str, languages: tuple[str, ...]) -> str:
    """Replace each unknown word that is a slip away from exactly one date word ('yesterdy', 'novimbre')."""
    vocabulary = _vocabulary(languages)
    known = _known_words(languages)

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        meaning = None if word in known else closest(word, vocabulary)
        if meaning is None:
            return word
        return min(vocabulary[meaning], key=lambda candidate: OSA.distance(word, candidate))

    return _WORD.sub(fix, said)


def translate(said: str, locale: str) -> str:
    """Swap the words dateparser does not know for ones it does (Kreyòl, Mexican Spanish, Levantine Arabic)."""
    table = aliases(language_of(locale))
    for phrase in sorted(table, key=len, reverse=True):
        bounded = re.escape(phrase) if is_unspaced(phrase) else rf"(?<!\w){re.escape(phrase)}(?!\w)"
        said = re.sub(bounded, table[phrase], said)
    return said


def _year_for(month: int, day: int, today: date, prefer_future: bool) -> date | None:
    """Return the month and day in the latest year not after today (or the first not before it)."""
    step = 1 if prefer_future else -1
    for offset in (0, step, 2 * step, 3 * step, 4 * step):  # four years reach the next 29 February
        try:
            found = date(today.year + offset, month, day)
        except ValueError:
            continue
        if (found >= today) if prefer_future else (found <= today):
            return found
    return None


def _full_year(typed: str, today: date) -> tuple[int, bool]:
    """Return a typed year as four digits ('90' -> 1990, '26' -> 2026) and whether it had two."""
    digits = typed.lstrip("'")
    if len(digits) == 4:
        return int(digits), False
    year = 2000 + int(digits)
    return (year if year <= today.year + 1 else year - 100), True


def _numeric(said: str, order: str, today: date, prefer_future: bool) -> Day | None:
    """Read '11/25', '3/4/1990', '25.11.2026', '2026-11-25' or '11月25日'."""
    chinese = _CHINESE.fullmatch(said)
    if chinese:
        year, month, day = chinese.groups()
        parts = [(int(month), int(day))]
        typed_year = year
    else:
        numeric = _NUMERIC.fullmatch(said)
        if not numeric:
            return None
        first, second, typed_year = numeric.groups()
        if len(first) == 4:  # ISO order, whatever the language
            if typed_year is None or len(typed_year.lstrip("'")) == 4:
                return None
            typed_year, first, second = first, second, typed_year.lstrip("'")
            parts = [(int(first), int(second))]
        elif len(first) > 2 or (typed_year is not None and len(typed_year.lstrip("'")) == 1):
            return None
        else:
            month_first = (int(first), int(second))
            day_first = (int(second), int(first))
            parts = [month_first, day_first] if order.index("M") < order.index("D") else [day_first, month_first]
    for month, day in parts:
        if typed_year is None:
            found = _year_for(month, day, today, prefer_future) if 1 <= month <= 12 else None
            if found:
                return Day(found)
            continue
        year, short = _full_year(typed_year, today)
        try:
            return Day(date(year, month, day), short_year=short, year_typed=True)
        except ValueError:
            continue
    return None


def _with_dateparser(
    said: str, languages: tuple[str, ...], order: str, now: datetime, prefer_future: bool
) -> Day | None:
    """Read a date in words with dateparser, relative to the hotline's local 'now'."""
    if _ONLY_NUMBERS.fullmatch(said) or _SHORT_WORD.fullmatch(said):
        return None  # '25', '13/25', 'mi': dateparser would guess a month, a day or a weekday
    parser = DateDataParser(
        languages=list(languages),
        settings={
            # A naive local 'now': dateparser then does day arithmetic in local days, and we attach the zone.
            "RELATIVE_BASE": now.replace(tzinfo=None),
            "PREFER_DATES_FROM": "future" if prefer_future else "past",
            "DATE_ORDER": order,
            "RETURN_TIME_AS_PERIOD": True,
        },
    )
    data = parser.get_date_data(said)
    if data.date_obj is None or data.period not in _ACCEPTED_PERIODS:
        return None  # 'march 1990' or 'last week' is not one day
    found = data.date_obj
    if found.tzinfo is not None:  # the text named a zone ('3pm EST'): read the date in ours
        found = found.astimezone(now.tzinfo)
    four = bool(re.search(r"\d{4}", said))
    short = not four and bool(re.search(rf"(?<!\d)'?{found.year % 100:02d}$", said))
    return Day(found.date(), short_year=short, year_typed=four or short)


@lru_cache(maxsize=1)
def _leading_words() -> re.Pattern[str]:
    words = "|".join(re.escape(word) for word in sorted(word_list("leading_words"), key=len, reverse=True))
    return re.compile(rf"^(?:(?:{words})\s+)+")


@lru_cache(maxsize=1)
def _ordinal_suffix() -> re.Pattern[str]:
    ordinals = "|".join(re.escape(word) for word in sorted(word_list("ordinals"), key=len, reverse=True))
    return re.compile(rf"(?<!\d)(\d{{1,2}})-?(?:{ordinals})(?!\w)")


def _attempts(said: str, languages: tuple[str, ...]) -> Iterator[str]:
    """Yield the answer as typed, without a leading 'on'/'el' or ordinal marks ('1º'), then with typos fixed."""
    bare = _leading_words().sub("", said)
    plain = list(dict.fromkeys([said, bare, _ordinal_suffix().sub(r"\1", bare)]))
    yield from plain
    for attempt in plain:
        fixed = _fix_typos(attempt, languages)
        if fixed not in plain:
            yield fixed


def read_day(said: str, ctx: ParseContext, now: datetime) -> Day | None:
    """Return the day a cleaned answer names, relative to the local `now`, or None."""
    if not said or said in _NOT_DATES or any(ctx.says(name, said) for name in ("yes", "no", "dont_know")):
        return None
    prefer_future = ctx.options.get("prefer") == "future"
    order = date_order(ctx.locale)
    languages = dateparser_languages(ctx.locale)
    said = translate(said, ctx.locale)
    today = now.date()
    of_month = _day_of_month(said, today, prefer_future)
    if of_month:
        return of_month
    named = _weekday_and_date(said, ctx, now)
    if named is not None:
        return named or None
    for attempt in _attempts(said, languages):
        day = _numeric(attempt, order, today, prefer_future) or _with_dateparser(
            attempt, languages, order, now, prefer_future
        )
        if day and OLDEST_YEAR <= day.value.year <= today.year + YEARS_AHEAD:
            return day
    return None


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday_and_date(said: str, ctx: ParseContext, now: datetime) -> Day | bool | None:
    """'monday the 30th', 'le vendredi 27', 'sabado 28': the date, if it falls on that weekday.

    None when the answer is not a weekday before a date; False when the date is not on that weekday
    (the texter is asked again rather than one of the two believed).
    """
    first, _, rest = _leading_words().sub("", said).partition(" ")
    first = first.rstrip(",")
    if not rest:
        return None
    vocabulary = _vocabulary(dateparser_languages(ctx.locale))
    weekday = next((number for number, name in enumerate(_WEEKDAYS) if first in vocabulary.get(name, ())), None)
    if weekday is None:
        return None
    rest = rest.strip(", ")
    # A number after a weekday is its day of the month ('sabado 28').
    day = _day_of_month(rest, now.date(), False, bare=True) if rest.isdigit() else read_day(rest, ctx, now)
    if day is None:
        return None
    return day if day.value.weekday() == weekday else False


def _day_of_month(said: str, today: date, prefer_future: bool, *, bare: bool = False) -> Day | None:
    """'the 28th', 'el 28', 'le 28', '28号': the latest such day not after today (or the next, preferring the future).

    A bare '28' is not read this way (without 'the' or 'th' it may be anything), unless `bare` says
    it follows a weekday.
    """
    match = day_of_month_pattern().fullmatch(said)
    if not match or (match.group(0) == match.group("day") and not bare):
        return None
    number, step = int(match.group("day")), 1 if prefer_future else -1
    month = date(today.year, today.month, 1)
    for _ in range(3):  # the 31st may be two months back
        try:
            found = month.replace(day=number)
        except ValueError:
            found = None
        if found and ((found >= today) if prefer_future else (found <= today)):
            return Day(found)
        month = (
            (month + timedelta(days=32 * step)).replace(day=1)
            if step > 0
            else (month - timedelta(days=1)).replace(day=1)
        )
    return None


def parse_date(text: str, ctx: ParseContext) -> Parsed:
    """Read a calendar date as 'YYYY-MM-DD', in the texter's language and the hotline's time zone."""
    if ctx.options.get("dont_know") and ctx.says("dont_know", text):
        return Parsed(ok=True, value="unknown")
    now = local_now(ctx)
    said = clean(text)
    day = _day_said(said, ctx, now)
    if day is None:
        return fail()  # the question's own hint says what kind of date, and whether SKIP works
    found = day.value
    if ctx.options.get("past_only"):
        if found > now.date():
            if not day.short_year:
                return fail("date_future_hint")
            found = found.replace(year=found.year - 100)  # '3/4/30' on a birth date is 1930
        elif not day.year_typed and _nearer_ahead(found, now.date()):
            return fail("date_future_hint")  # '12/5' said on 2 December: this year's, still to come
    return Parsed(ok=True, value=found.isoformat())


def _day_said(said: str, ctx: ParseContext, now: datetime) -> Day | None:
    """The day an answer names, whatever time or part of the day comes with it ('ayer como a las 3', 'hier soir')."""
    if read_part(said)[0] is None:  # with a part of the day, the rest is read alone ('manha' is no 'amanha')
        day = read_day(said, ctx, now)
        if day is not None:
            return day
    try:
        clock, rest = read_clock(said)
    except BadClock:
        return None
    part, rest = read_part(rest)
    if clock is None and part is None:
        return None
    rest = take_approximately(rest)[1]
    if trim_edges(rest):
        return next(filter(None, (read_day(text, ctx, now) for text in rest_readings(rest))), None)
    if part is not None:  # 'last night', 'anoche', 'this morning': the day it names
        return Day(now.date() - timedelta(days=part.days_back))
    return None  # 'at 8' says no day


def _nearer_ahead(found: date, today: date) -> bool:
    """Whether a date typed without a year, read as last year's, falls nearer ahead this year than behind."""
    if found.year >= today.year:
        return False
    try:
        ahead = found.replace(year=today.year)
    except ValueError:  # 29 February
        return False
    return today < ahead and (ahead - today) < (today - found)
