"""Real headless Chromium against the app served on 127.0.0.1, with Twilio played by a local stub.

Skipped (saying why) when /usr/bin/chromium or Playwright is missing; failing instead when
HOLDLINE_REQUIRE_BROWSER=1, as CI sets it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

from bot.config import PROJECT_ROOT
from bot.storage.database import get_db
from bot.twilio.stub import TwilioStub
from tests.conftest import make_app
from tests.staff.conftest import spanish_locales, staff_settings  # noqa: F401 (a fixture used here)

CHROMIUM = "/usr/bin/chromium"
# Screenshots the browser tests keep, for people to look at (git-ignored; CI may collect the folder).
ARTEFACTS = Path(os.environ.get("HOLDLINE_ARTEFACTS", PROJECT_ROOT / "test-results" / "screenshots"))
REQUIRE = os.environ.get("HOLDLINE_REQUIRE_BROWSER", "") == "1"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        if REQUIRE:
            pytest.fail(f"HOLDLINE_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def twilio() -> Iterator[TwilioStub]:
    stub = TwilioStub().start()
    yield stub
    stub.stop()


@contextmanager
def serving(app: Flask) -> Iterator[tuple[Flask, str]]:
    """Serve `app` over HTTP on 127.0.0.1 in a thread; yield it and its base URL, then stop and close it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        get_db(app).dispose()


@pytest.fixture
def served(browser: Any, sqlite_url: str, twilio: TwilioStub, spanish_locales: Path) -> Iterator[tuple[Flask, str]]:  # noqa: F811
    """The app on a fresh SQLite file, served over HTTP on 127.0.0.1 in a thread."""
    with serving(make_app(sqlite_url, **staff_settings(twilio, spanish_locales))) as served:
        yield served


@pytest.fixture
def served_catalogs(browser: Any, sqlite_url: str, twilio: TwilioStub) -> Iterator[tuple[Flask, str]]:
    """Like `served`, with the hotline's real catalogs (locales/): the bot speaks every language it ships."""
    with serving(make_app(sqlite_url, **staff_settings(twilio, PROJECT_ROOT / "locales"))) as served:
        yield served


@pytest.fixture
def artefacts() -> Path:
    """The folder screenshots are saved in (test-results/screenshots/, or $HOLDLINE_ARTEFACTS)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


@pytest.fixture
def served_https(
    browser: Any,
    sqlite_url: str,
    twilio: TwilioStub,
    spanish_locales: Path,  # noqa: F811
    tmp_path: Path,
) -> Iterator[tuple[Flask, str]]:
    """The app as deployed: plain http on 127.0.0.1 behind a TLS-terminating proxy sending X-Forwarded-Proto.

    The certificate is made for this test; the app trusts the proxy's hop (TRUSTED_PROXIES) and its
    session cookie is Secure, as in production.
    """
    from tests.tls import TlsProxy, self_signed, server_context

    app = make_app(sqlite_url, TRUSTED_PROXIES="127.0.0.1", **staff_settings(twilio, spanish_locales))
    app.config["SESSION_COOKIE_SECURE"] = True
    with serving(app) as (_app, base):
        proxy = TlsProxy(urlsplit(base).port or 0, server_context(*self_signed(tmp_path)))
        yield app, proxy.url
        proxy.stop()


@pytest.fixture
def https_page(browser: Any) -> Iterator[Any]:
    """A page in a browser context told to accept the test's own certificate (and nothing else changed)."""
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
