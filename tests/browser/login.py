"""Logging in through the browser as staff do: email and password, then the authenticator's code."""

from __future__ import annotations

from typing import Any

import pyotp

from tests.staff.helpers import PASSWORD


def log_in(page: Any, base: str, email: str, secret: str | None = None) -> None:
    """Log in; `secret` is the account's TOTP key when it has a second factor (admins always do)."""
    page.goto(base + "/staff/")
    assert "/staff/login" in page.url
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if secret:
        page.wait_for_url(base + "/staff/login/code")
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Go on").click()
    page.wait_for_url(base + "/staff/")
