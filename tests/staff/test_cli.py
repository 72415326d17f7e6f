"""`flask staff create|disable|enable|list|demo`."""

from __future__ import annotations

import pytest
from flask import Flask

from bot.storage.database import get_db
from bot.storage.models import StaffUser
from tests.conftest import make_app
from tests.helpers import count
from tests.staff.helpers import PASSWORD, login


def run(app: Flask, *args: str, stdin: str | None = None):  # noqa: ANN201
    return app.test_cli_runner().invoke(args=list(args), input=stdin)


def test_create_with_password_from_stdin_then_log_in(sqlite_app: Flask) -> None:
    result = run(
        sqlite_app, "staff", "create", "Lee@Example.org", "--role", "admin", "--password-stdin", stdin=PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account lee@example.org" in result.output
    assert login(sqlite_app.test_client(), "lee@example.org").status_code == 302


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
    password = result.output.split(" / ")[1].rstrip(")\n")
    assert login(app.test_client(), "demo@holdline.local", password).status_code == 302
    get_db(app).dispose()
