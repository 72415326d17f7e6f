"""A staff member's own account: change the password, set up the second factor, see and end sessions."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from bot.config import settings_of
from bot.staff import accounts, mfa, sessions
from bot.staff.auth import check_session, end_session, setup_page
from bot.staff.forms import CodeForm, ConfirmForm, PasswordChangeForm
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
        confirm=ConfirmForm(),
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


@bp.post("/sessions/end-all")
def end_all_sessions() -> ResponseReturnValue:
    """Log out everywhere, this browser included."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with get_db().transaction() as db_session:
        ended = sessions.end_all(db_session, current_user.user_id, utcnow())
    log.info("staff %s logged out everywhere (%s sessions)", current_user.user_id, ended)
    end_session()
    flash(_("You are logged out everywhere."))
    return redirect(url_for("staff_auth.login"))


@bp.route("/mfa", methods=["GET", "POST"])
def mfa_setup() -> ResponseReturnValue:
    """Set up (or replace) the authenticator app; a right code turns it on and gives new recovery codes."""
    form = CodeForm()
    secret = session.get(SETUP_SECRET) or mfa.new_secret()
    session[SETUP_SECRET] = secret
    if form.validate_on_submit():
        with get_db().transaction() as db_session:
            user = _me(db_session)
            codes = mfa.enable(db_session, user, secret, form.code.data or "")
        if codes is not None:
            session.pop(SETUP_SECRET, None)
            log.info("staff %s set up a second factor", current_user.user_id)
            return render_template("staff/recovery_codes.html", codes=codes, next_url=url_for("staff.queue"))
        flash(_("That code is not right. Check the time on your phone and type the newest code."), "error")
    return render_template("staff/mfa_setup.html", form=form, **setup_page(secret, current_user.email))


@bp.post("/recovery-codes")
def new_recovery_codes() -> ResponseReturnValue:
    """Replace the recovery codes (the old ones stop working)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with get_db().transaction() as db_session:
        user = _me(db_session)
        if not user.totp_secret:
            abort(400)
        codes = mfa.new_recovery_codes(db_session, user)
    log.info("staff %s made new recovery codes", current_user.user_id)
    return render_template("staff/recovery_codes.html", codes=codes, next_url=url_for("staff_account.account_page"))
