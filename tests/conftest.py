"""Fixtures: a fresh database per test on SQLite and PostgreSQL, the app, and a texter."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from bot.app import create_app
from bot.config import PROJECT_ROOT, normalize_database_url
from bot.engine.flow import SHIPPED_REVIEWER
from bot.hotline import Hotline
from bot.sms.simulator import Simulator
from bot.storage import crypto
from bot.storage.database import get_db
from bot.storage.migrate import upgrade
from bot.twilio.stub import TwilioStub

TEST_AUTH_TOKEN = "test-twilio-auth-token-0123456789"
JOURNALS = Path(tempfile.gettempdir()) / f"holdline-test-journals-{os.getpid()}"  # removed after the session
POSTGRES_URL = os.environ.get("HOLDLINE_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("HOLDLINE_REQUIRE_POSTGRES", "") == "1"
TABLES = (
    "contactsetting",
    "outbox",
    "reportevent",
    "assignment",
    "loginfailure",
    "staffsession",
    "recoverycode",
    "staffuser",
    "reportlink",
    "report",
    "message",
    "conversation",
    "contact",
)
# Tests that build no app (migrations, storage) read and write encrypted columns with this machine's
# development keys, made under instance/ like the app's own (bot/storage/crypto.py).
crypto.configure(crypto.dev_keyring(PROJECT_ROOT / "instance"))


def reviewed_flows(tmp_path: Path) -> Path:
    """A copy of flows/ whose legal texts name a reviewer, as the organisation's attorney must before going live."""
    flows = Path(shutil.copytree(PROJECT_ROOT / "flows", tmp_path / "reviewed-flows"))
    for path in flows.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace(SHIPPED_REVIEWER, "ARDC 6300000"), encoding="utf-8")
    return flows


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-transcripts", action="store_true", help="rewrite the replies in tests/transcripts/*.yaml"
    )


@pytest.fixture(scope="session", autouse=True)
def journals_removed() -> Iterator[None]:
    """Remove every test app's journal directory when the session ends."""
    yield
    shutil.rmtree(JOURNALS, ignore_errors=True)


@pytest.fixture(autouse=True)
def keyring_kept() -> Iterator[None]:
    """Give every test the development keyring back, whatever keys the apps it made were given."""
    before = crypto.keyring()
    yield
    crypto.configure(before)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database made for this test run and dropped after it."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("HOLDLINE_REQUIRE_POSTGRES=1 but HOLDLINE_TEST_POSTGRES_URL is not set")
        pytest.skip(
            "PostgreSQL tests skipped: set HOLDLINE_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1/test)"
        )
    admin_url = normalize_database_url(POSTGRES_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"holdline_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_URL}: {exc.orig}")
        pytest.skip(f"PostgreSQL tests skipped: no server at {POSTGRES_URL}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated, empty database: a SQLite file, or the PostgreSQL test database emptied."""
    if request.param == "sqlite":
        path = tmp_path / "holdline.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


def make_app(database_url: str, **overrides: object) -> Flask:
    """Create a test app on the given database."""
    config = {"TESTING": True, "DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN}
    JOURNALS.mkdir(exist_ok=True)
    config["JOURNAL_DIR"] = tempfile.mkdtemp(dir=JOURNALS)  # never the repository's instance/
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    yield app
    get_db(app).dispose()


@pytest.fixture
def db(app: Flask):  # noqa: ANN201
    return get_db(app)


@pytest.fixture
def hotline(app: Flask) -> Hotline:
    return app.extensions["holdline.hotline"]


class Clock:
    """A clock tests can move forward: `clock.advance(hours=2)`."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(hotline: Hotline) -> Clock:
    """Freeze the hotline's time at 2026-11-27 09:00 Chicago time; tests move it forward."""
    fake = Clock()
    hotline.clock = fake
    return fake


@pytest.fixture
def texter(app: Flask) -> Simulator:
    """A phone texting the hotline through the signed webhook."""
    return Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="+13125550123")


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh migrated SQLite database, for tests where the database engine does not matter."""
    path = tmp_path / "single.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_app(sqlite_url: str) -> Iterator[Flask]:
    app = make_app(sqlite_url)
    yield app
    get_db(app).dispose()


@pytest.fixture
def predictable_refs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hand out reference codes R-AAA2, R-AAA3… in order, so transcripts can quote them."""
    import itertools

    from bot.storage import reports

    codes = (f"R-AA{a}{b}" for a, b in itertools.product("ABCDEFGH", "23456789"))
    monkeypatch.setattr(reports, "new_ref", lambda length=4: next(codes))


@pytest.fixture
def twilio() -> Iterator[TwilioStub]:
    """The local Twilio stand-in on a free loopback port, for tests of what the hotline sends."""
    stub = TwilioStub().start()
    yield stub
    stub.stop()
