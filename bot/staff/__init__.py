"""The staff dashboard: triage the reports, act on them, text families, export and count."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect

from bot.config import settings_of
from bot.staff import security
from bot.staff.i18n import _

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Register the dashboard: sessions, CSRF on every form (signed Twilio webhooks exempt), headers."""
    from bot.sms.webhook import bp as sms_bp
    from bot.staff.account import bp as account_bp
    from bot.staff.auth import bp as auth_bp
    from bot.staff.auth import login_manager
    from bot.staff.content import bp as content_bp
    from bot.staff.preview import bp as preview_bp
    from bot.staff.views import bp as views_bp

    secure = not settings_of(app).local
    app.config.update(
        SESSION_COOKIE_SECURE=secure,  # https only, outside debug and tests
        REMEMBER_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="holdline_session",
        # The cookie may live as long as a session can; the server ends it sooner (idle, logout: bot/staff/sessions.py).
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings_of(app).staff_session_max_hours),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        # Flask-WTF's https check wants a Referer, which Referrer-Policy may withhold; security.check_same_origin
        # checks Origin (or a same-origin Referer) instead, on top of the token.
        WTF_CSRF_SSL_STRICT=False,
    )
    csrf.init_app(app)
    csrf.exempt(sms_bp)  # Twilio signs its requests instead (bot/sms/signature.py)
    login_manager.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(views_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(preview_bp)
    app.register_blueprint(content_bp)
    security.init_app(app)
    app.jinja_env.globals["_"] = _  # dashboard words (English for now; extracted into dashboard.pot)
    zone = ZoneInfo(settings_of(app).hotline_timezone)
    app.jinja_env.filters["local"] = lambda when: _local(when, zone)
    app.jinja_env.filters["ago"] = _ago

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template("staff/error.html", title=_("Form refused"), message=error.description), 400


def _local(when: datetime | None, zone: ZoneInfo) -> str:
    """Format a time in the hotline's time zone, e.g. `2026-11-27 09:00 CST`."""
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if when else ""


def _ago(when: datetime, now: datetime) -> str:
    """Say how long ago, in the largest unit that fits: `3 d`, `5 h`, `12 min`."""
    seconds = max(0, int((now - when).total_seconds()))
    if seconds >= 86400:
        return f"{seconds // 86400} d"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min"
