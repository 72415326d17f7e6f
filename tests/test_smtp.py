"""Alert email only over TLS with a verified certificate: STARTTLS or smtps, never in clear; refusals logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import settings_of
from bot.outbox import SmtpMailer
from bot.storage.database import get_db
from tests.conftest import make_app
from tests.smtp_stub import SmtpStub
from tests.tls import self_signed, server_context


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def stubs() -> Iterator[list[SmtpStub]]:
    made: list[SmtpStub] = []
    yield made
    for stub in made:
        stub.stop()


def mailer(sqlite_url: str, url: str, ca_file: Path | None) -> SmtpMailer:
    app = make_app(
        sqlite_url,
        ALERT_SMTP_URL=url,
        ALERT_EMAIL_FROM="holdline@example.org",
        ALERT_SMTP_CA_FILE=str(ca_file or ""),
    )
    get_db(app).dispose()
    return SmtpMailer(settings_of(app))


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
def test_alerts_are_sent_over_verified_tls_and_the_password_only_encrypted(
    sqlite_url: str, certificate: tuple[Path, Path], stubs: list[SmtpStub], implicit: bool
) -> None:
    stub = SmtpStub(tls=server_context(*certificate), implicit=implicit)
    stubs.append(stub)
    result = mailer(sqlite_url, stub.url_with_login(), certificate[0])("oncall@example.org", "Critical", "R-AAAA")
    assert result.sid == "email" and not result.error
    assert [m["To"] for m in stub.messages] == ["oncall@example.org"]
    assert stub.auth and all(seen.encrypted for seen in stub.auth)


def test_a_server_without_starttls_gets_nothing(
    sqlite_url: str, stubs: list[SmtpStub], caplog: pytest.LogCaptureFixture
) -> None:
    stub = SmtpStub()  # plain SMTP only
    stubs.append(stub)
    with caplog.at_level(logging.ERROR, logger="holdline"):
        result = mailer(sqlite_url, stub.url_with_login(), None)("oncall@example.org", "Critical", "R-AAAA")
    assert result.sid is None and result.error == "smtp: no STARTTLS offered" and result.retry
    assert stub.messages == [] and stub.auth == []  # neither the alert nor the password went out in clear
    assert "offers no STARTTLS" in caplog.text and "mail-password" not in caplog.text


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
def test_a_certificate_that_does_not_verify_gets_nothing(
    sqlite_url: str,
    certificate: tuple[Path, Path],
    stubs: list[SmtpStub],
    caplog: pytest.LogCaptureFixture,
    implicit: bool,
) -> None:
    stub = SmtpStub(tls=server_context(*certificate), implicit=implicit)
    stubs.append(stub)
    with caplog.at_level(logging.ERROR, logger="holdline"):
        result = mailer(sqlite_url, stub.url_with_login(), None)("oncall@example.org", "Critical", "R-AAAA")
    assert result.error == "smtp: certificate not verified"
    assert stub.messages == [] and stub.auth == []
    assert "certificate was refused" in caplog.text


def test_a_missing_ca_file_is_refused_at_start(sqlite_url: str, tmp_path: Path) -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="ALERT_SMTP_CA_FILE"):
        make_app(sqlite_url, ALERT_SMTP_CA_FILE=str(tmp_path / "missing.pem"))
