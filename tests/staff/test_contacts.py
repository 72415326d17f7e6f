"""Admins change the numbers texters are given, without a code change; texters get them at once."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from bot.config import settings_of
from bot.sms.simulator import Simulator
from bot.staff.contacts import over_budget
from bot.storage import contact_settings
from tests.conftest import TEST_AUTH_TOKEN
from tests.staff.helpers import csrf_token


def save(client: FlaskClient, key: str, value: str, verified: bool = True) -> str:
    page = client.get("/staff/contacts").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "key": key, "value": value}
    if verified:
        form["verified"] = "y"
    return client.post("/staff/contacts", data=form, follow_redirects=True).get_data(as_text=True)


def test_defaults_are_shown_as_to_be_verified(admin: FlaskClient) -> None:
    page = admin.get("/staff/contacts").get_data(as_text=True)
    assert "(312) 660-1370" in page and "1-855-435-7693" in page
    assert page.count("badge warn") == 4


def test_a_changed_number_reaches_the_next_text(staff_app: Flask, admin: FlaskClient) -> None:
    texter = Simulator(auth_token=TEST_AUTH_TOKEN, app=staff_app, sender="+13125550160")
    texter.signed_base_url = settings_of(staff_app).public_base_url
    assert "(312) 660-1370" in texter.send("help").texts[0]
    page = save(admin, "LEGAL_HELP_PHONE", "(312) 555-0199")
    assert "Saved." in page and "(312) 555-0199" in page and page.count("badge warn") == 3
    assert "(312) 555-0199" in texter.send("help").texts[0]


def test_malformed_and_too_long_values_are_refused(staff_app: Flask, admin: FlaskClient) -> None:
    assert "A phone number has digits" in save(admin, "LEGAL_HELP_PHONE", "call Maria")
    assert "A link starts with https://" in save(admin, "ICE_LOCATOR_URL", "locator.ice.gov")
    assert "(312) 660-1370" in admin.get("/staff/contacts").get_data(as_text=True)  # unchanged


def test_values_that_push_a_text_over_three_segments_are_found(sqlite_app: Flask) -> None:
    hotline = sqlite_app.extensions["holdline.hotline"]
    assert over_budget(hotline, hotline.context()) == []  # the shipped values fit in every language
    found = over_budget(hotline, hotline.context() | {"legal_help_phone": "+1 312 555 0199 " * 8})
    assert "ar: system.help" in found and "pl: system.help" in found


def test_staff_cannot_change_contacts(worker: FlaskClient) -> None:
    assert worker.get("/staff/contacts").status_code == 403
    assert worker.post("/staff/contacts", data={"key": "ORG_NAME", "value": "X"}).status_code in (400, 403)


def test_the_page_shows_when_each_value_was_last_verified(staff_app: Flask, admin: FlaskClient) -> None:
    page = admin.get("/staff/contacts").get_data(as_text=True)
    assert page.count("Never verified.") == 4
    page = save(admin, "FAMILY_SUPPORT_PHONE", "1-855-435-7693")
    assert page.count("Never verified.") == 3 and page.count("Last verified:") == 1
    with staff_app.extensions["holdline.db"].transaction() as session:
        row = contact_settings.saved(session)["FAMILY_SUPPORT_PHONE"]
        assert row.verified and row.verified_at == row.updated_at
    page = save(admin, "FAMILY_SUPPORT_PHONE", "1-855-435-7694", verified=False)  # a new value, not checked yet
    assert page.count("Never verified.") == 4
    with staff_app.extensions["holdline.db"].transaction() as session:
        assert contact_settings.saved(session)["FAMILY_SUPPORT_PHONE"].verified_at is None
