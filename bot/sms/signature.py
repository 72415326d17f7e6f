"""Check that a webhook request really comes from Twilio (X-Twilio-Signature)."""

from __future__ import annotations

from flask import Request
from twilio.request_validator import RequestValidator


def signed_url(request: Request, public_base_url: str) -> str:
    """Return the URL Twilio called and signed: PUBLIC_BASE_URL + path when set, else the request URL.

    Behind a proxy the request URL is rebuilt by ProxyFix from X-Forwarded-Proto/Host.
    """
    if public_base_url:
        query = request.query_string.decode("latin-1")
        return public_base_url + request.path + (f"?{query}" if query else "")
    return request.url


def is_from_twilio(request: Request, auth_token: str, public_base_url: str) -> bool:
    """Whether the request carries a valid Twilio signature for its URL and form fields."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not auth_token:
        return False
    return RequestValidator(auth_token).validate(signed_url(request, public_base_url), request.form, signature)
