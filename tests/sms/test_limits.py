"""Abuse limits: a flood from one number is stored, noticed once, and cannot cost more than its budget."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from bot.core.segments import count_segments
from bot.sms.simulator import Simulator
from bot.storage.database import get_db
from bot.storage.models import Message
from tests.conftest import TEST_AUTH_TOKEN, make_app
from tests.helpers import count, inbound_messages


def test_a_flood_is_stored_gets_one_notice_and_does_not_touch_others(database_url: str) -> None:
    app = make_app(database_url, INBOUND_TEXTS_PER_HOUR=5)
    flood = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="+13125550111")
    other = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="+13125550112")
    replies = [flood.send(f"text {i}") for i in range(12)]
    assert all(reply.status == 200 for reply in replies)
    assert all(reply.texts for reply in replies[:5])
    assert replies[5].texts == [
        "You have sent us many messages in a short time. They are all saved and staff can read them; we will not "
        "answer each one. To talk to a person, call (312) 660-1370."
    ]
    assert all(reply.texts == [] for reply in replies[6:])  # one notice only
    db = get_db(app)
    stored = [m for m in inbound_messages(db) if m.body.startswith("text ")]
    assert [m.status for m in stored] == ["handled"] * 5 + ["limited"] * 7  # every text kept
    assert other.send("hello").texts[0].startswith("Welcome")  # another number is answered as usual
    assert flood.send("STOP").texts[0].startswith("You will get no more texts")  # STOP always works
    db.dispose()


def test_replies_stop_at_the_daily_segment_budget(database_url: str) -> None:
    app = make_app(database_url, REPLY_SEGMENTS_PER_DAY=6)
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="+13125550113")
    for body in ("hello", "menu", "menu", "menu", "menu", "menu"):
        assert phone.send(body).status == 200
    db = get_db(app)
    with db.transaction() as session:
        replies = session.execute(select(Message.body).where(Message.direction == "out")).scalars().all()
    assert replies and 0 < sum(count_segments(body) for body in replies) <= 6
    assert count(db, Message, Message.direction == "in", Message.status == "handled") == 6  # every text handled
    db.dispose()


def test_the_limits_are_settings_with_defaults(app: Flask) -> None:
    from bot.config import settings_of

    settings = settings_of(app)
    assert (settings.inbound_texts_per_hour, settings.reply_segments_per_day, settings.alerts_per_hour) == (60, 150, 10)
