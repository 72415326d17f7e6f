"""Read a phone number ('312 555 0100', '(312) 555-0100', '+52 55 1234 5678') as E.164, US by default."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumber, PhoneNumberFormat, PhoneNumberMatcher

from bot.answers.base import ParseContext, Parsed, fail
from bot.core.text import normalize

DEFAULT_REGION = "US"
_NOT_DIGITS = re.compile(r"\D")


def _valid(number: PhoneNumber) -> str | None:
    """Return the number in E.164 when it is a real one."""
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return None


def _international(digits: str) -> str | None:
    """Read digits typed without '+' or '011' as international ('52 55 1234 5678'), and Mexico's old '+52 1'."""
    for candidate in (digits, digits[2:] if digits.startswith("00") else None):
        if not candidate or len(candidate) < 11:
            continue
        try:
            number = phonenumbers.parse("+" + candidate, None)
        except phonenumbers.NumberParseException:
            continue
        found = _valid(number)
        if found:
            return found
        national = str(number.national_number)
        if number.country_code == 52 and national.startswith("1") and len(national) == 11:
            # Mexican mobiles were dialled '+52 1 ...' until 2019, and people still type it.
            return _valid(phonenumbers.parse(f"+52{national[1:]}", None))
    return None


def parse_phone(text: str, ctx: ParseContext) -> Parsed:
    """Read the first real phone number in the answer as E.164 ('+13125550100')."""
    if ctx.options.get("dont_know") and ctx.says("dont_know", text):
        return Parsed(ok=True, value="unknown")
    said = normalize(text)
    if ctx.sender and said in ctx.words.get("same", []):  # 'same', 'this number': the phone texting us
        return Parsed(ok=True, value=ctx.sender)
    region = str(ctx.options.get("region", DEFAULT_REGION))
    for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
        return Parsed(ok=True, value=phonenumbers.format_number(match.number, PhoneNumberFormat.E164))
    found = _international(_NOT_DIGITS.sub("", text)) if not re.search(r"[^\W\d_]", said) else None
    return Parsed(ok=True, value=found) if found else fail()
