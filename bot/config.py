"""Read Holdline's settings from the environment and refuse unsafe production ones."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Values that only exist so a laptop can run the hotline without setup; never valid in production.
DEV_SECRET_KEY = "dev-secret-key-not-for-production"
DEV_TWILIO_AUTH_TOKEN = "dev-twilio-auth-token"
TWILIO_API_BASE = "https://api.twilio.com"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
UNSAFE_SECRETS = {"", "changeme", "change-me", "secret", "dev", DEV_SECRET_KEY, DEV_TWILIO_AUTH_TOKEN}

# Contact details shown to texters. The defaults come from public sources and MUST be verified by
# the deploying organisation (see README, "Configuration").
CONTACT_DEFAULTS = {
    "ORG_NAME": "Holdline",
    "LEGAL_HELP_PHONE": "(312) 660-1370",
    "FAMILY_SUPPORT_PHONE": "1-855-435-7693",
    "ICE_LOCATOR_URL": "https://locator.ice.gov",
}


class ConfigError(RuntimeError):
    """Raised when the app must not start with the settings it was given."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}.") from exc


def normalize_database_url(url: str) -> str:
    """Turn Heroku-style and bare PostgreSQL URLs into ones that use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def settings_from_env(instance_path: str) -> dict[str, Any]:
    """Collect every setting from the environment (and an optional .env file)."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    default_db = "sqlite:///" + str(Path(instance_path) / "holdline.sqlite3")
    settings: dict[str, Any] = {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_db,
        "SECRET_KEY": os.environ.get("SECRET_KEY", ""),
        "TWILIO_AUTH_TOKEN": os.environ.get("TWILIO_AUTH_TOKEN", ""),
        "TWILIO_ACCOUNT_SID": os.environ.get("TWILIO_ACCOUNT_SID", ""),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
        "HOTLINE_TIMEZONE": os.environ.get("HOTLINE_TIMEZONE", "America/Chicago"),
        "CONVERSATION_IDLE_DAYS": _int("CONVERSATION_IDLE_DAYS", 7),
        "CONVERSATION_RESUME_AFTER_MINUTES": _int("CONVERSATION_RESUME_AFTER_MINUTES", 60),
        "FLOWS_DIR": os.environ.get("FLOWS_DIR", str(PROJECT_ROOT / "flows")),
        "LOCALES_DIR": os.environ.get("LOCALES_DIR", str(PROJECT_ROOT / "locales")),
    }
    for key, default in CONTACT_DEFAULTS.items():
        settings[key] = os.environ.get(key, default)
    settings.update(_staff_settings())
    return settings


def _staff_settings() -> dict[str, Any]:
    """Settings of the staff dashboard, outbound texts and alerts."""
    return {
        "STAFF_IDLE_MINUTES": _int("STAFF_IDLE_MINUTES", 30),
        "STAFF_LOGIN_MAX_FAILURES": _int("STAFF_LOGIN_MAX_FAILURES", 5),
        "STAFF_LOGIN_WINDOW_MINUTES": _int("STAFF_LOGIN_WINDOW_MINUTES", 15),
        "TWILIO_FROM_NUMBER": os.environ.get("TWILIO_FROM_NUMBER", "").strip(),
        "TWILIO_WHATSAPP_FROM": os.environ.get("TWILIO_WHATSAPP_FROM", "").strip(),
        "TWILIO_MESSAGING_SERVICE_SID": os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "").strip(),
        "TWILIO_API_BASE": os.environ.get("TWILIO_API_BASE", TWILIO_API_BASE).strip().rstrip("/"),
        "TWILIO_TIMEOUT_SECONDS": _int("TWILIO_TIMEOUT_SECONDS", 10),
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 6),
        "OUTBOX_BACKOFF_SECONDS": _int("OUTBOX_BACKOFF_SECONDS", 30),
        "ALERT_RECIPIENTS": os.environ.get("ALERT_RECIPIENTS", ""),
        "ALERT_SMTP_URL": os.environ.get("ALERT_SMTP_URL", ""),
        "ALERT_EMAIL_FROM": os.environ.get("ALERT_EMAIL_FROM", ""),
    }


def apply_dev_defaults(config: dict[str, Any]) -> None:
    """Fill missing secrets with obvious development values (debug and testing only)."""
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = DEV_SECRET_KEY
    if not config.get("TWILIO_AUTH_TOKEN"):
        config["TWILIO_AUTH_TOKEN"] = DEV_TWILIO_AUTH_TOKEN


def check_production_secrets(config: dict[str, Any]) -> None:
    """Refuse to run in production with a missing or default secret, saying which and how to fix it."""
    problems = []
    hints = {
        "SECRET_KEY": 'a long random value, e.g. python -c "import secrets; print(secrets.token_hex(32))"',
        "TWILIO_AUTH_TOKEN": "the Auth Token from your Twilio console (Account > API keys & tokens)",
    }
    for name, hint in hints.items():
        value = str(config.get(name) or "").strip()
        if not value:
            problems.append(f"{name} is not set. Set the {name} environment variable to {hint}.")
        elif value.lower() in UNSAFE_SECRETS:
            problems.append(f"{name} has a default value. Set the {name} environment variable to {hint}.")
    if problems:
        raise ConfigError(
            "Holdline will not start in production with unsafe settings:\n  - "
            + "\n  - ".join(problems)
            + "\n(For local development, run with FLASK_DEBUG=1.)"
        )


def validate_settings(config: dict[str, Any]) -> None:
    """Check settings that would otherwise fail later, at the worst moment."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(config["HOTLINE_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"HOTLINE_TIMEZONE {config['HOTLINE_TIMEZONE']!r} is not a known time zone.") from exc
    if config["CONVERSATION_IDLE_DAYS"] < 1:
        raise ConfigError("CONVERSATION_IDLE_DAYS must be at least 1.")
    if config["CONVERSATION_RESUME_AFTER_MINUTES"] < 1:
        raise ConfigError("CONVERSATION_RESUME_AFTER_MINUTES must be at least 1.")
    config["DATABASE_URL"] = normalize_database_url(config["DATABASE_URL"])
    _validate_staff_settings(config)


def _validate_staff_settings(config: dict[str, Any]) -> None:
    """Check the dashboard, outbox and alert settings."""
    from urllib.parse import urlsplit

    for name in ("STAFF_IDLE_MINUTES", "STAFF_LOGIN_MAX_FAILURES", "STAFF_LOGIN_WINDOW_MINUTES", "OUTBOX_MAX_ATTEMPTS"):
        if config[name] < 1:
            raise ConfigError(f"{name} must be at least 1.")
    if config["TWILIO_TIMEOUT_SECONDS"] < 1 or config["OUTBOX_BACKOFF_SECONDS"] < 0:
        raise ConfigError("TWILIO_TIMEOUT_SECONDS must be at least 1 and OUTBOX_BACKOFF_SECONDS not negative.")
    base = config["TWILIO_API_BASE"] = str(config["TWILIO_API_BASE"]).rstrip("/")
    if base != TWILIO_API_BASE:
        # Only a local stand-in for Twilio (tests, `make run`) may replace the real API.
        local = (urlsplit(base).hostname or "") in LOOPBACK_HOSTS
        if not (local and (config.get("TESTING") or config.get("DEBUG"))):
            raise ConfigError(f"TWILIO_API_BASE must be {TWILIO_API_BASE} (a loopback URL only in debug and tests).")
    recipients = [r.strip() for r in str(config["ALERT_RECIPIENTS"]).split(",") if r.strip()]
    if any("@" in r for r in recipients) and not (config["ALERT_SMTP_URL"] and config["ALERT_EMAIL_FROM"]):
        raise ConfigError("ALERT_RECIPIENTS lists an email address: set ALERT_SMTP_URL and ALERT_EMAIL_FROM too.")
    if config["ALERT_SMTP_URL"] and urlsplit(config["ALERT_SMTP_URL"]).scheme not in ("smtp", "smtps"):
        raise ConfigError("ALERT_SMTP_URL must look like smtp://user:password@host:587 or smtps://…:465.")
