"""The outbox against a local Twilio stub: retries with backoff, timeouts, 21610, opted-out numbers, claims."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from bot.config import settings_of
from bot.outbox import Worker, backoff
from bot.storage import conversations, outbox_rows, reports
from bot.storage.crypto import blind_index
from bot.storage.database import get_db
from bot.storage.models import Contact, Message, Outbox
from bot.storage.outbox_rows import claim
from bot.twilio.rest import TwilioSender
from bot.twilio.stub import TwilioStub
from tests.conftest import make_app

START = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
ADDRESS = "+13125550123"


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def app(database_url: str, twilio: TwilioStub) -> Iterator[Flask]:
    app = make_app(
        database_url,
        TWILIO_API_BASE=twilio.url,
        TWILIO_ACCOUNT_SID="AC" + "2" * 32,
        TWILIO_FROM_NUMBER="+13125550000",
        TWILIO_TIMEOUT_SECONDS=1,
        OUTBOX_BACKOFF_SECONDS=30,
        OUTBOX_MAX_ATTEMPTS=4,
    )
    yield app
    get_db(app).dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def worker(app: Flask, clock: Clock) -> Worker:
    settings = settings_of(app)
    return Worker(get_db(app), settings, TwilioSender(settings), clock=clock)


def queue_text(app: Flask, body: str = "We received your report.", address: str = ADDRESS) -> int:
    with get_db(app).transaction() as session:
        contact = conversations.upsert_contact(session, address, "sms")
        message = conversations.queue_text(session, contact, body, START)
        return outbox_rows.enqueue_family_text(session, message.id, None, START).id


def row(app: Flask, item_id: int) -> Outbox:
    with get_db(app).transaction() as session:
        return session.get(Outbox, item_id)


def message_of(app: Flask, item: Outbox) -> Message:
    with get_db(app).transaction() as session:
        return session.get(Message, item.message_id)


def test_a_text_is_sent_and_its_sid_recorded(app: Flask, clock: Clock, twilio: TwilioStub) -> None:
    item_id = queue_text(app)
    assert worker(app, clock).drain() == 1
    (text,) = twilio.texts
    assert (text.to, text.from_, text.body) == (ADDRESS, "+13125550000", "We received your report.")
    assert text.account == "AC" + "2" * 32
    item = row(app, item_id)
    assert (item.status, item.attempts, item.provider_sid) == ("sent", 1, text.sid)
    assert message_of(app, item).status == "sent" and message_of(app, item).sid == text.sid
    assert worker(app, clock).drain() == 0  # nothing is sent twice


def test_server_errors_are_retried_with_exponential_backoff(app: Flask, clock: Clock, twilio: TwilioStub) -> None:
    item_id = queue_text(app)
    twilio.fail_next(500, times=2)
    w = worker(app, clock)
    w.drain()
    item = row(app, item_id)
    assert (item.status, item.attempts, item.next_attempt_at) == ("pending", 1, START + timedelta(seconds=30))
    assert "500" in item.last_error and ADDRESS not in item.last_error
    assert w.drain() == 0  # not due yet
    clock.now = START + timedelta(seconds=30)
    w.drain()
    item = row(app, item_id)
    assert (item.status, item.attempts, item.next_attempt_at) == ("pending", 2, clock.now + timedelta(seconds=60))
    clock.now += timedelta(seconds=60)
    w.drain()
    assert row(app, item_id).status == "sent"
    assert len(twilio.attempts) == 3 and len(twilio.texts) == 1
    assert [backoff(n, 30).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_a_text_fails_for_good_after_the_last_attempt(app: Flask, clock: Clock, twilio: TwilioStub) -> None:
    item_id = queue_text(app)
    twilio.fail_next(503, times=10)
    w = worker(app, clock)
    for _ in range(6):
        w.drain()
        clock.now += timedelta(hours=1)
    item = row(app, item_id)
    assert (item.status, item.attempts) == ("failed", 4)
    assert len(twilio.attempts) == 4
    assert message_of(app, item).status == "failed"


def test_a_timeout_is_retried(app: Flask, clock: Clock, twilio: TwilioStub) -> None:
    item_id = queue_text(app)
    twilio.delay = 1.5  # longer than TWILIO_TIMEOUT_SECONDS
    worker(app, clock).drain()
    item = row(app, item_id)
    assert item.status == "pending" and "Timeout" in item.last_error
    twilio.delay = 0
    clock.now += timedelta(seconds=30)
    worker(app, clock).drain()
    assert row(app, item_id).status == "sent"


def test_21610_marks_the_number_opted_out_and_is_never_retried(app: Flask, clock: Clock, twilio: TwilioStub) -> None:
    item_id = queue_text(app)
    later_id = queue_text(app, "A second text.")
    twilio.opt_out(ADDRESS)
    w = worker(app, clock)
    w.drain()
    assert (row(app, item_id).status, row(app, item_id).attempts) == ("opted_out", 1)
    assert "21610" in row(app, item_id).last_error
    assert message_of(app, row(app, item_id)).status == "opted_out"
    with get_db(app).transaction() as session:
        assert session.execute(
            select(Contact.opted_out).where(Contact.address_index == blind_index(ADDRESS))
        ).scalar_one()
    # The second text was claimed in the same batch and got 21610 too, or was stopped before sending.
    assert row(app, later_id).status == "opted_out"
    clock.now += timedelta(days=1)
    w.drain()
    assert len(twilio.attempts) <= 2 and twilio.texts == []


def test_an_opted_out_contact_is_not_texted_even_if_already_queued(
    app: Flask, clock: Clock, twilio: TwilioStub
) -> None:
    item_id = queue_text(app)
    with get_db(app).transaction() as session:
        contact = session.execute(select(Contact).where(Contact.address_index == blind_index(ADDRESS))).scalar_one()
        conversations.set_opted_out(contact, True, START)
        session.add(contact)
    worker(app, clock).drain()
    assert row(app, item_id).status == "opted_out"
    assert twilio.attempts == []


def test_other_client_errors_fail_without_retry(app: Flask, clock: Clock, twilio: TwilioStub) -> None:
    item_id = queue_text(app)
    twilio.fail_next(400, code=21211)  # invalid 'To' number
    worker(app, clock).drain()
    assert (row(app, item_id).status, row(app, item_id).attempts) == ("failed", 1)


def test_a_text_erased_before_sending_is_dropped(app: Flask, clock: Clock, twilio: TwilioStub) -> None:
    item_id = queue_text(app)
    with get_db(app).transaction() as session:
        contact = session.execute(select(Contact).where(Contact.address_index == blind_index(ADDRESS))).scalar_one()
        reports.erase_contact_data(session, contact)
    worker(app, clock).drain()
    assert row(app, item_id) is None and twilio.attempts == []


@pytest.mark.postgres
def test_two_workers_never_claim_the_same_rows(postgres_url: str, twilio: TwilioStub) -> None:
    from tests.conftest import TABLES

    app = make_app(postgres_url, TWILIO_API_BASE=twilio.url)
    db = get_db(app)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    ids = {queue_text(app, f"text {i}", address=f"+1312555{i:04d}") for i in range(6)}
    with db.transaction() as first, db.transaction() as second:
        mine = claim(first, START + timedelta(seconds=1), limit=3)
        theirs = claim(second, START + timedelta(seconds=1), limit=10)
    assert len(mine) == 3 and set(mine).isdisjoint(theirs) and set(mine) | set(theirs) == ids
    db.dispose()


def test_flask_outbox_work_once_sends_what_is_due(app: Flask, twilio: TwilioStub) -> None:
    queue_text(app)
    result = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert len(twilio.texts) == 1
    status = app.test_cli_runner().invoke(args=["outbox", "status"])
    assert "family_text\tsent\t1" in status.output


class Stop(Exception):
    """Ends a worker loop in a test (the loop itself never ends on an error)."""


def test_the_worker_survives_a_database_that_fails_backs_off_and_sends_once_it_is_back(
    app: Flask, clock: Clock, twilio: TwilioStub, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.sms.outage import database_down

    item_id = queue_text(app)
    pauses: list[float] = []
    w = worker(app, clock)
    db = get_db(app)

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 4:
            raise Stop

    ticks: list[int] = []
    with database_down(db, str(tmp_path)), pytest.raises(Stop):
        w.run(poll_seconds=1, once=False, tick=lambda: ticks.append(1), sleep=sleep)
    assert pauses == [2, 4, 8, 16] and len(ticks) == 4  # backed off, never exited, the tick kept running
    assert "outbox pass 4 failed: sqlalchemy.exc.OperationalError" in caplog.text
    assert twilio.texts == []
    w.run(poll_seconds=1, once=True)
    assert row(app, item_id).status == "sent" and len(twilio.texts) == 1


def test_a_text_journaled_in_an_outage_is_answered_by_the_worker_once_the_database_is_back(
    app: Flask, twilio: TwilioStub, tmp_path
) -> None:
    from bot.sms.simulator import Simulator
    from tests.conftest import TEST_AUTH_TOKEN
    from tests.sms.outage import database_down

    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender=ADDRESS)
    runner = app.test_cli_runner()
    with database_down(get_db(app), str(tmp_path)):
        assert phone.send("hello").texts == ["We received your message and will answer you by text shortly."]
        assert runner.invoke(args=["outbox", "work", "--once"]).exit_code == 0  # down: the worker just waits
    assert twilio.texts == []
    assert runner.invoke(args=["outbox", "work", "--once"]).exit_code == 0
    assert [text.to for text in twilio.texts] == [ADDRESS, ADDRESS]
    assert twilio.texts[0].body.startswith("Welcome to Holdline.")
    assert runner.invoke(args=["outbox", "work", "--once"]).exit_code == 0
    assert len(twilio.texts) == 2  # replayed once


def test_outbox_status_shows_how_long_the_oldest_unsent_row_has_waited(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert "nothing waiting to be sent" in runner.invoke(args=["outbox", "status"]).output
    queue_text(app)  # queued at START, long before now
    output = runner.invoke(args=["outbox", "status"]).output
    assert "family_text\tpending\t1" in output
    waited = int(output.split("oldest waiting: ")[1].split(" s")[0])
    assert abs(waited - (datetime.now(UTC) - START).total_seconds()) < 60
