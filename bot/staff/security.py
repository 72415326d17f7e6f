"""Security headers on every response; no caching of dashboard pages; dashboard forms only from this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_wtf.csrf import CSRFError

from bot.config import settings_of
from bot.staff.i18n import _

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def add_headers(response: Response) -> Response:
    """Set CSP (no inline scripts), no framing, nosniff, same-origin referrers only; `no-store` on dashboard pages."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # The browser sends a Referer to this site only (the same-origin check below may need it), never to others.
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.startswith("/staff"):
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not request.path.startswith("/staff/static/"):
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def check_same_origin() -> None:
    """Refuse a dashboard form sent from another site: `Origin` (or, failing it, `Referer`) must be this site.

    This is on top of the CSRF token. Over https a browser always sends one of them; a request with neither
    is refused there (a plain-http request without either, e.g. a script on the same machine, still needs the token).
    """
    if request.method in SAFE_METHODS or not request.path.startswith("/staff"):
        return
    allowed = {_origin(request.host_url), _origin(settings_of(current_app).public_base_url)} - {""}
    sent = request.headers.get("Origin") or ""
    if not sent:
        referer = request.headers.get("Referer") or ""
        sent = _origin(referer) if referer else ""
        if not referer and not request.is_secure:
            return
    if sent.lower() not in allowed:
        raise CSRFError(_("This form was not sent from the dashboard's own pages."))


def init_app(app: Flask) -> None:
    app.before_request(check_same_origin)
    app.after_request(add_headers)
