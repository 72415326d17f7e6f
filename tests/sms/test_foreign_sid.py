"""A MessageSid already stored for one texter, arriving signed from another number, is refused and logged."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from sqlalchemy import select

from bot.sms.simulator import Simulator
from bot.storage.crypto import blind_index
from bot.storage.models import Contact, Message
from tests.conftest import TEST_AUTH_TOKEN
from tests.helpers import count


def test_a_duplicate_sid_from_another_number_never_gets_the_first_texters_replies(
    app: Flask, db, caplog: pytest.LogCaptureFixture
) -> None:
    first = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="+13125550123")
    other = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="+17735550199")
    form = first.form("hello")
    answered = first.post(form)
    assert answered.status == 200 and answered.texts
    stolen = other.form("hi", sid=form["MessageSid"])
    with caplog.at_level(logging.WARNING, logger="holdline"):
        reply = other.post(stolen)
    assert reply.status == 200 and reply.texts == []  # nothing of the first texter's conversation
    assert "MessageSid is stored for another sender" in caplog.text
    assert "+1773" not in caplog.text and "hi" not in caplog.messages[-1].split()
    with db.transaction() as session:
        other_id = session.execute(
            select(Contact.id).where(Contact.address_index == blind_index("+17735550199"))
        ).scalar_one()
        (kept,) = session.execute(select(Message).where(Message.contact_id == other_id)).scalars()
    assert kept.body == "hi" and kept.status == "refused" and kept.sid is None  # kept, as every text is
    assert count(db, Message, Message.reply_to_id == kept.id) == 0
    assert first.post(form).texts == answered.texts  # the real repeat delivery still gets its replies
