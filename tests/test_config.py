"""Settings: production refuses missing or default secrets; Heroku URLs work."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from bot.app import create_app
from bot.config import (
    DEV_SECRET_KEY,
    DEV_SECRETS_FILE,
    DEV_TWILIO_AUTH_TOKEN,
    ConfigError,
    dev_secrets,
    normalize_database_url,
)
from tests.conftest import reviewed_flows

GOOD = {
    "SECRET_KEY": "5f2b9c0e8a7d4e1f9b3c6a2d8e0f1a4b",
    "TWILIO_AUTH_TOKEN": "2108931f78ae9f6a3eaeb38b71f20513",
    "HOLDLINE_DATA_KEYS": "pQ0bqKzN9fYw1cV8Xh3rT6uJ2mLs5aEd7gWiOkBnZyU=",
    "HOLDLINE_INDEX_KEY": "3tRk8vYp1LcQ6wZs9eHj2uNb5xMa0dFg7iKoTlCrVyE=",
}


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ("SECRET_KEY", "TWILIO_AUTH_TOKEN", "FLASK_DEBUG", "HOLDLINE_DATA_KEYS", "HOLDLINE_INDEX_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    return monkeypatch


def test_production_refuses_to_start_without_a_secret_key(production_env: pytest.MonkeyPatch) -> None:
    production_env.setenv("TWILIO_AUTH_TOKEN", GOOD["TWILIO_AUTH_TOKEN"])
    with pytest.raises(ConfigError) as error:
        create_app()
    message = str(error.value)
    assert "SECRET_KEY is not set" in message and "environment variable" in message
    assert "TWILIO_AUTH_TOKEN" not in message


def test_production_refuses_a_missing_twilio_token(production_env: pytest.MonkeyPatch) -> None:
    production_env.setenv("SECRET_KEY", GOOD["SECRET_KEY"])
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN is not set.*Twilio console"):
        create_app()


@pytest.mark.parametrize("value", [DEV_SECRET_KEY, "changeme", "secret"])
def test_production_refuses_default_secrets(production_env: pytest.MonkeyPatch, value: str) -> None:
    production_env.setenv("SECRET_KEY", value)
    production_env.setenv("TWILIO_AUTH_TOKEN", GOOD["TWILIO_AUTH_TOKEN"])
    with pytest.raises(ConfigError, match="SECRET_KEY has a default value"):
        create_app()


def test_production_starts_with_real_secrets(production_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in GOOD.items():
        production_env.setenv(name, value)
    production_env.setenv("FLOWS_DIR", str(reviewed_flows(tmp_path)))
    app = create_app()
    assert app.config["SECRET_KEY"] == GOOD["SECRET_KEY"]


def test_production_refuses_legal_texts_no_named_lawyer_reviewed(production_env: pytest.MonkeyPatch) -> None:
    for name, value in GOOD.items():
        production_env.setenv(name, value)
    with pytest.raises(RuntimeError, match="rights.hold_1: .PLACEHOLDER.* is a placeholder; in production a lawyer"):
        create_app()


@pytest.mark.parametrize(
    ("secret_key", "token", "message"),
    [
        ("x", GOOD["TWILIO_AUTH_TOKEN"], "SECRET_KEY is too short"),
        ("password", GOOD["TWILIO_AUTH_TOKEN"], "SECRET_KEY is too short"),
        ("x" * 40, GOOD["TWILIO_AUTH_TOKEN"], "SECRET_KEY is too easy to guess"),
        ("password" * 5, GOOD["TWILIO_AUTH_TOKEN"], "SECRET_KEY is too easy to guess"),
        ("correcthorsebatterystaplecorrecthorse", GOOD["TWILIO_AUTH_TOKEN"], "SECRET_KEY is too easy to guess"),
        (GOOD["SECRET_KEY"], "abc123", "TWILIO_AUTH_TOKEN is too short"),
        (GOOD["SECRET_KEY"], "0123456789abcdef0123456789abcdef", "TWILIO_AUTH_TOKEN is too easy to guess"),
        (GOOD["TWILIO_AUTH_TOKEN"], GOOD["TWILIO_AUTH_TOKEN"], "are the same value"),
    ],
)
def test_production_refuses_short_common_or_identical_secrets(
    production_env: pytest.MonkeyPatch, secret_key: str, token: str, message: str
) -> None:
    production_env.setenv("SECRET_KEY", secret_key)
    production_env.setenv("TWILIO_AUTH_TOKEN", token)
    with pytest.raises(ConfigError, match=message):
        create_app()


def test_debug_makes_random_secrets_per_machine_not_published_ones(production_env: pytest.MonkeyPatch) -> None:
    production_env.setenv("FLASK_DEBUG", "1")
    app = create_app()
    saved = json.loads((Path(app.instance_path) / DEV_SECRETS_FILE).read_text())
    assert app.config["SECRET_KEY"] == saved["SECRET_KEY"] != DEV_SECRET_KEY
    assert app.config["TWILIO_AUTH_TOKEN"] == saved["TWILIO_AUTH_TOKEN"] != DEV_TWILIO_AUTH_TOKEN
    assert create_app().config["SECRET_KEY"] == app.config["SECRET_KEY"]  # the chat and the server agree


def test_debug_secrets_are_random_and_private(tmp_path: Path) -> None:
    first = dev_secrets(tmp_path / "a")
    assert dev_secrets(tmp_path / "a") == first
    assert dev_secrets(tmp_path / "b")["SECRET_KEY"] != first["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) == 64 and len(first["TWILIO_AUTH_TOKEN"]) == 32
    assert stat.S_IMODE((tmp_path / "a" / DEV_SECRETS_FILE).stat().st_mode) == 0o600
    (tmp_path / "a" / DEV_SECRETS_FILE).write_text("{not json")
    repaired = dev_secrets(tmp_path / "a")
    assert repaired["SECRET_KEY"] != first["SECRET_KEY"] and dev_secrets(tmp_path / "a") == repaired
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [DEV_SECRETS_FILE]  # no drafts left


@pytest.mark.parametrize(
    "url", ["postgres://u:p@db.example.org:5432/hold", "postgresql://u@10.0.0.5/hold", "postgresql://u@/hold"]
)
def test_debug_mode_refuses_a_database_elsewhere(production_env: pytest.MonkeyPatch, url: str) -> None:
    production_env.setenv("FLASK_DEBUG", "1")
    production_env.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError, match="FLASK_DEBUG=1 runs only against a database on this machine"):
        create_app()


def test_debug_mode_runs_on_a_local_postgres(production_env: pytest.MonkeyPatch) -> None:
    production_env.setenv("FLASK_DEBUG", "1")
    production_env.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    assert create_app().debug


def test_wsgi_module_refuses_too(production_env: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    sys.modules.pop("wsgi", None)
    with pytest.raises(ConfigError):
        importlib.import_module("wsgi")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db.example:5432/hold", "postgresql+psycopg://u:p@db.example:5432/hold"),
        ("postgresql://u@localhost/hold", "postgresql+psycopg://u@localhost/hold"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_are_normalised(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


def test_heroku_url_reaches_the_engine(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": "postgres://someone@127.0.0.1:1/none"})
    assert app.extensions["holdline.db"].engine.url.drivername == "postgresql+psycopg"


def test_an_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="HOTLINE_TIMEZONE"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "HOTLINE_TIMEZONE": "Mars/Base"})


def test_default_database_is_a_sqlite_file_under_instance(production_env: pytest.MonkeyPatch) -> None:
    production_env.delenv("DATABASE_URL")
    production_env.setenv("FLASK_DEBUG", "1")
    app = create_app()
    assert app.extensions["holdline.settings"].database_url.startswith("sqlite:///")
    assert app.extensions["holdline.settings"].database_url.endswith("instance/holdline.sqlite3")


def test_settings_are_one_typed_object_checked_at_start(production_env: pytest.MonkeyPatch) -> None:
    from bot.config import Settings, settings_of

    production_env.setenv("FLASK_DEBUG", "1")
    production_env.setenv("CONVERSATION_IDLE_DAYS", " 3 ")
    production_env.setenv("ALERT_RECIPIENTS", "+13125550101, ,+13125550102")
    production_env.setenv("PUBLIC_BASE_URL", "https://hotline.example.org/")
    settings = settings_of(create_app())
    assert isinstance(settings, Settings)
    assert settings.conversation_idle_days == 3
    assert settings.alert_recipients == ("+13125550101", "+13125550102")
    assert settings.public_base_url == "https://hotline.example.org"
    assert settings.flows_dir.is_dir() and settings.locales_dir.is_dir()
    assert settings.local is True
    with pytest.raises(AttributeError):
        settings.conversation_idle_days = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CONVERSATION_IDLE_DAYS", "seven", "CONVERSATION_IDLE_DAYS must be a whole number, got 'seven'"),
        ("STAFF_IDLE_MINUTES", "0", "STAFF_IDLE_MINUTES must be at least 1"),
        ("CONTENT_REVIEW_MAX_DAYS", "0", "CONTENT_REVIEW_MAX_DAYS must be at least 1"),
        ("OUTBOX_BACKOFF_SECONDS", "-5", "OUTBOX_BACKOFF_SECONDS must not be negative"),
        ("ALERT_RECIPIENTS", "oncall@example.org", "set ALERT_SMTP_URL and ALERT_EMAIL_FROM"),
        ("ALERT_SMTP_URL", "http://mail.example.org", "ALERT_SMTP_URL must look like smtp://"),
    ],
)
def test_a_bad_setting_stops_the_start_naming_it(
    production_env: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    production_env.setenv("FLASK_DEBUG", "1")
    production_env.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app()


def test_only_a_local_run_may_point_twilio_at_a_loopback_stand_in(production_env: pytest.MonkeyPatch) -> None:
    for name, value in GOOD.items():
        production_env.setenv(name, value)
    production_env.setenv("TWILIO_API_BASE", "http://127.0.0.1:9999")
    with pytest.raises(ConfigError, match="TWILIO_API_BASE must be https://api.twilio.com"):
        create_app()
    production_env.setenv("FLASK_DEBUG", "1")
    assert create_app().extensions["holdline.settings"].twilio_api_base == "http://127.0.0.1:9999"


def _production_secrets_but(env: pytest.MonkeyPatch, tmp_path: Path, **changed: str) -> None:
    for name, value in {**GOOD, **changed}.items():
        if value:
            env.setenv(name, value)
        else:
            env.delenv(name, raising=False)
    env.setenv("FLOWS_DIR", str(reviewed_flows(tmp_path)))


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"HOLDLINE_DATA_KEYS": ""}, "HOLDLINE_DATA_KEYS is not set"),
        ({"HOLDLINE_INDEX_KEY": ""}, "HOLDLINE_INDEX_KEY is not set"),
        ({"HOLDLINE_DATA_KEYS": "not a key!"}, "HOLDLINE_DATA_KEYS .key 1. is not URL-safe base64"),
        ({"HOLDLINE_DATA_KEYS": "c2hvcnQ="}, "must be 32 bytes"),
        (
            {"HOLDLINE_DATA_KEYS": "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="},
            "HOLDLINE_DATA_KEYS .key 1. is too easy",
        ),
        ({"HOLDLINE_INDEX_KEY": GOOD["HOLDLINE_DATA_KEYS"]}, "HOLDLINE_INDEX_KEY must be its own key"),
        ({"HOLDLINE_DATA_KEYS": GOOD["HOLDLINE_DATA_KEYS"] + "," + GOOD["HOLDLINE_DATA_KEYS"]}, "the same key twice"),
    ],
)
def test_production_refuses_missing_weak_or_malformed_encryption_keys(
    production_env: pytest.MonkeyPatch, tmp_path: Path, changed: dict[str, str], message: str
) -> None:
    _production_secrets_but(production_env, tmp_path, **changed)
    with pytest.raises(ConfigError, match=message) as error:
        create_app()
    assert "secrets.token_bytes(32)" in str(error.value)  # the message says how to make a key
    for value in changed.values():
        assert not value or value not in str(error.value)  # and never repeats key material


def test_production_starts_with_two_data_keys_the_newest_first(
    production_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.storage import crypto

    older = crypto.new_key()
    _production_secrets_but(production_env, tmp_path, HOLDLINE_DATA_KEYS=f"{GOOD['HOLDLINE_DATA_KEYS']}, {older}")
    before = crypto.keyring()
    try:
        create_app()
        ring = crypto.keyring()
        assert len(ring.data_keys) == 2 and ring.newest_id == crypto.key_id(ring.data_keys[0])
        assert crypto.Keyring.from_strings(older, GOOD["HOLDLINE_INDEX_KEY"]).newest_id == crypto.key_id(
            ring.data_keys[1]
        )
    finally:
        crypto.configure(before)


def test_debug_makes_random_encryption_keys_per_machine_under_instance(production_env: pytest.MonkeyPatch) -> None:
    from bot.storage import crypto

    production_env.setenv("FLASK_DEBUG", "1")
    before = crypto.keyring()
    try:
        app = create_app()
        saved = json.loads((Path(app.instance_path) / crypto.DEV_KEYS_FILE).read_text())
        assert app.config["HOLDLINE_DATA_KEYS"] == saved["HOLDLINE_DATA_KEYS"]
        assert crypto.keyring() == crypto.Keyring.from_strings(saved["HOLDLINE_DATA_KEYS"], saved["HOLDLINE_INDEX_KEY"])
        assert (Path(app.instance_path) / crypto.DEV_KEYS_FILE).stat().st_mode & 0o077 == 0
    finally:
        crypto.configure(before)
