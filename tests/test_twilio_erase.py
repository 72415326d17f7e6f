"""DELETE asks Twilio to delete its copies of the texter's messages and photos, through the outbox, with retries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from bot.config import settings_of
from bot.outbox import Worker
from bot.sms.simulator import Simulator
from bot.storage.database import get_db
from bot.storage.models import Message, Outbox
from bot.storage.outbox_rows import TWILIO_DELETE
from bot.twilio.rest import TwilioSender
from bot.twilio.stub import TwilioStub
from tests.conftest import TEST_AUTH_TOKEN, make_app
from tests.test_at_rest import SENDER, file_by_text


@pytest.fixture
def app(database_url: str, twilio: TwilioStub) -> Iterator[Flask]:
    app = make_app(
        database_url,
        TWILIO_API_BASE=twilio.url,
        TWILIO_ACCOUNT_SID="AC" + "2" * 32,
        TWILIO_FROM_NUMBER="+13125550000",
        TWILIO_TIMEOUT_SECONDS=1,
        OUTBOX_BACKOFF_SECONDS=30,
    )
    yield app
    get_db(app).dispose()


def test_delete_has_twilio_delete_every_message_and_photo_retrying_failures(app: Flask, twilio: TwilioStub) -> None:
    file_by_text(app)
    with get_db(app).transaction() as session:
        sids = set(session.execute(select(Message.sid).where(Message.sid.is_not(None))).scalars())
    assert len(sids) > 20  # every text the family sent has Twilio's copy
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender=SENDER, extra={"FromState": "IL"})
    phone.send("DELETE")
    phone.send("YES")
    with get_db(app).transaction() as session:
        queued = list(session.execute(select(Outbox).where(Outbox.kind == TWILIO_DELETE)).scalars())
    assert queued and all(item.recipient == "" for item in queued)  # the resource is in the encrypted body
    clock = app.extensions["holdline.hotline"].clock
    worker = Worker(get_db(app), settings_of(app), TwilioSender(settings_of(app)), clock=clock)
    twilio.fail_next(500, times=2)
    worker.drain()
    with get_db(app).transaction() as session:
        waiting = session.execute(select(Outbox).where(Outbox.status == "pending")).scalars().all()
    assert len(waiting) == 2 and all("500" in item.last_error for item in waiting)
    clock.advance(seconds=30)
    worker.drain()
    deleted_messages = {message for message, media in twilio.deleted if media is None}
    assert ("MM1", "ME1") in twilio.deleted  # the photo of the papers
    assert deleted_messages >= sids and len(deleted_messages) >= len(sids) + 2  # and DELETE, YES themselves
    assert len(twilio.deleted) == len(queued)
    with get_db(app).transaction() as session:
        statuses = set(session.execute(select(Outbox.status).where(Outbox.kind == TWILIO_DELETE)).scalars())
    assert statuses == {"sent"}


def test_a_message_already_gone_at_twilio_counts_as_deleted(app: Flask, twilio: TwilioStub) -> None:
    sender = TwilioSender(settings_of(app))
    twilio.fail_next(404, times=1)
    assert sender.delete("SM" + "a" * 32).ok
    assert sender.delete("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM9/Media/ME9").ok
    assert twilio.deleted == [("MM9", "ME9")]
    assert not sender.delete("+13125550123").ok  # never a number: nothing is asked
