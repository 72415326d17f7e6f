"""The texts staff send families from the dashboard, written in English here and translated in locales/.

Each is extracted into messages.pot with the context `staff_template.<name>`, so translators see
it next to the bot's own texts. Placeholders: {org_name}, {legal_help_phone}, {ref}.

On WhatsApp outside the family's 24-hour window each goes as an approved template (one per language),
whose variables {{1}}, {{2}}… are the placeholders in the order the English text first uses them
(`variables`): "received" is "{{1}}: we received your report {{2}}…".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from string import Formatter

Translate = Callable[[str, str], str]


def pgettext(context: str, message: str) -> str:
    """Mark a text for extraction with its context; translation happens when it is sent."""
    return message


TEMPLATES: dict[str, str] = {
    # Translators: sent by staff when they start on a report.
    "received": pgettext(
        "staff_template.received",
        "{org_name}: we received your report {ref}. Our team is working on it and will contact you.",
    ),
    # Translators: sent by staff when a lawyer is going to call the family.
    "lawyer_will_call": pgettext(
        "staff_template.lawyer_will_call",
        "{org_name}: a lawyer will call you soon about report {ref}. Please keep your phone on.",
    ),
    # Translators: sent by staff who need the family to call the hotline's office.
    "please_call": pgettext(
        "staff_template.please_call",
        "{org_name}: please call us at {legal_help_phone} about report {ref}.",
    ),
    # Translators: sent when a report is passed to senior lawyers.
    "escalated": pgettext(
        "staff_template.escalated",
        "{org_name}: your report {ref} has been passed to our senior legal team. We will contact you.",
    ),
    # Translators: sent when staff close a report.
    "closed": pgettext(
        "staff_template.closed",
        "{org_name}: we have closed your report {ref}. If you still need help, call {legal_help_phone}.",
    ),
}
# The text a status change sends when staff tick "text the family".
STATUS_TEMPLATES = {
    "in_review": "received",
    "lawyer_contacted": "lawyer_will_call",
    "escalated": "escalated",
    "closed": "closed",
}
# What the dashboard offers to send by hand.
MANUAL_TEMPLATES = ("received", "lawyer_will_call", "please_call")


def render(name: str, translate: Translate, values: dict[str, str]) -> str:
    """Return a template in the family's language (translate is the catalog's), placeholders filled."""
    return translate(f"staff_template.{name}", TEMPLATES[name]).format_map(values)


def variables(name: str) -> list[str]:
    """Return a template's placeholders in the order its English text first uses them: {{1}}, {{2}}…"""
    found: list[str] = []
    for _literal, field, _spec, _conversion in Formatter().parse(TEMPLATES[name]):
        if field and field not in found:
            found.append(field)
    return found


def content_variables(name: str, values: dict[str, str]) -> str:
    """Return a template's ContentVariables: JSON of {"1": first placeholder's value, "2": …}."""
    return json.dumps({str(n): values[field] for n, field in enumerate(variables(name), 1)}, ensure_ascii=False)
