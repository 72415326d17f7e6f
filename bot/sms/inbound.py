"""Turn Twilio's webhook form fields into an Inbound value."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.inbound import Inbound
from bot.core.text import storable

MAX_MEDIA = 10
MAX_BUTTON_ID = 200  # Twilio's longest list item id
WHATSAPP_PREFIX = "whatsapp:"


def inbound_from_form(form: Mapping[str, str]) -> Inbound | None:
    """Read MessageSid, From, Body, media, OptOutType and a tapped WhatsApp choice; None without the required fields."""
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()
    sender = (form.get("From") or "").strip()
    if not sid or not sender or len(sid) > 64 or len(sender) > 64:
        return None
    if not (sid.isascii() and sid.isprintable() and sender.isascii() and sender.isprintable()):
        return None  # Twilio's identifiers and addresses are printable ASCII; anything else is not from Twilio
    channel = "whatsapp" if sender.lower().startswith(WHATSAPP_PREFIX) else "sms"
    try:
        count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        count = 0
    media = tuple(
        (storable(form[f"MediaUrl{i}"])[:2000], storable(form.get(f"MediaContentType{i}", ""))[:100])
        for i in range(max(count, 0))
        if form.get(f"MediaUrl{i}")
    )
    return Inbound(
        sid=sid,
        address=sender,
        channel=channel,
        body=form.get("Body") or "",  # kept exactly; storage makes it storable and keeps the raw bytes
        media=media,
        opt_out_type=(storable(form.get("OptOutType") or "")[:20] or None),
        from_state=(storable(form.get("FromState") or "")[:20] or None),
        # a quick-reply button sends ButtonPayload, a list item ListId: the id we gave it
        button=(storable(form.get("ButtonPayload") or form.get("ListId") or "")[:MAX_BUTTON_ID] or None),
    )
