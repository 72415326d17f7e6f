"""Send texts through Twilio's REST API (twilio's `Client`), with a timeout and a replaceable base URL."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.config import TWILIO_API_BASE, Settings
from bot.twilio.interactive import shape_request

MEDIA_URL = re.compile(r"/Messages/(?P<message>(?:MM|SM)\w+)/Media/(?P<media>ME\w+)")
MESSAGE_SID = re.compile(r"^(?:SM|MM)\w+$")
OPTED_OUT = 21610  # "Attempt to send to unsubscribed recipient": the number texted STOP
OUTSIDE_WINDOW = 63016  # WhatsApp: free-form text more than 24 hours after the family's last message
# WhatsApp errors that the same send would get again: never retried (the staff page explains them).
# https://www.twilio.com/docs/whatsapp/api/error-code-mapping
WHATSAPP_PERMANENT = frozenset(
    {
        63003,  # the number is not on WhatsApp (or no longer)
        63005,  # WhatsApp did not accept the content
        63013,  # WhatsApp policy violation
        63014,  # the family blocked the business
        OUTSIDE_WINDOW,
        63021,  # content rejected (e.g. a template over 1024 characters)
        63024,  # invalid recipient
        63027,  # no approved template for that language
        63028,  # the variables do not match the template's placeholders
        63029,  # a variable's value is not allowed by the template
        63030,  # a parameter the channel does not support
        63032,  # WhatsApp will not deliver to this user (its own limits)
    }
)

# twilio logs every request's form (the number and the body) at INFO: keep it quiet.
_quiet = logging.getLogger("holdline.twilio")
_quiet.setLevel(logging.WARNING)


CONTENT_API_BASE = "https://content.twilio.com"  # the Content API; a local stand-in serves it under /content


class BaseUrlHttpClient(TwilioHttpClient):
    """twilio's HTTP client, sending to `base` (a local stand-in in tests) instead of api.twilio.com.

    The Content API (content.twilio.com) goes to `base` + `/content` then."""

    def __init__(self, base: str, timeout: float) -> None:
        super().__init__(timeout=timeout, logger=_quiet)
        self.base = base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if self.base != TWILIO_API_BASE and url.startswith(TWILIO_API_BASE):
            url = self.base + url[len(TWILIO_API_BASE) :]
        elif self.base != TWILIO_API_BASE and url.startswith(CONTENT_API_BASE):
            url = self.base + "/content" + url[len(CONTENT_API_BASE) :]
        return super().request(method, url, *args, **kwargs)


@dataclass(frozen=True)
class SendResult:
    """What Twilio said: a message SID, or an error code, HTTP status and whether trying again may help."""

    sid: str | None = None
    code: int | None = None
    http_status: int | None = None
    retry: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.sid is not None

    @property
    def opted_out(self) -> bool:
        return self.code == OPTED_OUT


class TwilioSender:
    """Send one text through Twilio's Messages API and classify the outcome."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        http = BaseUrlHttpClient(settings.twilio_api_base, timeout=settings.twilio_timeout_seconds)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http)

    def sender_for(self, to: str) -> dict[str, str]:
        """Return the `from_` or `messaging_service_sid` argument for an address (WhatsApp or SMS)."""
        if to.startswith("whatsapp:") and self.settings.twilio_whatsapp_from:
            sender = self.settings.twilio_whatsapp_from
            return {"from_": sender if sender.startswith("whatsapp:") else "whatsapp:" + sender}
        if self.settings.twilio_messaging_service_sid:
            return {"messaging_service_sid": self.settings.twilio_messaging_service_sid}
        return {"from_": self.settings.twilio_from_number}

    def send(
        self, to: str, body: str, content_sid: str | None = None, content_variables: str | None = None
    ) -> SendResult:
        """Send a text, or an approved template by Content SID; never raises for Twilio's or the network's errors."""
        if not self.settings.twilio_account_sid:
            return SendResult(error="TWILIO_ACCOUNT_SID is not set", retry=True)
        # A template goes without Body: since April 2025 WhatsApp refuses a template's words sent in Body.
        what: dict[str, str] = {"body": body}
        if content_sid:
            what = {"content_sid": content_sid, "content_variables": content_variables or "{}"}
        try:
            if self.settings.public_base_url:  # so that failures after acceptance (63016…) reach the outbox
                what["status_callback"] = self.settings.public_base_url + "/sms/status"
            message = self.client.messages.create(to=to, **what, **self.sender_for(to))
        except TwilioRestException as exc:
            status = exc.status or 0
            retry = (status >= 500 or status == 429) and exc.code not in WHATSAPP_PERMANENT
            return SendResult(code=exc.code, http_status=status, retry=retry, error=f"twilio {status} code {exc.code}")
        except Exception as exc:  # timeouts, refused connections, bad responses: worth another try
            return SendResult(retry=True, error=f"{type(exc).__module__}.{type(exc).__name__}")
        return SendResult(sid=message.sid, http_status=201)

    def make_shape(self, shape: str) -> str:
        """Make one WhatsApp button or list shape with the Content API; return its Content SID (raises on errors)."""
        from twilio.rest.content.v1.content import ContentList  # only this command needs the Content API

        made = self.client.content.v1.contents.create(ContentList.ContentCreateRequest(shape_request(shape)))
        return str(made.sid)

    def delete(self, resource: str) -> SendResult:
        """Ask Twilio to delete a message (by SID) or a photo (by its media URL); gone already counts as done."""
        if not self.settings.twilio_account_sid:
            return SendResult(error="TWILIO_ACCOUNT_SID is not set", retry=True)
        media = MEDIA_URL.search(resource)
        try:
            if media is not None:
                self.client.messages(media["message"]).media(media["media"]).delete()
            elif MESSAGE_SID.match(resource):
                self.client.messages(resource).delete()
            else:
                return SendResult(error="not a message SID or media URL")
        except TwilioRestException as exc:
            status = exc.status or 0
            if status == 404:
                return SendResult(sid="deleted", http_status=404)
            retry = status >= 500 or status == 429
            return SendResult(code=exc.code, http_status=status, retry=retry, error=f"twilio {status} code {exc.code}")
        except Exception as exc:  # timeouts, refused connections: worth another try
            return SendResult(retry=True, error=f"{type(exc).__module__}.{type(exc).__name__}")
        return SendResult(sid="deleted", http_status=204)
