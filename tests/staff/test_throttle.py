"""Failed logins slow the next try (per account and per address) but never lock staff out; addresses via proxies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from bot.staff.accounts import Throttle
from bot.staff.addresses import client_address, trusted_networks
from bot.storage.database import get_db
from bot.storage.models import LoginFailure, utcnow
from bot.storage.staff_accounts import Failures
from tests.conftest import make_app
from tests.staff.conftest import staff_settings
from tests.staff.helpers import add_staff, login

WRONG = "wrong password here"
NOW = utcnow()
THROTTLE = Throttle(max_failures=5, window=timedelta(minutes=15), max_delay=timedelta(seconds=60))


def _age_failures(app: Flask, seconds: float) -> None:
    with get_db(app).transaction() as session:
        for failure in session.execute(select(LoginFailure)).scalars():
            failure.at -= timedelta(seconds=seconds)
            session.add(failure)


def test_the_wait_doubles_after_the_free_tries_and_stops_at_the_cap() -> None:
    waits = [THROTTLE.wait(Failures(n, NOW, 0, None), NOW) for n in range(4, 12)]
    assert waits == [0, 2, 4, 8, 16, 32, 60, 60]
    assert THROTTLE.wait(Failures(1000, NOW, 0, None), NOW) == 60  # never a lock
    assert THROTTLE.wait(Failures(6, NOW - timedelta(seconds=3), 0, None), NOW) == 1
    by_address = [THROTTLE.wait(Failures(0, None, n, NOW), NOW) for n in (19, 20, 25, 40)]
    assert by_address == [0, 2, 60, 60]  # an address guessing across accounts: also capped, so never a lock


def test_after_failures_even_the_right_password_waits_then_works(staff_app: Flask, worker_id: int) -> None:
    client = staff_app.test_client()
    for _ in range(5):
        assert login(client, "worker@example.org", WRONG).status_code == 401
    slowed = login(client, "worker@example.org")
    assert slowed.status_code == 429
    assert "Wait 2 seconds" in slowed.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    _age_failures(staff_app, 3)
    assert login(client, "worker@example.org").status_code == 302


def test_an_attacker_cannot_lock_the_real_user_out(staff_app: Flask, worker_id: int) -> None:
    attacker = staff_app.test_client()
    for i in range(40):  # from many addresses, as a botnet would; tries during a wait are refused unchecked
        _age_failures(staff_app, 61)  # each try as soon as the previous wait (at most 60 s) is over
        attacker.environ_base["REMOTE_ADDR"] = f"10.1.0.{i}"
        assert login(attacker, "worker@example.org", WRONG).status_code == 401
    real = staff_app.test_client()
    real.environ_base["REMOTE_ADDR"] = "10.2.0.1"
    assert login(real, "worker@example.org").status_code == 429  # just after a failed guess: a short wait
    _age_failures(staff_app, 61)
    assert login(real, "worker@example.org").status_code == 302  # at most STAFF_LOGIN_MAX_DELAY_SECONDS later


def test_one_address_guessing_across_accounts_waits(staff_app: Flask, worker_id: int) -> None:
    client = staff_app.test_client()
    for i in range(20):
        login(client, f"guess{i}@example.org", WRONG)
    assert login(client, "worker@example.org").status_code == 429
    other = staff_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    assert login(other, "worker@example.org").status_code == 302


def test_a_spoofed_forwarded_for_does_not_escape_the_per_address_wait(staff_app: Flask, worker_id: int) -> None:
    client = staff_app.test_client()  # reaching the app directly (no proxy in TRUSTED_PROXIES)
    for i in range(20):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{i}"
        login(client, f"guess{i}@example.org", WRONG)
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    assert login(client, "worker@example.org").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    database_url: str, twilio: object, spanish_locales: object
) -> None:
    app = make_app(database_url, TRUSTED_PROXIES="127.0.0.1", **staff_settings(twilio, spanish_locales))
    add_staff(app, "wes@example.org")
    client = app.test_client()
    for i in range(20):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
        login(client, f"guess{i}@example.org", WRONG)
    assert login(client, "wes@example.org").status_code == 429
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"  # another client behind the same proxy
    assert login(client, "wes@example.org").status_code == 302
    get_db(app).dispose()


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.5", "1.2.3.4", (), "203.0.113.5"),  # no trusted proxy: the peer, whatever it claims
        ("10.0.0.2", "1.2.3.4", ("10.0.0.0/8",), "1.2.3.4"),
        ("10.0.0.2", "6.6.6.6, 1.2.3.4", ("10.0.0.0/8",), "1.2.3.4"),  # the client's own spoofed hop is ignored
        ("10.0.0.2", "1.2.3.4, 10.0.0.9", ("10.0.0.0/8",), "1.2.3.4"),  # two proxies of ours
        ("10.0.0.2", "", ("10.0.0.0/8",), "10.0.0.2"),
        ("::1", "2001:db8::1", ("::1",), "2001:db8::1"),
        ("10.0.0.2", "garbage", ("10.0.0.0/8",), "garbage"),
    ],
)
def test_client_address_walks_back_through_trusted_proxies_only(
    peer: str, forwarded: str, trusted: tuple[str, ...], expected: str
) -> None:
    assert client_address(peer, forwarded, trusted_networks(trusted)) == expected


def test_trusted_proxies_must_be_addresses(sqlite_url: str) -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        make_app(sqlite_url, TRUSTED_PROXIES="heroku")


def test_tries_during_a_wait_are_not_counted(staff_app: Flask, worker_id: int) -> None:
    client = staff_app.test_client()
    for _ in range(5):
        login(client, "worker@example.org", WRONG)
    for _ in range(10):  # hammering while told to wait
        assert login(client, "worker@example.org", WRONG).status_code == 429
    with get_db(staff_app).transaction() as session:
        assert session.execute(select(func.count()).select_from(LoginFailure)).scalar_one() == 5
