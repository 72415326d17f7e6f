"""Server-side sessions: a copied cookie dies on logout, disable and password change; idle and absolute limits."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from bot.storage.database import get_db
from bot.storage.models import StaffSession, utcnow
from tests.staff.helpers import PASSWORD, csrf_token, login, post_form

NEW_PASSWORD = "a brand new passphrase for wes"


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("holdline_session")
    assert cookie is not None
    return cookie.value


def _with_cookie(app: Flask, value: str) -> FlaskClient:
    """Another browser holding a copy of a session cookie (stolen, or a second tab restored)."""
    thief = app.test_client()
    thief.set_cookie("holdline_session", value)
    return thief


def test_the_cookie_holds_a_token_whose_hash_alone_is_stored(staff_app: Flask, worker: FlaskClient) -> None:
    with get_db(staff_app).transaction() as session:
        (row,) = session.execute(select(StaffSession)).scalars()
    assert len(row.token_hash) == 64 and row.token_hash not in _cookie(worker)
    assert row.ended_at is None


def test_a_copied_cookie_is_refused_after_logout(staff_app: Flask, worker: FlaskClient) -> None:
    copied = _cookie(worker)
    assert _with_cookie(staff_app, copied).get("/staff/").status_code == 200
    page = worker.get("/staff/").get_data(as_text=True)
    assert worker.post("/staff/logout", data={"csrf_token": csrf_token(page)}).status_code == 302
    thief = _with_cookie(staff_app, copied)
    response = thief.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
    assert worker.get("/staff/").status_code == 302


def test_a_copied_cookie_is_refused_once_the_account_is_disabled(
    staff_app: Flask, admin: FlaskClient, worker: FlaskClient, worker_id: int
) -> None:
    copied = _cookie(worker)
    assert post_form(admin, "/staff/accounts", f"/staff/accounts/{worker_id}/disable", {}).status_code == 302
    assert _with_cookie(staff_app, copied).get("/staff/").status_code == 302
    with get_db(staff_app).transaction() as session:
        ended = session.execute(select(StaffSession.ended_at).where(StaffSession.staff_id == worker_id)).scalars()
        assert all(ended)
    post_form(admin, "/staff/accounts", f"/staff/accounts/{worker_id}/enable", {})
    assert _with_cookie(staff_app, copied).get("/staff/").status_code == 302  # stays dead after enabling


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(
    staff_app: Flask, worker: FlaskClient
) -> None:
    other = staff_app.test_client()
    assert login(other, "worker@example.org").status_code == 302
    response = post_form(
        worker,
        "/staff/account/",
        "/staff/account/password",
        {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert "Password changed" in worker.get("/staff/account/").get_data(as_text=True)
    assert other.get("/staff/").status_code == 302
    assert login(staff_app.test_client(), "worker@example.org").status_code == 401  # the old password
    assert login(staff_app.test_client(), "worker@example.org", NEW_PASSWORD).status_code == 302


def test_the_account_page_lists_live_sessions_and_logs_out_everywhere(staff_app: Flask, worker: FlaskClient) -> None:
    phone = staff_app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (iPhone) Safari"
    assert login(phone, "worker@example.org").status_code == 302
    page = worker.get("/staff/account/").get_data(as_text=True)
    assert "iPhone" in page and "(this one)" in page
    assert page.count("<tr>") == 3  # the header and two sessions
    post_form(worker, "/staff/account/", "/staff/account/sessions/end-all", {"password": "not my password"})
    assert "Your password is not right" in worker.get("/staff/account/").get_data(as_text=True)
    assert phone.get("/staff/").status_code == 200  # nothing ended without the password
    response = post_form(worker, "/staff/account/", "/staff/account/sessions/end-all", {"password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/login"
    assert worker.get("/staff/").status_code == 302
    assert phone.get("/staff/").status_code == 302


def test_an_idle_session_ends(staff_app: Flask, worker: FlaskClient) -> None:
    copied = _cookie(worker)
    with get_db(staff_app).transaction() as session:
        session.execute(update(StaffSession).values(seen_at=utcnow() - timedelta(minutes=31)))
    response = worker.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
    assert "30 idle minutes" in worker.get(response.headers["Location"]).get_data(as_text=True)
    assert _with_cookie(staff_app, copied).get("/staff/").status_code == 302  # ended server-side, for good


def test_use_keeps_a_session_alive_but_never_past_its_absolute_lifetime(staff_app: Flask, worker: FlaskClient) -> None:
    with get_db(staff_app).transaction() as session:
        session.execute(update(StaffSession).values(created_at=utcnow() - timedelta(hours=11, minutes=59)))
    assert worker.get("/staff/").status_code == 200  # used all along: still fine just before the limit
    with get_db(staff_app).transaction() as session:
        session.execute(update(StaffSession).values(created_at=utcnow() - timedelta(hours=12, minutes=1)))
    response = worker.get("/staff/")  # seen a moment ago, but 12 hours old
    assert response.status_code == 302
    assert "at most 12 hours" in worker.get(response.headers["Location"]).get_data(as_text=True)


def test_session_limits_are_settings(database_url: str, twilio: object, spanish_locales: object) -> None:
    from tests.conftest import make_app
    from tests.staff.conftest import staff_settings
    from tests.staff.helpers import add_staff

    app = make_app(
        database_url, STAFF_IDLE_MINUTES=5, STAFF_SESSION_MAX_HOURS=1, **staff_settings(twilio, spanish_locales)
    )
    add_staff(app, "wes@example.org")
    client = app.test_client()
    assert login(client, "wes@example.org").status_code == 302
    with get_db(app).transaction() as session:
        session.execute(update(StaffSession).values(seen_at=utcnow() - timedelta(minutes=6)))
    assert client.get("/staff/").status_code == 302
    get_db(app).dispose()


def test_an_admin_logs_someone_out_everywhere_without_disabling_them(
    staff_app: Flask, admin: FlaskClient, worker: FlaskClient, worker_id: int
) -> None:
    phone = staff_app.test_client()
    assert login(phone, "worker@example.org").status_code == 302
    response = post_form(admin, "/staff/accounts", f"/staff/accounts/{worker_id}/sessions/end", {})
    assert response.status_code == 302
    assert "Sessions ended: 2." in admin.get("/staff/accounts").get_data(as_text=True)
    assert worker.get("/staff/").status_code == 302 and phone.get("/staff/").status_code == 302
    assert admin.get("/staff/").status_code == 200
    assert login(staff_app.test_client(), "worker@example.org").status_code == 302  # not disabled


def test_the_staff_role_cannot_end_others_sessions(staff_app: Flask, admin_id: int, worker: FlaskClient) -> None:
    assert post_form(worker, "/staff/", f"/staff/accounts/{admin_id}/sessions/end", {}).status_code == 403


def test_end_sessions_from_the_command_line(staff_app: Flask, admin: FlaskClient, worker: FlaskClient) -> None:
    runner = staff_app.test_cli_runner()
    result = runner.invoke(args=["staff", "end-sessions", "worker@example.org"])
    assert result.exit_code == 0 and "Ended 1 session(s)." in result.output
    assert worker.get("/staff/").status_code == 302 and admin.get("/staff/").status_code == 200
    result = runner.invoke(args=["staff", "end-sessions", "--all"])
    assert "Ended 1 session(s)." in result.output and admin.get("/staff/").status_code == 302
    assert runner.invoke(args=["staff", "end-sessions"]).exit_code == 2
