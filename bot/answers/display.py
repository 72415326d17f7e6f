"""Read answers back to the texter in their language: dates, times, numbers, states."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time

from bot.answers.us_state import display_name
from bot.engine.parsing import Display

SHORT_TEXT = 20


# CLDR has no date words for Haitian Creole; Haiti's French ones are what people read there.
DATE_LOCALE_FALLBACKS = {"ht": "fr_HT"}
# CLDR puts narrow no-break spaces in times; a plain space keeps a text in cheap GSM-7.
_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def babel_locale(locale: str) -> Locale:
    """Return a Babel locale, falling back to English for a code Babel does not know."""
    try:
        return Locale.parse(DATE_LOCALE_FALLBACKS.get(locale, locale))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def show_date(value: Any, locale: str, timezone: str) -> str:
    """'1990-03-04' -> 'Mar 4, 1990' (in the texter's locale)."""
    return format_date(date.fromisoformat(str(value)), format="medium", locale=babel_locale(locale)).translate(_SPACES)


def show_datetime(value: Any, locale: str, timezone: str) -> str:
    """A moment in the hotline's time zone: 'Tue, Nov 25, 8:00 PM'; a date alone stays a date."""
    data = value if isinstance(value, dict) else {"at": value}
    moment = datetime.fromisoformat(str(data["at"]))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))  # a time read in the jail's zone reads back in it
    if data.get("date_only"):
        return format_date(moment.date(), format="medium", locale=babel_locale(locale)).translate(_SPACES)
    where = babel_locale(locale)
    day = format_skeleton("MMMEd", moment, locale=where)
    hour = format_time(moment, format="short", locale=where)
    return str(where.datetime_formats["medium"]).format(hour, day).replace("'", "").translate(_SPACES)


def show_phone(value: Any, locale: str, timezone: str) -> str:
    """'+13125550100' -> '(312) 555-0100'; foreign numbers in international format."""
    try:
        number = phonenumbers.parse(str(value), None)
    except phonenumbers.NumberParseException:
        return str(value)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 1 else None
    return phonenumbers.format_number(number, style or phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def show_a_number(value: Any, locale: str, timezone: str) -> str:
    """'012345678' -> 'A012-345-678'."""
    digits = str(value)
    return f"A{digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 9 else digits


def show_text(value: Any, locale: str, timezone: str) -> str:
    """Free text, shortened so a summary stays within its SMS budget."""
    text = str(value)
    return text if len(text) <= SHORT_TEXT else text[: SHORT_TEXT - 3].rstrip() + "..."


def show_state(value: Any, locale: str, timezone: str) -> str:
    """'IL' -> 'Illinois' (伊利诺伊州 in Chinese, Ilinwa in Kreyòl)."""
    return display_name(str(value), locale) or str(value)


DISPLAYS: dict[str, Display] = {
    "date": show_date,
    "datetime": show_datetime,
    "release_time": show_datetime,
    "phone": show_phone,
    "callback": show_phone,
    "a_number": show_a_number,
    "text": show_text,
    "us_state": show_state,
}
