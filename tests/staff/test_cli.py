"""`flask staff create|disable|enable|list|demo`."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from flask import Flask

from bot.storage.database import get_db
from bot.storage.models import StaffUser
from tests.conftest import make_app
from tests.helpers import count
from tests.staff.helpers import PASSWORD, add_staff, csrf_token, login


def run(app: Flask, *args: str, stdin: str | None = None):  # noqa: ANN201
    return app.test_cli_runner().invoke(args=list(args), input=stdin)


def test_create_with_password_from_stdin_then_log_in(sqlite_app: Flask) -> None:
    result = run(
        sqlite_app, "staff", "create", "Lee@Example.org", "--role", "admin", "--password-stdin", stdin=PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account lee@example.org" in result.output
    response = login(sqlite_app.test_client(), "lee@example.org")
    assert response.headers["Location"] == "/staff/login/setup"  # an admin sets up a second factor first


def test_create_with_a_prompt_asks_twice(sqlite_app: Flask) -> None:
    result = run(sqlite_app, "staff", "create", "kim@example.org", "--role", "staff", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


def test_create_refuses_bad_roles_short_passwords_and_duplicates(sqlite_app: Flask) -> None:
    assert (
        run(
            sqlite_app, "staff", "create", "a@example.org", "--role", "root", "--password-stdin", stdin=PASSWORD
        ).exit_code
        == 2
    )
    short = run(sqlite_app, "staff", "create", "a@example.org", "--role", "staff", "--password-stdin", stdin="short")
    assert short.exit_code == 1 and "at least 12" in short.output
    assert (
        run(
            sqlite_app, "staff", "create", "a@example.org", "--role", "staff", "--password-stdin", stdin=PASSWORD
        ).exit_code
        == 0
    )
    again = run(sqlite_app, "staff", "create", "A@example.org", "--role", "staff", "--password-stdin", stdin=PASSWORD)
    assert again.exit_code == 1 and "already exists" in again.output
    assert count(get_db(sqlite_app), StaffUser) == 1


def test_disable_ends_sessions_and_enable_allows_login_again(sqlite_app: Flask) -> None:
    run(sqlite_app, "staff", "create", "sam@example.org", "--role", "staff", "--password-stdin", stdin=PASSWORD)
    client = sqlite_app.test_client()
    login(client, "sam@example.org")
    assert client.get("/staff/").status_code == 200
    assert run(sqlite_app, "staff", "disable", "sam@example.org").exit_code == 0
    assert client.get("/staff/").status_code == 302
    assert "disabled" in run(sqlite_app, "staff", "list").output
    assert run(sqlite_app, "staff", "enable", "sam@example.org").exit_code == 0
    assert login(client, "sam@example.org").status_code == 302


def test_demo_account_only_in_debug(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = make_app(sqlite_url)
    refused = run(app, "staff", "demo")
    assert refused.exit_code == 1 and "debug" in refused.output
    monkeypatch.setenv("FLASK_DEBUG", "1")  # what `make run` sets
    for _ in range(2):  # idempotent
        result = run(app, "staff", "demo")
        assert result.exit_code == 0, result.output
        assert "http://127.0.0.1:5000/staff/" in result.output and "demo@holdline.local" in result.output
    assert count(get_db(app), StaffUser) == 1
    password = re.search(r"demo@holdline.local / (\S+)\)", result.output).group(1)
    secret = re.search(r"add the key ([A-Z2-7]+) to an authenticator app", result.output).group(1)
    client = app.test_client()
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    form = {"email": "demo@holdline.local", "password": password, "csrf_token": token}
    assert client.post("/staff/login", data=form).headers["Location"] == "/staff/login/code"  # the demo is an admin
    code = run(app, "staff", "demo", "--code").output.strip()
    assert code == pyotp.TOTP(secret).now() or code == pyotp.TOTP(secret).at(time.time() - 30)
    token = csrf_token(client.get("/staff/login/code").get_data(as_text=True))
    assert client.post("/staff/login/code", data={"code": code, "csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 200
    monkeypatch.delenv("FLASK_DEBUG")
    assert run(app, "staff", "demo", "--code").exit_code == 1  # no codes outside debug
    get_db(app).dispose()


def test_reset_mfa_for_a_lost_phone(sqlite_app: Flask) -> None:
    add_staff(sqlite_app, "ada@example.org", "admin")
    assert "ada@example.org\tadmin\tactive\tsecond factor" in run(sqlite_app, "staff", "list").output
    client = sqlite_app.test_client()
    assert login(client, "ada@example.org").headers["Location"] == "/staff/"
    result = run(sqlite_app, "staff", "reset-mfa", "ada@example.org")
    assert result.exit_code == 0 and "sessions have ended" in result.output
    assert client.get("/staff/").status_code == 302
    assert login(sqlite_app.test_client(), "ada@example.org").headers["Location"] == "/staff/login/setup"
    assert "ada@example.org\tadmin\tactive\tpassword only" in run(sqlite_app, "staff", "list").output
    assert run(sqlite_app, "staff", "reset-mfa", "nobody@example.org").exit_code == 1


def test_set_password_for_a_forgotten_one(sqlite_app: Flask) -> None:
    add_staff(sqlite_app, "wes@example.org")
    client = sqlite_app.test_client()
    assert login(client, "wes@example.org").status_code == 302
    weak = run(sqlite_app, "staff", "set-password", "wes@example.org", "--password-stdin", stdin="111111111111\n")
    assert weak.exit_code == 1 and "too easy to guess" in weak.output
    new = "plum tractor seventy window"
    result = run(sqlite_app, "staff", "set-password", "wes@example.org", "--password-stdin", stdin=new + "\n")
    assert result.exit_code == 0 and "sessions have ended" in result.output
    assert client.get("/staff/").status_code == 302
    assert login(sqlite_app.test_client(), "wes@example.org", new).status_code == 302
