"""The second factor: TOTP with pyotp, replay refused, recovery codes once each, required for admins."""

from __future__ import annotations

import re
import time

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.staff import mfa
from bot.storage.database import get_db
from bot.storage.models import RecoveryCode, StaffUser
from tests.conftest import make_app
from tests.staff.conftest import staff_settings
from tests.staff.helpers import PASSWORD, add_staff, csrf_token, login, totp_code

CODES = re.compile(r"<li><code>([A-Z2-9]{5}-[A-Z2-9]{5})</code></li>")


def _password(client: FlaskClient, email: str) -> object:
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    return client.post("/staff/login", data={"email": email, "password": PASSWORD, "csrf_token": token})


def _code(client: FlaskClient, code: str, url: str = "/staff/login/code", **more: str) -> object:
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"code": code, "csrf_token": token, **more})


def test_an_admin_needs_the_code_after_the_password(staff_app: Flask, admin_id: int) -> None:
    client = staff_app.test_client()
    response = _password(client, "admin@example.org")
    assert response.headers["Location"] == "/staff/login/code"
    assert client.get("/staff/").status_code == 302  # the password alone opens nothing
    assert _code(client, "000000" if totp_code() != "000000" else "111111").status_code == 401
    assert client.get("/staff/").status_code == 302
    response = _code(client, totp_code())
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_a_code_works_only_once(staff_app: Flask, admin_id: int) -> None:
    code = totp_code()
    first = staff_app.test_client()
    _password(first, "admin@example.org")
    assert _code(first, code).status_code == 302
    second = staff_app.test_client()  # someone who saw the code over the shoulder
    _password(second, "admin@example.org")
    assert _code(second, code).status_code == 401


def test_totp_steps_accept_neighbours_and_refuse_old_codes() -> None:
    secret = pyotp.random_base32()
    now = time.time()
    totp = pyotp.TOTP(secret)
    assert mfa.totp_step(secret, totp.at(now - 30), now) is not None  # a phone a little slow
    assert mfa.totp_step(secret, totp.at(now - 90), now) is None
    assert mfa.totp_step(secret, "12345", now) is None and mfa.totp_step(secret, "abcdef", now) is None


def test_a_recovery_code_stands_in_for_the_app_once(staff_app: Flask) -> None:
    add_staff(staff_app, "ada@example.org", "admin", totp=False)
    client = staff_app.test_client()
    assert _password(client, "ada@example.org").headers["Location"] == "/staff/login/setup"
    page = client.get("/staff/login/setup").get_data(as_text=True)
    secret = re.search(r'<code class="totp-secret">([A-Z2-7]+)</code>', page).group(1)
    assert 'src="data:image/svg+xml' in page and "otpauth://totp/Holdline:ada%40example.org" in page
    response = _code(client, pyotp.TOTP(secret).now(), "/staff/login/setup")
    codes = CODES.findall(response.get_data(as_text=True))
    assert response.status_code == 200 and len(codes) == 10
    assert client.get("/staff/").status_code == 200  # set up and logged in
    with get_db(staff_app).transaction() as session:
        stored = session.execute(select(RecoveryCode.code_hash)).scalars().all()
    assert len(stored) == 10 and all(h.startswith("$argon2id$") for h in stored)  # salted: short codes

    for attempt, expected in ((codes[0].lower(), 302), (codes[0], 401)):  # typed in lower case, then again
        other = staff_app.test_client()
        _password(other, "ada@example.org")
        assert _code(other, attempt).status_code == expected
    assert "Recovery codes left: 9" in client.get("/staff/account/").get_data(as_text=True)
    token = csrf_token(client.get("/staff/account/").get_data(as_text=True))
    fresh = client.post("/staff/account/recovery-codes", data={"csrf_token": token, "password": PASSWORD})
    new_codes = CODES.findall(fresh.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    other = staff_app.test_client()
    _password(other, "ada@example.org")
    assert _code(other, codes[1]).status_code == 401  # the old codes stopped working


def test_staff_without_a_second_factor_log_in_with_the_password_unless_required(
    database_url: str, twilio: object, spanish_locales: object
) -> None:
    relaxed = make_app(database_url, **staff_settings(twilio, spanish_locales))
    add_staff(relaxed, "wes@example.org")
    assert login(relaxed.test_client(), "wes@example.org").headers["Location"] == "/staff/"
    get_db(relaxed).dispose()

    strict = make_app(database_url, STAFF_REQUIRE_MFA=True, **staff_settings(twilio, spanish_locales))
    client = strict.test_client()
    assert _password(client, "wes@example.org").headers["Location"] == "/staff/login/setup"
    assert client.get("/staff/").status_code == 302
    get_db(strict).dispose()


def test_an_admin_without_a_second_factor_cannot_skip_setup(staff_app: Flask) -> None:
    add_staff(staff_app, "ada@example.org", "admin", totp=False)
    client = staff_app.test_client()
    _password(client, "ada@example.org")
    assert client.get("/staff/login/code").status_code == 200  # the page shows, but no code can be right
    assert _code(client, totp_code(), "/staff/login/code").status_code == 401
    assert client.get("/staff/accounts").status_code == 302


def test_staff_can_turn_the_second_factor_on_from_their_account(staff_app: Flask, worker: FlaskClient) -> None:
    other = staff_app.test_client()
    assert login(other, "worker@example.org").status_code == 302
    page = worker.get("/staff/account/mfa").get_data(as_text=True)
    secret = re.search(r'<code class="totp-secret">([A-Z2-7]+)</code>', page).group(1)
    refused = _code(worker, pyotp.TOTP(secret).now(), "/staff/account/mfa", password="not my password")
    assert "Your password is not right" in refused.get_data(as_text=True)  # a borrowed session cannot do it
    response = _code(worker, pyotp.TOTP(secret).now(), "/staff/account/mfa", password=PASSWORD)
    assert len(CODES.findall(response.get_data(as_text=True))) == 10
    assert other.get("/staff/").status_code == 302  # the other sessions ended with the change
    assert worker.get("/staff/").status_code == 200
    with get_db(staff_app).transaction() as session:
        user = session.execute(select(StaffUser).where(StaffUser.email == "worker@example.org")).scalar_one()
        assert user.totp_secret == secret
    fresh = staff_app.test_client()
    assert _password(fresh, "worker@example.org").headers["Location"] == "/staff/login/code"


def test_wrong_codes_are_slowed_like_passwords(staff_app: Flask, admin_id: int) -> None:
    client = staff_app.test_client()
    _password(client, "admin@example.org")
    wrong = "000000" if totp_code() != "000000" else "111111"
    statuses = [_code(client, wrong).status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    assert _code(client, totp_code()).status_code == 429  # even the right code waits now


def test_turning_on_staff_require_mfa_sends_open_sessions_to_setup(
    database_url: str, twilio: object, spanish_locales: object
) -> None:
    relaxed = make_app(database_url, **staff_settings(twilio, spanish_locales))
    add_staff(relaxed, "wes@example.org")
    client = relaxed.test_client()
    assert login(client, "wes@example.org").headers["Location"] == "/staff/"
    cookie = client.get_cookie("holdline_session")
    strict = make_app(database_url, STAFF_REQUIRE_MFA=True, **staff_settings(twilio, spanish_locales))
    same_browser = strict.test_client()
    same_browser.set_cookie("holdline_session", cookie.value)
    response = same_browser.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/account/mfa"
    assert same_browser.get("/staff/account/mfa").status_code == 200
    for app in (relaxed, strict):
        get_db(app).dispose()
