"""One text as Twilio delivered it: the value the webhook, the journal and the hotline pass along."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Inbound:
    """One text as Twilio delivered it, reduced to what the hotline uses."""

    sid: str
    address: str  # "+13125550100" or "whatsapp:+13125550100"
    channel: str  # "sms" or "whatsapp"
    body: str
    media: tuple[tuple[str, str], ...] = ()  # (url, content type)
    opt_out_type: str | None = None
    from_state: str | None = None
    button: str | None = None  # WhatsApp: the id of the button or list item tapped (the body is its title)
