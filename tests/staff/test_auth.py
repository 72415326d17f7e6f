"""Accounts: login required everywhere, roles, CSRF, where login leads, disabling, headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.config import PROJECT_ROOT, settings_of
from bot.staff.safe_next import safe_next
from bot.storage import crypto
from bot.storage.database import get_db
from bot.storage.models import ReportEvent, StaffUser
from tests.conftest import TEST_AUTH_TOKEN, make_app, reviewed_flows
from tests.helpers import count
from tests.staff.helpers import PASSWORD, csrf_token, file_report, login, post_form

GOOD_SECRETS = {
    "SECRET_KEY": "5f2b9c0e8a7d4e1f9b3c6a2d8e0f1a4b",
    "TWILIO_AUTH_TOKEN": "2108931f78ae9f6a3eaeb38b71f20513",
    **crypto.dev_keys(PROJECT_ROOT / "instance"),  # production keys: this machine's, so the test data still reads
}
SAMPLE_VALUES = {"ref": "R-AAAA", "user_id": 1, "action": "disable", "filename": "staff.css", "name": "menu"}


def _dashboard_urls(app: Flask) -> list[tuple[str, str]]:
    """Every dashboard URL and method except the login page and the stylesheet."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("staff") or rule.endpoint in ("staff_auth.login", "staff.static"):
                continue
            path = rule.build({k: v for k, v in SAMPLE_VALUES.items() if k in rule.arguments})[1]
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                urls.append((method, path))
    return urls


def test_every_dashboard_page_requires_login(database_url: str) -> None:
    app = make_app(database_url, WTF_CSRF_ENABLED=False)  # so POSTs reach the login check itself
    file_report(app)
    urls = _dashboard_urls(app)
    assert len(urls) >= 12, urls
    client = app.test_client()
    for method, path in urls:
        if path == "/staff/logout":
            continue
        response = client.open(path, method=method)
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/staff/login"), (method, path)
    assert count(get_db(app), ReportEvent) == 0


def test_log_in_and_out(staff_app: Flask, worker_id: int) -> None:
    client = staff_app.test_client()
    assert client.get("/staff/").status_code == 302
    response = login(client, "Worker@Example.org ")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/staff/").status_code == 200
    page = client.get("/staff/").get_data(as_text=True)
    response = client.post("/staff/logout", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(staff_app: Flask, worker_id: int) -> None:
    client = staff_app.test_client()
    response = login(client, "worker@example.org", next_url="/staff/stats")
    assert response.headers["Location"] == "/staff/stats"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/staff/",
        "/staff/%0d%0aSet-Cookie:x=1",  # decoded by the query string into a real line break
        "/staff/\\evil.example",
        "/staff/../sms",
        "/elsewhere",
        "/staff/%09tab",
    ],
)
def test_next_accepts_only_dashboard_paths_without_control_characters(
    staff_app: Flask, worker_id: int, target: str
) -> None:
    response = login(staff_app.test_client(), "worker@example.org", next_url=target)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


def test_safe_next_refuses_line_breaks_and_other_sites() -> None:
    assert safe_next("/staff/reports/R-AAAA?x=1", "/staff/") == "/staff/reports/R-AAAA?x=1"
    for bad in ["/staff/\r\nLocation: //evil", "/staff/\x00", "/staff/\x7f", "http://x/staff/", "", None]:
        assert safe_next(bad, "/staff/") == "/staff/", bad


def test_wrong_password_and_unknown_email_fail_alike(staff_app: Flask, worker_id: int) -> None:
    client = staff_app.test_client()
    wrong = login(client, "worker@example.org", "not the password at all")
    unknown = login(client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match" in wrong.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_passwords_are_hashed_with_argon2id(staff_app: Flask, worker_id: int) -> None:
    with get_db(staff_app).transaction() as session:
        user = session.get(StaffUser, worker_id)
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_a_post_without_csrf_token_is_rejected(staff_app: Flask, worker: FlaskClient) -> None:
    ref = file_report(staff_app)
    response = worker.post(f"/staff/reports/{ref}/notes", data={"body": "forged"})
    assert response.status_code == 400
    response = worker.post(f"/staff/reports/{ref}/notes", data={"body": "forged", "csrf_token": "bogus"})
    assert response.status_code == 400
    assert count(get_db(staff_app), ReportEvent) == 0
    assert staff_app.test_client().post("/staff/login", data={"email": "a@b.c", "password": "x"}).status_code == 400


def test_the_signed_twilio_webhook_needs_no_csrf_token(staff_app: Flask) -> None:
    from bot.sms.simulator import Simulator

    texter = Simulator(
        auth_token=TEST_AUTH_TOKEN, app=staff_app, signed_base_url=settings_of(staff_app).public_base_url
    )
    reply = texter.send("hello")
    assert reply.status == 200 and reply.texts


def test_the_staff_role_cannot_manage_accounts(staff_app: Flask, admin_id: int, worker: FlaskClient) -> None:
    assert worker.get("/staff/accounts").status_code == 403
    token = csrf_token(worker.get("/staff/").get_data(as_text=True))
    new = {"email": "new@example.org", "role": "admin", "password": PASSWORD, "csrf_token": token}
    assert worker.post("/staff/accounts", data=new).status_code == 403
    assert worker.post(f"/staff/accounts/{admin_id}/disable", data={"csrf_token": token}).status_code == 403
    assert count(get_db(staff_app), StaffUser) == 2
    assert "Accounts" not in worker.get("/staff/").get_data(as_text=True)


def test_admin_creates_and_disables_staff_whose_sessions_end_at_once(staff_app: Flask, admin: FlaskClient) -> None:
    response = post_form(
        admin,
        "/staff/accounts",
        "/staff/accounts",
        {"email": "Nina@Example.org", "name": "Nina", "role": "staff", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert "nina@example.org" in admin.get("/staff/accounts").get_data(as_text=True)
    nina = staff_app.test_client()
    assert login(nina, "nina@example.org").status_code == 302
    assert nina.get("/staff/").status_code == 200

    with get_db(staff_app).transaction() as session:
        nina_id = session.execute(select(StaffUser.id).where(StaffUser.email == "nina@example.org")).scalar_one()
    assert post_form(admin, "/staff/accounts", f"/staff/accounts/{nina_id}/disable", {}).status_code == 302
    assert nina.get("/staff/").status_code == 302  # the very next request: logged out
    assert login(staff_app.test_client(), "nina@example.org").status_code == 401

    post_form(admin, "/staff/accounts", f"/staff/accounts/{nina_id}/enable", {})
    assert nina.get("/staff/").status_code == 302  # the old session stays dead
    assert login(nina, "nina@example.org").status_code == 302


def test_admin_cannot_create_an_account_with_a_short_password(staff_app: Flask, admin: FlaskClient) -> None:
    post_form(
        admin, "/staff/accounts", "/staff/accounts", {"email": "x@example.org", "role": "staff", "password": "short"}
    )
    assert count(get_db(staff_app), StaffUser) == 1


def test_session_cookie_is_secure_outside_debug_and_tests(sqlite_url: str, tmp_path: Path) -> None:
    production = make_app(sqlite_url, TESTING=False, FLOWS_DIR=str(reviewed_flows(tmp_path)), **GOOD_SECRETS)
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("path", ["/staff/", "/staff/login"])
def test_security_headers(staff_app: Flask, worker: FlaskClient, path: str) -> None:
    response = worker.get(path, follow_redirects=True)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert "<script" not in body and " onclick=" not in body and "style=" not in body


HTTPS = {"X-Forwarded-Proto": "https"}  # as Heroku's router or nginx sends it


def _https_login_form(client: FlaskClient) -> dict[str, str]:
    token = csrf_token(client.get("/staff/login", headers=HTTPS).get_data(as_text=True))
    return {"email": "worker@example.org", "password": PASSWORD, "csrf_token": token}


def test_over_https_a_form_from_this_site_works_without_a_referer(staff_app: Flask, worker_id: int) -> None:
    client = staff_app.test_client()
    response = client.post(
        "/staff/login", data=_https_login_form(client), headers={**HTTPS, "Origin": "https://localhost"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert client.get("/staff/", headers=HTTPS).status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(
    "sent",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost"},  # the same host over plain http is another origin
        {"Referer": "https://evil.example/page"},
        {},  # over https a browser always sends Origin or Referer; neither means not a browser form of ours
    ],
)
def test_over_https_a_form_from_elsewhere_is_refused_even_with_a_token(
    staff_app: Flask, worker_id: int, sent: dict[str, str]
) -> None:
    client = staff_app.test_client()
    response = client.post("/staff/login", data=_https_login_form(client), headers={**HTTPS, **sent})
    assert response.status_code == 400
    assert "not sent from the dashboard" in response.get_data(as_text=True)
    assert client.get("/staff/", headers=HTTPS).status_code == 302


def test_a_same_origin_referer_stands_in_for_a_missing_origin(staff_app: Flask, worker_id: int) -> None:
    client = staff_app.test_client()
    referer = {"Referer": "https://localhost/staff/login"}
    response = client.post("/staff/login", data=_https_login_form(client), headers={**HTTPS, **referer})
    assert response.status_code == 302


def test_the_configured_public_url_is_an_allowed_origin(staff_app: Flask, worker_id: int) -> None:
    client = staff_app.test_client()
    origin = {"Origin": settings_of(staff_app).public_base_url}
    assert client.post("/staff/login", data=_https_login_form(client), headers={**HTTPS, **origin}).status_code == 302


def test_pages_send_referrers_only_to_this_site(staff_app: Flask) -> None:
    response = staff_app.test_client().get("/staff/login")
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in response.get_data(as_text=True)
