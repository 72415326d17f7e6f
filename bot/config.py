"""Read Holdline's settings from the environment and refuse unsafe production ones."""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from ipaddress import ip_network
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

if TYPE_CHECKING:
    from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Values that only exist so a laptop can run the hotline without setup; never valid in production.
DEV_SECRET_KEY = "dev-secret-key-not-for-production"
DEV_TWILIO_AUTH_TOKEN = "dev-twilio-auth-token"
TWILIO_API_BASE = "https://api.twilio.com"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
UNSAFE_SECRETS = {"", "changeme", "change-me", "secret", "dev", DEV_SECRET_KEY, DEV_TWILIO_AUTH_TOKEN}
MIN_SECRET_LENGTH = 32  # a Twilio Auth Token is 32 hex digits; SECRET_KEY should be at least as long
MIN_SECRET_DISTINCT = 10  # "x" * 40 or "abab…" is long but not secret
DEV_SECRETS_FILE = "dev-secrets.json"  # under instance/: random per machine, made on first debug run
TRUE_WORDS = {"1", "true", "yes", "on"}
# Retention (`flask purge`): days a message's words, and a closed report's personal fields, are kept; 0 keeps them.
RETAIN_MESSAGES_DAYS = 90
RETAIN_CLOSED_REPORTS_DAYS = 365

# Contact details shown to texters. The defaults come from public sources and MUST be verified by
# the deploying organisation (see README, "Configuration").
CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")  # a Twilio Content API template
WHATSAPP_TEMPLATE_ENTRY = re.compile(r"^[a-z_]+\.[A-Za-z_]+=HX[0-9a-fA-F]{32}$")
WHATSAPP_BUTTONS_ENTRY = re.compile(r"^(?:buttons_[23]|list_(?:[2-9]|10))=HX[0-9a-fA-F]{32}$")
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


def _bool(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in TRUE_WORDS


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
        "CONTENT_REVIEW_MAX_DAYS": _int("CONTENT_REVIEW_MAX_DAYS", 180),
        "RETAIN_MESSAGES_DAYS": _int("RETAIN_MESSAGES_DAYS", RETAIN_MESSAGES_DAYS),
        "RETAIN_CLOSED_REPORTS_DAYS": _int("RETAIN_CLOSED_REPORTS_DAYS", RETAIN_CLOSED_REPORTS_DAYS),
        "FLOWS_DIR": os.environ.get("FLOWS_DIR", str(PROJECT_ROOT / "flows")),
        "LOCALES_DIR": os.environ.get("LOCALES_DIR", str(PROJECT_ROOT / "locales")),
        "JOURNAL_DIR": os.environ.get("JOURNAL_DIR") or str(Path(instance_path) / "journal"),
        "HOLDLINE_DATA_KEYS": os.environ.get("HOLDLINE_DATA_KEYS", ""),
        "HOLDLINE_INDEX_KEY": os.environ.get("HOLDLINE_INDEX_KEY", ""),
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
        "STAFF_LOGIN_MAX_DELAY_SECONDS": _int("STAFF_LOGIN_MAX_DELAY_SECONDS", 60),
        "STAFF_SESSION_MAX_HOURS": _int("STAFF_SESSION_MAX_HOURS", 12),
        "STAFF_REQUIRE_MFA": _bool("STAFF_REQUIRE_MFA"),
        "TRUSTED_PROXIES": os.environ.get("TRUSTED_PROXIES", ""),
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
        "INBOUND_TEXTS_PER_HOUR": _int("INBOUND_TEXTS_PER_HOUR", 60),
        "REPLY_SEGMENTS_PER_DAY": _int("REPLY_SEGMENTS_PER_DAY", 150),
        "ALERTS_PER_HOUR": _int("ALERTS_PER_HOUR", 10),
        "ALERT_SMTP_CA_FILE": os.environ.get("ALERT_SMTP_CA_FILE", ""),
        "WHATSAPP_TEMPLATES": os.environ.get("WHATSAPP_TEMPLATES", ""),
        "WHATSAPP_BUTTONS": os.environ.get("WHATSAPP_BUTTONS", ""),
        "SMS_GSM7_LOCALES": os.environ.get("SMS_GSM7_LOCALES", ""),
    }


def apply_dev_defaults(config: dict[str, Any], instance_path: str, *, testing: bool) -> None:
    """Fill missing secrets: fixed values in tests, random ones kept under instance/ in debug (never published)."""
    missing = [name for name in ("SECRET_KEY", "TWILIO_AUTH_TOKEN") if not config.get(name)]
    if not missing:
        return
    fixed = {"SECRET_KEY": DEV_SECRET_KEY, "TWILIO_AUTH_TOKEN": DEV_TWILIO_AUTH_TOKEN}
    values = fixed if testing else dev_secrets(Path(instance_path))
    for name in missing:
        config[name] = values[name]


def dev_secrets(instance: Path) -> dict[str, str]:
    """Return this machine's debug secrets, making them (random, readable only by its owner) on first use."""
    path = instance / DEV_SECRETS_FILE
    saved = _read_dev_secrets(path)
    if saved:
        return saved
    made = {"SECRET_KEY": secrets.token_hex(32), "TWILIO_AUTH_TOKEN": secrets.token_hex(16)}
    instance.mkdir(parents=True, exist_ok=True)
    draft = instance / f".{DEV_SECRETS_FILE}.{os.getpid()}"
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(made, out)
    try:
        os.link(draft, path)  # atomic, and never over a file another process (make run starts three) made first
    except FileExistsError:
        saved = _read_dev_secrets(path)
        if saved:
            made = saved
        else:
            os.replace(draft, path)  # a damaged file: ours replaces it
    finally:
        draft.unlink(missing_ok=True)
    return made


def _read_dev_secrets(path: Path) -> dict[str, str] | None:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    names = ("SECRET_KEY", "TWILIO_AUTH_TOKEN")
    return saved if isinstance(saved, dict) and all(isinstance(saved.get(n), str) for n in names) else None


def check_debug_database(url: str) -> None:
    """Refuse debug mode (the interactive debugger, relaxed secrets) on a database that is not on this machine."""
    parts = urlsplit(normalize_database_url(url))
    if parts.scheme.startswith("sqlite"):
        return
    if (parts.hostname or "") not in LOOPBACK_HOSTS:
        raise ConfigError(
            "FLASK_DEBUG=1 runs only against a database on this machine (SQLite or PostgreSQL on localhost); "
            "unset FLASK_DEBUG to use DATABASE_URL's server."
        )


@dataclass(frozen=True)
class Settings:
    """Every Holdline setting, typed and checked once at start-up; each field is its variable, lower-cased.

    Build it with `Settings.from_config` (which validates); the app keeps it as `settings_of(app)`.
    """

    database_url: str
    secret_key: str
    twilio_auth_token: str
    twilio_account_sid: str
    public_base_url: str
    hotline_timezone: str
    conversation_idle_days: int
    conversation_resume_after_minutes: int
    content_review_max_days: int  # `flask flows sources` lists legal texts reviewed longer ago as stale
    flows_dir: Path
    locales_dir: Path
    journal_dir: Path
    org_name: str
    legal_help_phone: str
    family_support_phone: str
    ice_locator_url: str
    staff_idle_minutes: int
    staff_login_max_failures: int
    staff_login_window_minutes: int
    staff_login_max_delay_seconds: int
    staff_session_max_hours: int
    staff_require_mfa: bool
    trusted_proxies: tuple[str, ...]
    twilio_from_number: str
    twilio_whatsapp_from: str
    twilio_messaging_service_sid: str
    twilio_api_base: str
    twilio_timeout_seconds: int
    outbox_max_attempts: int
    outbox_backoff_seconds: int
    alert_recipients: tuple[str, ...]
    alert_smtp_url: str
    alert_email_from: str
    alert_smtp_ca_file: str
    inbound_texts_per_hour: int = 60  # texts from one number handled per hour; more are stored, with one notice
    reply_segments_per_day: int = 150  # SMS segments of replies one number may receive per 24 hours
    alerts_per_hour: int = 10  # critical-report alerts per hour; more are summed up in one digest
    # Approved WhatsApp templates by staff template and locale, `received.es=HX…,closed.en=HX…` (the
    # Contacts page can set or override each); used outside a family's 24-hour WhatsApp window.
    whatsapp_templates: tuple[str, ...] = ()
    # The Content SIDs of the button and list shapes WhatsApp replies use, `buttons_2=HX…,list_5=HX…`, as
    # `flask --app wsgi whatsapp buttons` creates them and prints them; unset, WhatsApp replies are text only.
    whatsapp_buttons: tuple[str, ...] = ()
    # Locales whose bot texts are written in GSM-7 (locales/gsm7.yaml): `default` = the tables marked default, `none`
    sms_gsm7_locales: tuple[str, ...] = ("default",)
    holdline_data_keys: tuple[str, ...] = ()  # field encryption keys, newest first (bot/core/keys.py)
    holdline_index_key: str = ""  # the blind index's own key
    # `flask purge`: message bodies after this many days, a closed report's personal fields this long after
    # its closing; 0 keeps them for ever (unset or empty: the default)
    retain_messages_days: int = RETAIN_MESSAGES_DAYS
    retain_closed_reports_days: int = RETAIN_CLOSED_REPORTS_DAYS
    local: bool = False  # debug or tests: development secrets and a loopback Twilio are allowed

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *, local: bool) -> Settings:
        """Read the settings from a Flask-style mapping of variable names, refusing unsafe or broken ones."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            if item.name == "local":
                continue
            name = item.name.upper()
            raw = config.get(name, "")
            if raw == "" and item.default is not MISSING:
                values[item.name] = item.default
            elif item.type == "int":
                values[item.name] = _whole_number(name, raw)
            elif item.type == "bool":
                values[item.name] = raw if isinstance(raw, bool) else str(raw).strip().lower() in TRUE_WORDS
            elif item.type == "Path":
                values[item.name] = Path(raw)
            elif item.type == "tuple[str, ...]":
                parts = raw.split(",") if isinstance(raw, str) else list(raw)
                values[item.name] = tuple(part.strip() for part in parts if part.strip())
            else:
                values[item.name] = str(raw).strip()
        values["database_url"] = normalize_database_url(values["database_url"])
        values["public_base_url"] = values["public_base_url"].rstrip("/")
        values["twilio_api_base"] = values["twilio_api_base"].rstrip("/")
        settings = cls(**values, local=local)
        if not local:
            check_production_secrets(settings)
        settings.validate()
        return settings

    @property
    def zone(self) -> ZoneInfo:
        """The hotline's time zone, in which texters' and staff's times are read and shown."""
        return ZoneInfo(self.hotline_timezone)

    def whatsapp_template_sids(self) -> dict[str, str]:
        """The configured WhatsApp template SIDs, by `<template>.<locale>`."""
        return dict(entry.split("=", 1) for entry in self.whatsapp_templates)

    def whatsapp_button_sids(self) -> dict[str, str]:
        """The Content SIDs of WhatsApp's button and list shapes, by shape (`buttons_2`, `list_5`…)."""
        return dict(entry.split("=", 1) for entry in self.whatsapp_buttons)

    def contacts(self) -> dict[str, str]:
        """The configured contact details, by placeholder name (`legal_help_phone`)."""
        return {name.lower(): getattr(self, name.lower()) for name in CONTACT_DEFAULTS}

    def validate(self) -> None:
        """Check settings that would otherwise fail later, at the worst moment."""
        try:
            ZoneInfo(self.hotline_timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"HOTLINE_TIMEZONE {self.hotline_timezone!r} is not a known time zone.") from exc
        at_least_one = (
            "conversation_idle_days", "conversation_resume_after_minutes", "content_review_max_days",
            "staff_idle_minutes", "staff_login_max_failures", "staff_login_window_minutes", "outbox_max_attempts",
            "twilio_timeout_seconds", "inbound_texts_per_hour", "reply_segments_per_day", "alerts_per_hour",
            "staff_login_max_delay_seconds", "staff_session_max_hours",
        )  # fmt: skip
        for name in at_least_one:
            if getattr(self, name) < 1:
                raise ConfigError(f"{name.upper()} must be at least 1.")
        for name in ("retain_messages_days", "retain_closed_reports_days"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name.upper()} must be 0 (keep for ever) or a number of days.")
        if 0 < self.retain_messages_days < self.conversation_idle_days:
            raise ConfigError(
                f"RETAIN_MESSAGES_DAYS ({self.retain_messages_days}) must be at least CONVERSATION_IDLE_DAYS "
                f"({self.conversation_idle_days}): a conversation still in progress would lose its texts."
            )
        if self.outbox_backoff_seconds < 0:
            raise ConfigError("OUTBOX_BACKOFF_SECONDS must not be negative.")
        if self.twilio_api_base != TWILIO_API_BASE:
            # Only a local stand-in for Twilio (tests, `make run`) may replace the real API.
            loopback = (urlsplit(self.twilio_api_base).hostname or "") in LOOPBACK_HOSTS
            if not (loopback and self.local):
                raise ConfigError(
                    f"TWILIO_API_BASE must be {TWILIO_API_BASE} (a loopback URL only in debug and tests)."
                )
        emails = any("@" in recipient for recipient in self.alert_recipients)
        if emails and not (self.alert_smtp_url and self.alert_email_from):
            raise ConfigError("ALERT_RECIPIENTS lists an email address: set ALERT_SMTP_URL and ALERT_EMAIL_FROM too.")
        if self.alert_smtp_ca_file and not Path(self.alert_smtp_ca_file).is_file():
            raise ConfigError(f"ALERT_SMTP_CA_FILE {self.alert_smtp_ca_file!r} is not a file (a PEM bundle of CAs).")
        for proxy in self.trusted_proxies:
            try:
                ip_network(proxy, strict=False)
            except ValueError as exc:
                raise ConfigError(
                    f"TRUSTED_PROXIES: {proxy!r} is not an address or network (e.g. 10.0.0.0/8)."
                ) from exc
        for entry in self.whatsapp_templates:
            if not WHATSAPP_TEMPLATE_ENTRY.match(entry):
                raise ConfigError(
                    f"WHATSAPP_TEMPLATES: {entry!r} is not <template>.<locale>=<Content SID> (HX and 32 hex digits)."
                )
        for entry in self.whatsapp_buttons:
            if not WHATSAPP_BUTTONS_ENTRY.match(entry):
                raise ConfigError(
                    f"WHATSAPP_BUTTONS: {entry!r} is not <shape>=<Content SID> (such as buttons_2=HX and 32 hex "
                    "digits); `flask --app wsgi whatsapp buttons` prints the line to set."
                )
        if self.alert_smtp_url and urlsplit(self.alert_smtp_url).scheme not in ("smtp", "smtps"):
            raise ConfigError("ALERT_SMTP_URL must look like smtp://user:password@host:587 or smtps://…:465.")


def _whole_number(name: str, raw: Any) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    try:
        return int(str(raw).strip())
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}.") from exc


def check_production_secrets(settings: Settings) -> None:
    """Refuse to run in production with a missing or default secret, saying which and how to fix it."""
    problems = []
    hints = {
        "SECRET_KEY": 'a long random value, e.g. python -c "import secrets; print(secrets.token_hex(32))"',
        "TWILIO_AUTH_TOKEN": "the Auth Token from your Twilio console (Account > API keys & tokens)",
    }
    for name, hint in hints.items():
        value = str(getattr(settings, name.lower()) or "").strip()
        if not value:
            problems.append(f"{name} is not set. Set the {name} environment variable to {hint}.")
        elif value.lower() in UNSAFE_SECRETS:
            problems.append(f"{name} has a default value. Set the {name} environment variable to {hint}.")
        elif len(value) < MIN_SECRET_LENGTH:
            problems.append(f"{name} is too short (at least {MIN_SECRET_LENGTH} characters). Set it to {hint}.")
        elif _guessable(value):
            problems.append(f"{name} is too easy to guess. Set the {name} environment variable to {hint}.")
    if settings.secret_key and settings.secret_key.strip() == settings.twilio_auth_token.strip():
        problems.append("SECRET_KEY and TWILIO_AUTH_TOKEN are the same value: give SECRET_KEY its own random value.")
    if problems:
        raise ConfigError(
            "Holdline will not start in production with unsafe settings:\n  - "
            + "\n  - ".join(problems)
            + "\n(For local development, run with FLASK_DEBUG=1.)"
        )


def _guessable(value: str) -> bool:
    """Whether a long secret is still guessable: few distinct characters, or words and patterns (zxcvbn)."""
    from zxcvbn import zxcvbn

    if len(set(value)) < MIN_SECRET_DISTINCT:
        return True
    return zxcvbn(value[:100])["guesses_log10"] < 24  # random 32-hex tokens score 29-32; words and runs far less


def settings_of(app: Flask) -> Settings:
    """The app's settings, as checked when it was created."""
    return app.extensions["holdline.settings"]
