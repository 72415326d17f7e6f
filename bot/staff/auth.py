"""Who may use the dashboard: Flask-Login sessions, login and logout, idle timeout, admin-only pages."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from bot.config import settings_of
from bot.staff import accounts
from bot.staff.forms import LoginForm
from bot.staff.i18n import _
from bot.storage.database import get_db
from bot.storage.models import StaffUser, utcnow

log = logging.getLogger("holdline.staff")
bp = Blueprint("staff_auth", __name__, url_prefix="/staff")
login_manager = LoginManager()
login_manager.login_view = "staff_auth.login"
login_manager.login_message = ""  # the login page says what to do
login_manager.session_protection = "basic"

F = TypeVar("F", bound=Callable[..., Any])
SEEN = "staff_seen"  # the session's last request (epoch seconds), for the idle timeout


@dataclass(frozen=True)
class Staff(UserMixin):
    """The logged-in staff member, as loaded for this request."""

    user_id: int
    email: str
    name: str
    role: str
    session_version: int

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        return self.name or self.email

    def get_id(self) -> str:
        # The version makes a disabled account's (or changed password's) old sessions invalid at once.
        return f"{self.user_id}:{self.session_version}"

    @classmethod
    def of(cls, user: StaffUser) -> Staff:
        assert user.id is not None
        return cls(user.id, user.email, user.name, user.role, user.session_version)


@login_manager.user_loader
def load_staff(session_id: str) -> Staff | None:
    """Load the session's account on every request; None (logged out) when disabled or the version moved on."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    with get_db().transaction() as db_session:
        user = db_session.get(StaffUser, int(user_id))
        if user is None or not user.active or user.session_version != int(version):
            return None
        return Staff.of(user)


def check_session() -> ResponseReturnValue | None:
    """Send anyone not logged in to the login page, and log out a session idle too long."""
    if request.endpoint == "staff.static":  # the stylesheet, which the login page needs too
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    now = time.time()
    minutes = settings_of(current_app).staff_idle_minutes
    idle = timedelta(minutes=minutes).total_seconds()
    seen = session.get(SEEN)
    if not isinstance(seen, int | float) or now - seen > idle:
        end_session()
        flash(_("You were logged out after %(minutes)s idle minutes.", minutes=minutes))
        return redirect(url_for("staff_auth.login", next=_safe_next(request.full_path)))
    session[SEEN] = int(now)
    return None


def end_session() -> None:
    logout_user()
    session.clear()


def admin_required(view: F) -> F:
    """Let only admins through (403 for staff)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not getattr(current_user, "is_admin", False):
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def client_address() -> str:
    """The caller's address (ProxyFix has already taken it from X-Forwarded-For behind a proxy)."""
    return request.remote_addr or "unknown"


def _safe_next(target: str | None) -> str:
    """Return a dashboard path to go to after login (never another site)."""
    if target and target.startswith("/staff/") and not target.startswith("//") and "\\" not in target:
        return target.rstrip("?")
    return url_for("staff.queue")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form and log in, with throttling after repeated failures."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.queue"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        settings = settings_of(current_app)
        with get_db().transaction() as db_session:
            result = accounts.authenticate(
                db_session,
                form.email.data or "",
                form.password.data or "",
                client_address(),
                utcnow(),
                max_failures=settings.staff_login_max_failures,
                window=timedelta(minutes=settings.staff_login_window_minutes),
            )
            staff = Staff.of(result.user) if result.user else None
        if staff is not None:
            session.clear()
            login_user(staff)
            session.permanent = True
            session[SEEN] = int(time.time())
            log.info("staff %s logged in", staff.user_id)
            return redirect(_safe_next(request.args.get("next")))
        if result.throttled:
            log.warning("staff login throttled after repeated failures")
            flash(
                _(
                    "Too many failed attempts. Wait %(minutes)s minutes and try again.",
                    minutes=settings.staff_login_window_minutes,
                ),
                "error",
            )
            status = 429
        else:
            log.info("staff login failed")
            flash(_("That email and password do not match an active account."), "error")
            status = 401
    return render_template("staff/login.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session (CSRFProtect has checked the form's token)."""
    end_session()
    flash(_("You are logged out."))
    return redirect(url_for("staff_auth.login"))
