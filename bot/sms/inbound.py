"""Turn Twilio's webhook form fields into an Inbound value."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.inbound import Inbound

MAX_MEDIA = 10
WHATSAPP_PREFIX = "whatsapp:"


def inbound_from_form(form: Mapping[str, str]) -> Inbound | None:
    """Read MessageSid, From, Body, media and OptOutType; None when the required fields are missing."""
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()
    sender = (form.get("From") or "").strip()
    if not sid or not sender or len(sid) > 64 or len(sender) > 64:
        return None
    channel = "whatsapp" if sender.lower().startswith(WHATSAPP_PREFIX) else "sms"
    try:
        count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        count = 0
    media = tuple(
        (form[f"MediaUrl{i}"], form.get(f"MediaContentType{i}", "")) for i in range(count) if form.get(f"MediaUrl{i}")
    )
    return Inbound(
        sid=sid,
        address=sender,
        channel=channel,
        body=form.get("Body") or "",
        media=media,
        opt_out_type=(form.get("OptOutType") or None),
        from_state=(form.get("FromState") or None),
    )
