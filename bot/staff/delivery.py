"""Why a text to a family did not go, in words staff can act on: Twilio's WhatsApp window and template errors."""

from __future__ import annotations

from bot.staff.i18n import _

_NOT_ON_WHATSAPP = _("This number cannot get WhatsApp messages (not on WhatsApp, or no longer): call or text by SMS.")
_NOT_ACCEPTED = _("WhatsApp did not accept this message (its policy or format): check the template in Twilio.")

EXPLANATIONS: dict[int, str] = {
    63003: _NOT_ON_WHATSAPP,
    63005: _NOT_ACCEPTED,
    63013: _NOT_ACCEPTED,
    63014: _("The family blocked the hotline on WhatsApp: call them, or wait for them to write."),
    63016: _(
        "WhatsApp refused it: the family's last message is more than 24 hours old, so only an approved template "
        "reaches them. Send a template, or wait for them to write again."
    ),
    63018: _("The hotline's WhatsApp number reached its sending limit for now: WhatsApp refused the text."),
    63021: _("WhatsApp refused the content (for example a template over 1,024 characters)."),
    63024: _NOT_ON_WHATSAPP,
    63027: _(
        "WhatsApp has no approved template for this Content SID in the family's language: check the SID on the "
        "Contacts page and the template's approval in Twilio."
    ),
    63028: _(
        "The variables sent do not match the approved template: it must use the placeholders the Contacts page "
        "lists, in that order."
    ),
    63029: _("WhatsApp refused a value of the template's variables (too long, or not allowed there)."),
    63030: _NOT_ACCEPTED,
    63032: _("WhatsApp chose not to deliver to this user (its own limits for this number): call or text by SMS."),
    21610: _("The number opted out (STOP): it gets no texts until it sends START."),
}


def explain(code: int | None) -> str | None:
    """Return what a Twilio error code means for staff, or None when there is no explanation for it."""
    return EXPLANATIONS.get(code) if code is not None else None
