"""A staff member's morning, in a real browser: log in, triage, act, text, export, log out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from bot.config import settings_of
from bot.outbox import Worker
from bot.storage.database import get_db
from bot.twilio.rest import TwilioSender
from bot.twilio.stub import TwilioStub
from tests.browser.login import log_in
from tests.helpers import csv_export_rows
from tests.staff.conftest import SPANISH
from tests.staff.helpers import NOW, TOTP_SECRET, add_staff, file_report

pytestmark = pytest.mark.browser
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'


def queue_refs(page: Any) -> list[str]:
    return page.locator("table.queue a.ref").all_inner_texts()


def test_triage_a_report_from_login_to_logout(served: tuple[Flask, str], page: Any, twilio: TwilioStub) -> None:
    app, base = served
    add_staff(app, "wes@example.org", name="Wes Worker")
    normal = file_report(app, address="+13125550101", when=NOW - timedelta(days=2))
    critical = file_report(
        app,
        address="+13125550102",
        locale="es",
        citizenship="us_citizen",
        ice_took_custody="yes",
        detained_name="Ana Ruiz",
    )
    high = file_report(app, address="+13125550103", citizenship="permanent_resident", facility="Kane County Jail")
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)

    log_in(page, base, "wes@example.org")
    assert queue_refs(page) == [critical, high, normal]

    page.locator("summary", has_text="Filters").click()  # folded away until used, for phones
    page.get_by_label("Urgency").select_option("critical")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**urgency=critical**")
    assert queue_refs(page) == [critical]

    page.get_by_role("link", name=critical).click()
    page.wait_for_url(f"{base}/staff/reports/{critical}")
    assert page.get_by_role("heading", level=1).inner_text().startswith(critical)
    assert "U.S. citizen held" in page.inner_text("body")

    page.get_by_label("Assign to").select_option(label="Wes Worker")
    page.get_by_role("button", name="Assign").click()
    page.get_by_text("Assignment saved.").wait_for()
    assert "Assigned to Wes Worker" in page.inner_text(".summary")

    page.get_by_label("New status").select_option("lawyer_contacted")
    page.get_by_role("button", name="Change status").click()
    page.get_by_text("Status changed.").wait_for()
    assert page.inner_text(".status-pill") == "lawyer_contacted"

    page.get_by_label("Note", exact=True).fill("Called the jail; detainer confirmed.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_text("Note added.").wait_for()
    assert "Called the jail; detainer confirmed." in page.inner_text(".timeline")

    spanish = SPANISH["received"].format(org_name="Holdline", ref=critical)
    page.get_by_label(spanish).check()  # the template, shown in the family's language
    page.get_by_role("button", name="Send text").click()
    page.get_by_text("Text queued").wait_for()
    settings = settings_of(app)
    assert Worker(get_db(app), settings, TwilioSender(settings)).drain() == 1
    assert [(t.to, t.body) for t in twilio.texts] == [("+13125550102", spanish)]

    page.get_by_role("link", name="Queue").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = csv_export_rows(open(download.value.path(), encoding="utf-8", newline="").read())
    assert [row["ref"] for row in rows] == [critical, high, normal]
    assert rows[0]["status"] == "lawyer_contacted"

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/staff/login")
    page.goto(base + "/staff/")
    assert "/staff/login" in page.url
    assert problems == []  # no CSP violations or script errors


def test_hostile_report_fields_render_inert(served: tuple[Flask, str], page: Any) -> None:
    app, base = served
    add_staff(app, "wes@example.org")
    ref = file_report(app, detained_name=SCRIPT, facility=FORMULA, reporter_name=SCRIPT)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, base, "wes@example.org")
    assert SCRIPT in page.inner_text("table.queue")  # shown as text
    page.get_by_role("link", name=ref).click()
    page.wait_for_url(f"**/staff/reports/{ref}")
    body = page.inner_text("body")
    assert SCRIPT in body and FORMULA in body
    assert page.locator("script").count() == 0
    page.goto(base + "/staff/")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    (row,) = csv_export_rows(open(download.value.path(), encoding="utf-8", newline="").read())
    assert row["facility"] == "'" + FORMULA and row["detained_name"] == SCRIPT
    assert dialogs == []


def test_keyboard_and_phone_screen(served: tuple[Flask, str], browser: Any) -> None:
    app, base = served
    add_staff(app, "wes@example.org")
    file_report(app)
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, base, "wes@example.org")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the queue scrolls sideways on a phone by {overflow}px"
        page.locator("table.queue a.ref").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/staff/reports/**")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the report scrolls sideways on a phone by {overflow}px"
    finally:
        context.close()


def test_an_admin_verifies_a_contact_and_sees_when(served: tuple[Flask, str], page: Any) -> None:
    app, base = served
    add_staff(app, "ada@example.org", role="admin", name="Ada Admin")
    log_in(page, base, "ada@example.org", TOTP_SECRET)
    page.goto(base + "/staff/contacts")
    card = page.locator("section", has=page.get_by_role("heading", name="24-hour family support line"))
    assert "Never verified." in card.inner_text()
    card.get_by_label("I checked that this is right today").check()
    card.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    card = page.locator("section", has=page.get_by_role("heading", name="24-hour family support line"))
    stamp = card.locator(".verified-at time")
    assert "Last verified:" in card.inner_text() and stamp.get_attribute("datetime")
    assert page.locator(".verified-at", has_text="Never verified.").count() == 3
