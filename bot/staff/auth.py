"""Who may use the dashboard: login with password and second factor, server-side sessions, logout, admin pages."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from bot.config import settings_of
from bot.staff import accounts, mfa, sessions
from bot.staff.addresses import client_address as address_of
from bot.staff.addresses import trusted_networks
from bot.staff.forms import CodeForm, LoginForm
from bot.staff.i18n import _
from bot.staff.safe_next import safe_next
from bot.storage.database import get_db
from bot.storage.models import StaffSession, StaffUser, utcnow

log = logging.getLogger("holdline.staff")
bp = Blueprint("staff_auth", __name__, url_prefix="/staff")
login_manager = LoginManager()
login_manager.login_view = "staff_auth.login"
login_manager.login_message = ""  # the login page says what to do
login_manager.session_protection = "basic"

F = TypeVar("F", bound=Callable[..., Any])
PENDING = "staff_pending"  # the password was right; the second factor is still to come (signed cookie)
PENDING_SECONDS = 300
# Pages a logged-in account that still has to set up its second factor may see.
SETUP_ENDPOINTS = {"staff_account.mfa_setup", "staff_auth.logout", "staff.static"}


@dataclass(frozen=True)
class Staff(UserMixin):
    """The logged-in staff member, as loaded for this request from the live session."""

    user_id: int
    email: str
    name: str
    role: str
    token: str  # the session's token, kept in the signed cookie; the database has only its hash
    session_id: int
    has_totp: bool
    needs_totp: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        return self.name or self.email

    def get_id(self) -> str:
        return self.token

    @classmethod
    def of(cls, user: StaffUser, row: StaffSession, token: str, needs_totp: bool) -> Staff:
        assert user.id is not None and row.id is not None
        return cls(user.id, user.email, user.name, user.role, token, row.id, bool(user.totp_secret), needs_totp)


@login_manager.user_loader
def load_staff(token: str) -> Staff | None:
    """Load the live session a cookie names; None (logged out) when it ended, ran out or its account is disabled."""
    settings = settings_of(current_app)
    now = utcnow()
    with get_db().transaction() as db_session:
        found = sessions.resume(db_session, token, sessions.Limits.of(settings), now)
        if found.row is None or found.user is None:
            g.staff_session_ended = found.why_not
            return None
        return Staff.of(found.user, found.row, token, mfa.required(found.user, settings))


def check_session() -> ResponseReturnValue | None:
    """Send anyone not logged in to the login page; keep an account without its required second factor on setup."""
    if request.endpoint == "staff.static":  # the stylesheet, which the login page needs too
        return None
    if not current_user.is_authenticated:
        why = g.get("staff_session_ended", "")
        if why:
            session.clear()  # the dead token goes; the flash below is the new session's first word
        if why == "idle":
            minutes = settings_of(current_app).staff_idle_minutes
            flash(_("You were logged out after %(minutes)s idle minutes.", minutes=minutes))
        elif why == "lifetime":
            hours = settings_of(current_app).staff_session_max_hours
            flash(_("You were logged out: a session lasts at most %(hours)s hours.", hours=hours))
        return redirect(url_for("staff_auth.login", next=safe_next(request.full_path, url_for("staff.queue"))))
    if current_user.needs_totp and not current_user.has_totp and request.endpoint not in SETUP_ENDPOINTS:
        flash(_("Set up a second factor to go on."), "error")
        return redirect(url_for("staff_account.mfa_setup"))
    return None


def admin_required(view: F) -> F:
    """Let only admins through (403 for staff)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not getattr(current_user, "is_admin", False):
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def client_address() -> str:
    """The caller's address: the peer, or what the proxies in TRUSTED_PROXIES say is behind them."""
    trusted = trusted_networks(settings_of(current_app).trusted_proxies)
    return address_of(request.remote_addr, request.headers.get("X-Forwarded-For"), trusted)


def throttle() -> accounts.Throttle:
    """How failed passwords and codes slow the next try, from the settings."""
    settings = settings_of(current_app)
    return accounts.Throttle(
        max_failures=settings.staff_login_max_failures,
        window=timedelta(minutes=settings.staff_login_window_minutes),
        max_delay=timedelta(seconds=settings.staff_login_max_delay_seconds),
    )


def start_session(user: StaffUser, next_url: str) -> ResponseReturnValue:
    """Log a fully authenticated account in: a new server-side session and a new cookie."""
    assert user.id is not None
    now = utcnow()
    with get_db().transaction() as db_session:
        token = sessions.start(db_session, user.id, request.user_agent.string or "", now)
        accounts.forget_failures(db_session, user.email)
    session.clear()
    login_user(_LoginOnly(token))
    session.permanent = True
    log.info("staff %s logged in", user.id)
    return redirect(next_url)


@dataclass(frozen=True)
class _LoginOnly(UserMixin):
    """What Flask-Login needs to write the session cookie: the token (the full Staff loads on the next request)."""

    token: str

    def get_id(self) -> str:
        return self.token


def wait_message(wait: int) -> str:
    log.warning("staff login slowed after repeated failures")
    return _("Too many failed attempts. Wait %(seconds)s seconds and try again.", seconds=wait)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form and check the password; a second factor follows when the account has or needs one."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.queue"))
    form = LoginForm()
    status = 200
    next_url = safe_next(request.args.get("next"), url_for("staff.queue"))
    if form.validate_on_submit():
        settings = settings_of(current_app)
        with get_db().transaction() as db_session:
            result = accounts.authenticate(
                db_session, form.email.data or "", form.password.data or "", client_address(), utcnow(), throttle()
            )
        user = result.user
        if user is not None:
            if user.totp_secret:
                return _second_factor_due(user.id, next_url, "staff_auth.second_factor")
            if mfa.required(user, settings):
                return _second_factor_due(user.id, next_url, "staff_auth.setup")
            return start_session(user, next_url)
        if result.wait:
            flash(wait_message(result.wait), "error")
            status = 429
        else:
            log.info("staff login failed")
            flash(_("That email and password do not match an active account."), "error")
            status = 401
    return render_template("staff/login.html", form=form), status


def _second_factor_due(user_id: int | None, next_url: str, endpoint: str) -> ResponseReturnValue:
    """The password was right: remember whose it was (5 minutes, signed cookie) and ask for the second factor."""
    session.clear()
    session[PENDING] = {"id": user_id, "at": int(time.time()), "next": next_url}
    return redirect(url_for(endpoint))


def _pending_user(db_session: Any) -> StaffUser | None:
    """The account whose password was just right, while the second factor is due (5 minutes)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db_session.get(StaffUser, pending.get("id"))
    return user if user is not None and user.active else None


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor() -> ResponseReturnValue:
    """Ask for the authenticator's 6-digit code, or a recovery code; slowed like passwords after failures."""
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        now = utcnow()
        with get_db().transaction() as db_session:
            user = _pending_user(db_session)
            if user is None:
                return _start_over()
            wait = accounts.throttled(db_session, user.email, client_address(), now, throttle())
            code = form.code.data or ""
            ok = not wait and (mfa.accept_totp(user, code) or mfa.use_recovery_code(db_session, user, code, now))
            if ok:
                db_session.add(user)
            elif not wait:
                accounts.record_failure(db_session, user.email, client_address(), now)
        if ok:
            return start_session(user, session[PENDING]["next"])
        if wait:
            flash(wait_message(wait), "error")
            status = 429
        else:
            log.info("staff second factor failed")
            flash(_("That code is not right. Use the newest code from your app, or a recovery code."), "error")
            status = 401
    elif not isinstance(session.get(PENDING), dict):
        return _start_over()
    return render_template("staff/code.html", form=form), status


@bp.route("/login/setup", methods=["GET", "POST"])
def setup() -> ResponseReturnValue:
    """Set up the second factor an account needs before its first session (admins, or all with STAFF_REQUIRE_MFA)."""
    form = CodeForm()
    with get_db().transaction() as db_session:
        user = _pending_user(db_session)
        if user is None or user.totp_secret:
            return _start_over()
        pending = session[PENDING]
        secret = pending.get("secret") or mfa.new_secret()
        if "secret" not in pending:
            session[PENDING] = {**pending, "secret": secret}
        codes = mfa.enable(db_session, user, secret, form.code.data or "") if form.validate_on_submit() else None
        email = user.email
    if codes is not None:
        start_session(user, pending["next"])
        return render_template("staff/recovery_codes.html", codes=codes, next_url=pending["next"])
    status = 200
    if form.is_submitted():
        flash(_("That code is not right. Check the time on your phone and type the newest code."), "error")
        status = 400
    return render_template("staff/mfa_setup.html", form=form, **setup_page(secret, email)), status


def setup_page(secret: str, email: str) -> dict[str, str]:
    """What the setup page shows: the secret to type in, and the same as a QR code and a link."""
    uri = mfa.provisioning_uri(secret, email)
    return {"secret": secret, "uri": uri, "qr": mfa.qr_svg_data_uri(uri)}


def _start_over() -> ResponseReturnValue:
    session.pop(PENDING, None)
    flash(_("Log in again to go on."), "error")
    return redirect(url_for("staff_auth.login"))


def end_session() -> None:
    """End this browser's session, server-side first, then the cookie."""
    token = getattr(current_user, "token", None)
    if token:
        with get_db().transaction() as db_session:
            sessions.end(db_session, token, utcnow())
        log.info("staff %s logged out", current_user.user_id)
    logout_user()
    session.clear()


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session (CSRFProtect has checked the form's token)."""
    end_session()
    flash(_("You are logged out."))
    return redirect(url_for("staff_auth.login"))
