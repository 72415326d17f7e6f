"""Helpers for dashboard tests: accounts, logging in with the CSRF token, filing reports."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from bot.staff import accounts
from bot.storage import casework, conversations, reports
from bot.storage.database import get_db
from bot.storage.models import Report, utcnow

PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # admins made by add_staff have this second factor
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')

ANSWERS: dict[str, Any] = {
    "detained_name": "Juan Pérez",
    "detained_dob": "1990-03-04",
    "citizenship": "other",
    "facility": "Cook County Jail",
    "city_or_county": "Chicago",
    "state": "IL",
    "arrested_on": "2026-11-20",
    "still_held": "yes",
    "ice_mentioned": "yes",
    "ice_took_custody": "no",
    "reporter_name": "María Pérez",
    "reporter_relationship": "sister",
    "callback_number": "+13125550100",
    "consent_to_contact": "yes",
}


def add_staff(
    app: Flask, email: str, role: str = "staff", password: str = PASSWORD, name: str = "", totp: bool | None = None
) -> int:
    """Create an account and return its id; admins (or `totp=True`) get the second factor TOTP_SECRET."""
    with get_db(app).transaction() as session:
        user = accounts.create_staff(session, email, password, role, utcnow(), name)
        if totp if totp is not None else role == "admin":
            user.totp_secret = TOTP_SECRET
            session.add(user)
        assert user.id is not None
        return user.id


def totp_code(secret: str = TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).now()


def csrf_token(html: str) -> str:
    """Return the first CSRF token in a page."""
    match = _TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, email: str, password: str = PASSWORD, next_url: str = "") -> Any:
    """Log in through the form as a browser would (with the TOTP code when asked); return the last POST's response."""
    page = client.get("/staff/login")
    token = csrf_token(page.get_data(as_text=True))
    url = "/staff/login" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, data={"email": email, "password": password, "csrf_token": token})
    if response.status_code == 302 and response.headers["Location"] == "/staff/login/code":
        app = client.application
        with get_db(app).transaction() as session:  # tests log one admin in several times within 30 s
            user = accounts.find_by_email(session, email)
            assert user is not None
            user.totp_last_step = 0
            session.add(user)
        token = csrf_token(client.get("/staff/login/code").get_data(as_text=True))
        response = client.post("/staff/login/code", data={"code": totp_code(), "csrf_token": token})
    return response


def post_form(client: FlaskClient, page_url: str, url: str, data: dict[str, str]) -> Any:
    """Load a page, take its CSRF token, and post a form with it."""
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def file_report(
    app: Flask,
    address: str = "+13125550123",
    locale: str = "en",
    when: datetime = NOW,
    **answers: Any,
) -> str:
    """Store a submitted report as the hotline does, with the texter's locale; return its reference code."""
    with get_db(app).transaction() as session:
        contact = conversations.upsert_contact(
            session, address, "whatsapp" if address.startswith("whatsapp:") else "sms"
        )
        contact.locale = locale
        session.add(contact)
        report = reports.create_report(
            session, contact, ANSWERS | answers, ref=reports.unused_ref(session), locale=locale, now=when
        )
        return report.ref


def report_row(app: Flask, ref: str) -> Report:
    with get_db(app).transaction() as session:
        found = casework.report_by_ref(session, ref)
        assert found is not None
        return found
