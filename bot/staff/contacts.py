"""The numbers and links texters are given: what staff may set, how it is checked, what it costs in SMS."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import CONTACT_DEFAULTS, CONTENT_SID
from bot.core.segments import budget_for, count_segments
from bot.engine.texts import budgets, iter_texts, placeholders
from bot.hotline import Hotline
from bot.i18n.translate import filled_for_sms
from bot.staff import texts
from bot.staff.i18n import _
from bot.storage.contact_settings import WHATSAPP_TEMPLATE

PHONE = re.compile(r"^[0-9+()\-. ]{7,30}$")
URL = re.compile(r"^https://[^\s]{3,120}$")


@dataclass(frozen=True)
class Field:
    """One contact setting: its key (the configuration name), its label and a check of its value."""

    key: str
    label: str
    kind: str  # phone | url | name


FIELDS = (
    Field("ORG_NAME", _("Name the bot signs with"), "name"),
    Field("LEGAL_HELP_PHONE", _("Legal help phone (talk to a person)"), "phone"),
    Field("FAMILY_SUPPORT_PHONE", _("24-hour family support line"), "phone"),
    Field("ICE_LOCATOR_URL", _("ICE detainee locator link"), "url"),
)
assert {f.key for f in FIELDS} == set(CONTACT_DEFAULTS), "every contact setting has a field"


def problem_with(field: Field, value: str) -> str | None:
    """Return why a value cannot be used, or None when it can."""
    if not value or "\n" in value:
        return _("Type a value on one line.")
    if field.kind == "phone" and not PHONE.match(value):
        return _("A phone number has digits, spaces, +, (, ), - or dots only.")
    if field.kind == "url" and not URL.match(value):
        return _("A link starts with https:// and has no spaces.")
    if field.kind == "name" and len(value) > 40:
        return _("Keep the name under 40 characters: it is in many texts.")
    return None


def template_of(key: str, locales: list[str]) -> tuple[str, str] | None:
    """Return (template, locale) named by a `WHATSAPP_TEMPLATE.<template>.<locale>` key, or None."""
    name, _dot, locale = key.removeprefix(WHATSAPP_TEMPLATE).partition(".")
    if not key.startswith(WHATSAPP_TEMPLATE) or name not in texts.TEMPLATES or locale not in locales:
        return None
    return name, locale


def problem_with_sid(value: str) -> str | None:
    """Return why a value is not a Twilio Content SID, or None when it is one (or empty: removed)."""
    if value and not CONTENT_SID.match(value):
        return _("A Content SID is HX followed by 32 letters and digits (0-9, a-f), as Twilio shows it.")
    return None


def over_budget(hotline: Hotline, values: dict[str, str]) -> list[str]:
    """Return the texts (locale and context) that these values would push over the SMS budget."""
    found = []
    declared = budgets(hotline.flows)
    for context, source, _note in iter_texts(hotline.flows):
        for form in source if isinstance(source, tuple) else (source,):
            if not placeholders(form) & set(values):
                continue
            for locale in hotline.catalogs.available():
                filled = filled_for_sms(context, hotline.catalogs.translator(locale)(context, form), values)
                if filled is not None and count_segments(filled) > budget_for(declared.get(context)):
                    found.append(f"{locale}: {context}")
    return found
