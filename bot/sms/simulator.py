"""Play Twilio: send signed webhook requests to the app, in process or over HTTP, and read the replies.

Used by `flask chat` and by the tests, so both take exactly the webhook's code path.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

from flask import Flask
from twilio.request_validator import RequestValidator

from bot.sms.twiml import parse_twiml

HOTLINE_NUMBER = "+13125550000"


@dataclass
class Reply:
    """What the webhook answered: HTTP status and the texts in its TwiML."""

    status: int
    texts: list[str]
    content_type: str = ""


@dataclass
class Simulator:
    """A pretend phone texting the hotline: signs each request as Twilio would."""

    auth_token: str
    sender: str = "+13125550100"
    app: Flask | None = None  # in process, through Flask's test client
    base_url: str = "http://localhost"  # where requests go
    signed_base_url: str | None = None  # the public URL Twilio signs, when it differs (PUBLIC_BASE_URL)
    account_sid: str = "AC" + "0" * 32
    extra: dict[str, str] = field(default_factory=dict)

    def form(self, body: str, sid: str | None = None, **fields: str) -> dict[str, str]:
        """Return the fields Twilio posts for one text."""
        return {
            "MessageSid": sid or "SM" + uuid.uuid4().hex,
            "AccountSid": self.account_sid,
            "From": self.sender,
            "To": ("whatsapp:" if self.sender.startswith("whatsapp:") else "") + HOTLINE_NUMBER,
            "Body": body,
            "NumMedia": "0",
            **self.extra,
            **fields,
        }

    def signature(self, url: str, form: dict[str, str]) -> str:
        return RequestValidator(self.auth_token).compute_signature(url, form)

    def post(self, form: dict[str, str], headers: dict[str, str] | None = None, path: str = "/sms") -> Reply:
        """Post a form with a valid signature (unless headers override it) and parse the reply."""
        url = self.base_url.rstrip("/") + path
        signed = (self.signed_base_url or self.base_url).rstrip("/") + path
        all_headers = {"X-Twilio-Signature": self.signature(signed, form), **(headers or {})}
        if self.app is not None:
            parts = urllib.parse.urlsplit(url)
            response = self.app.test_client().post(
                parts.path, data=form, headers=all_headers, base_url=f"{parts.scheme}://{parts.netloc}"
            )
            status, data, kind = response.status_code, response.get_data(), response.content_type
        else:
            request = urllib.request.Request(
                url, data=urllib.parse.urlencode(form).encode(), headers=all_headers, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as http:  # noqa: S310 (loopback in use)
                    status, data, kind = http.status, http.read(), http.headers.get("Content-Type", "")
            except urllib.error.HTTPError as error:
                status, data, kind = error.code, error.read(), error.headers.get("Content-Type", "")
        texts = parse_twiml(data) if status == 200 else []
        return Reply(status=status, texts=texts, content_type=kind)

    def send(self, body: str, **fields: str) -> Reply:
        """Text the hotline and return its reply."""
        return self.post(self.form(body, **fields))

    def tap(self, choice_id: str, title: str, *, list_item: bool = False) -> Reply:
        """Tap a WhatsApp button (or a list item) as Twilio reports it: its title as Body, our id as payload."""
        if list_item:
            return self.send(title, ListId=choice_id, ListTitle=title)
        return self.send(title, ButtonPayload=choice_id, ButtonText=title)
