"""The dashboard as deployed, in real Chromium: https through a TLS-terminating proxy, second factor, sessions."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from bot.storage.database import get_db
from bot.storage.models import ReportEvent, StaffSession
from tests.browser.login import log_in
from tests.helpers import count
from tests.staff.helpers import PASSWORD, TOTP_SECRET, add_staff, file_report

pytestmark = pytest.mark.browser


def session_cookie(page: Any) -> dict[str, Any]:
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "holdline_session"]
    return cookie


def opens_queue_with(browser: Any, base: str, cookie: dict[str, Any]) -> bool:
    """Whether another browser holding a copy of this cookie gets the queue (rather than the login page)."""
    context = browser.new_context(ignore_https_errors=True)
    try:
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(base + "/staff/")
        return page.url == base + "/staff/"
    finally:
        context.close()


def test_over_https_log_in_with_totp_act_and_log_out_and_a_copied_cookie_dies(
    served_https: tuple[Flask, str], https_page: Any, browser: Any
) -> None:
    app, base = served_https
    add_staff(app, "ada@example.org", "admin", name="Ada Admin")
    ref = file_report(app)
    page = https_page
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)

    log_in(page, base, "ada@example.org", TOTP_SECRET)
    cookie = session_cookie(page)
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.get_by_role("link", name=ref).click()
    page.wait_for_url(f"{base}/staff/reports/{ref}")
    page.get_by_label("Note", exact=True).fill("Called the jail over https.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_text("Note added.").wait_for()
    page.get_by_label("New status").select_option("lawyer_contacted")
    page.get_by_role("button", name="Change status").click()
    page.get_by_text("Status changed.").wait_for()
    assert count(get_db(app), ReportEvent) >= 2

    assert opens_queue_with(browser, base, cookie)  # a copy works while the session lives...
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(base + "/staff/login")
    assert not opens_queue_with(browser, base, cookie)  # ...and not after logout
    assert problems == []


def test_over_https_a_copied_cookie_dies_when_the_account_is_disabled(
    served_https: tuple[Flask, str], https_page: Any, browser: Any
) -> None:
    app, base = served_https
    add_staff(app, "ada@example.org", "admin", name="Ada Admin")
    wes = add_staff(app, "wes@example.org", name="Wes Worker")
    worker = browser.new_context(ignore_https_errors=True)
    try:
        worker_page = worker.new_page()
        log_in(worker_page, base, "wes@example.org")
        cookie = session_cookie(worker_page)
    finally:
        worker.close()
    assert opens_queue_with(browser, base, cookie)

    page = https_page
    log_in(page, base, "ada@example.org", TOTP_SECRET)
    page.get_by_role("link", name="Accounts").click()
    page.get_by_role("button", name="Disable wes@example.org").click()
    page.get_by_text("Account disabled.").wait_for()
    assert not opens_queue_with(browser, base, cookie)
    with get_db(app).transaction() as session:
        ended = session.execute(select(StaffSession.ended_at).where(StaffSession.staff_id == wes)).scalars().all()
    assert ended and all(ended)


def test_over_https_an_admin_sets_up_the_second_factor_on_first_login(
    served_https: tuple[Flask, str], https_page: Any
) -> None:
    app, base = served_https
    add_staff(app, "new@example.org", "admin", totp=False)
    page = https_page
    page.goto(base + "/staff/")
    page.get_by_label("Email").fill("new@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/staff/login/setup")
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    secret = page.locator("code.totp-secret").inner_text()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    assert page.locator("ul.recovery-codes li").count() == 10
    page.get_by_role("link", name="I have kept them: go on").click()
    page.wait_for_url(base + "/staff/")
    page.get_by_role("link", name="My account").click()
    assert "Recovery codes left: 10" in page.inner_text("body")
