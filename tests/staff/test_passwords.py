"""Passwords: at least 12 characters and not guessable (zxcvbn), argon2id, changed by staff themselves."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.staff.passwords import password_problem
from bot.storage.database import get_db
from bot.storage.models import StaffUser
from tests.helpers import count
from tests.staff.helpers import PASSWORD, login, post_form


@pytest.mark.parametrize(
    "weak",
    ["111111111111", "password1234", "qwertyuiop12", "Passw0rd!Passw0rd!", "abcdefghijkl", "iloveyou2026", "short"],
)
def test_weak_or_common_passwords_are_refused(weak: str) -> None:
    assert password_problem(weak) is not None


def test_the_own_email_or_name_is_refused_and_a_passphrase_is_fine() -> None:
    assert password_problem("ninarodriguez2", email="nina.rodriguez@example.org", name="Nina Rodriguez")
    assert password_problem(PASSWORD) is None
    assert password_problem("plum tractor seventy window") is None


def test_admins_cannot_create_accounts_with_weak_passwords(staff_app: Flask, admin: FlaskClient) -> None:
    response = post_form(
        admin,
        "/staff/accounts",
        "/staff/accounts",
        {"email": "x@example.org", "role": "staff", "password": "111111111111"},
    )
    assert response.status_code == 302
    assert "too easy to guess" in admin.get("/staff/accounts").get_data(as_text=True)
    assert count(get_db(staff_app), StaffUser) == 1


def _change(client: FlaskClient, current: str, new: str, confirm: str | None = None) -> str:
    post_form(
        client,
        "/staff/account/",
        "/staff/account/password",
        {"current": current, "new": new, "confirm": new if confirm is None else confirm},
    )
    return client.get("/staff/account/").get_data(as_text=True)


def test_self_service_change_checks_the_current_password_and_the_new_one(staff_app: Flask, worker: FlaskClient) -> None:
    assert "current password is not right" in _change(worker, "not my password", "plum tractor seventy window")
    assert "too easy to guess" in _change(worker, PASSWORD, "111111111111")
    assert "two new passwords differ" in _change(worker, PASSWORD, "plum tractor seventy window", "other words here")
    assert "must differ" in _change(worker, PASSWORD, PASSWORD)
    assert login(staff_app.test_client(), "worker@example.org").status_code == 302  # still the old one
    assert "Password changed" in _change(worker, PASSWORD, "plum tractor seventy window")
    with get_db(staff_app).transaction() as session:
        user = session.execute(select(StaffUser).where(StaffUser.email == "worker@example.org")).scalar_one()
        assert user.password_hash.startswith("$argon2id$") and user.password_changed_at is not None
