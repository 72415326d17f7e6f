"""A staff member's own account: change the password, set up the second factor, see and end sessions."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from bot.config import settings_of
from bot.staff import accounts, mfa, sessions
from bot.staff.auth import check_session, client_address, end_session, setup_page, throttle, wait_message
from bot.staff.forms import PasswordChangeForm, ReauthCodeForm, ReauthForm
from bot.staff.i18n import _
from bot.storage import staff_accounts
from bot.storage.database import get_db
from bot.storage.models import StaffUser, utcnow

log = logging.getLogger("holdline.staff")
bp = Blueprint("staff_account", __name__, url_prefix="/staff/account")
bp.before_request(check_session)
SETUP_SECRET = "staff_totp_setup"  # the secret being set up, until the app shows a right code


def _me(db_session: object) -> StaffUser:
    user = db_session.get(StaffUser, current_user.user_id)  # type: ignore[attr-defined]
    if user is None:
        abort(404)
    return user


@bp.get("/")
def account_page() -> ResponseReturnValue:
    """Show the password form, the second factor's state and this account's live sessions."""
    settings = settings_of(current_app)
    with get_db().transaction() as db_session:
        user = _me(db_session)
        live = sessions.live_sessions(db_session, current_user.user_id, sessions.Limits.of(settings), utcnow())
        codes_left = staff_accounts.recovery_codes_left(db_session, current_user.user_id)
    return render_template(
        "staff/account.html",
        password_form=PasswordChangeForm(),
        reauth=ReauthForm(),
        user=user,
        live=live,
        codes_left=codes_left,
        mfa_required=mfa.required(user, settings),
        now=utcnow(),
    )


@bp.post("/password")
def change_password() -> ResponseReturnValue:
    """Change the own password (the current one is asked again); every other session ends."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("staff_account.account_page"))
    try:
        with get_db().transaction() as db_session:
            user = _me(db_session)
            accounts.change_own_password(
                db_session, user, form.current.data or "", form.new.data or "", utcnow(), current_user.session_id
            )
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        log.info("staff %s changed their password", current_user.user_id)
        flash(_("Password changed. Your other sessions have ended."))
    return redirect(url_for("staff_account.account_page"))


def _reauthenticated(db_session: Any, user: StaffUser, password: str) -> bool:
    """Check the password again before a change to how this account logs in; failures slow down like logins."""
    now = utcnow()
    wait = accounts.throttled(db_session, user.email, client_address(), now, throttle())
    if wait:
        flash(wait_message(wait), "error")
        return False
    if accounts.verify_password(user.password_hash, password):
        return True
    accounts.record_failure(db_session, user.email, client_address(), now)
    flash(_("Your password is not right."), "error")
    return False


@bp.post("/sessions/end-all")
def end_all_sessions() -> ResponseReturnValue:
    """Log out everywhere, this browser included (the password is asked again)."""
    form = ReauthForm()
    if not form.validate_on_submit():
        flash(_("Type your password to log out everywhere."), "error")
        return redirect(url_for("staff_account.account_page"))
    with get_db().transaction() as db_session:
        if not _reauthenticated(db_session, _me(db_session), form.password.data or ""):
            return redirect(url_for("staff_account.account_page"))
        ended = sessions.end_all(db_session, current_user.user_id, utcnow())
    log.info("staff %s logged out everywhere (%s sessions)", current_user.user_id, ended)
    end_session()
    flash(_("You are logged out everywhere."))
    return redirect(url_for("staff_auth.login"))


@bp.route("/mfa", methods=["GET", "POST"])
def mfa_setup() -> ResponseReturnValue:
    """Set up (or replace) the authenticator app: the password again and a right code turn it on.

    New recovery codes come with it, and every other session of the account ends.
    """
    form = ReauthCodeForm()
    secret = session.get(SETUP_SECRET) or mfa.new_secret()
    session[SETUP_SECRET] = secret
    if form.validate_on_submit():
        with get_db().transaction() as db_session:
            user = _me(db_session)
            codes = None
            if _reauthenticated(db_session, user, form.password.data or ""):
                codes = mfa.enable(db_session, user, secret, form.code.data or "")
                if codes is None:
                    flash(_("That code is not right. Check the time on your phone and type the newest code."), "error")
                else:
                    sessions.end_all(db_session, current_user.user_id, utcnow(), keep_id=current_user.session_id)
        if codes is not None:
            session.pop(SETUP_SECRET, None)
            log.info("staff %s set up a second factor", current_user.user_id)
            return render_template("staff/recovery_codes.html", codes=codes, next_url=url_for("staff.queue"))
    return render_template("staff/mfa_setup.html", form=form, **setup_page(secret, current_user.email))


@bp.post("/recovery-codes")
def new_recovery_codes() -> ResponseReturnValue:
    """Replace the recovery codes (the old ones stop working); the password is asked again."""
    form = ReauthForm()
    if not form.validate_on_submit():
        flash(_("Type your password to make new recovery codes."), "error")
        return redirect(url_for("staff_account.account_page"))
    with get_db().transaction() as db_session:
        user = _me(db_session)
        if not user.totp_secret:
            abort(400)
        if not _reauthenticated(db_session, user, form.password.data or ""):
            return redirect(url_for("staff_account.account_page"))
        codes = mfa.new_recovery_codes(db_session, user)
    log.info("staff %s made new recovery codes", current_user.user_id)
    return render_template("staff/recovery_codes.html", codes=codes, next_url=url_for("staff_account.account_page"))
