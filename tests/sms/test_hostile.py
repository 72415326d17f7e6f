"""Hostile and odd input: NUL and surrogates kept losslessly, oversized requests refused before parsing."""

from __future__ import annotations

import time
import urllib.parse

from flask import Flask

from bot import recovery
from bot.core.inbound import Inbound
from bot.core.text import MAX_BODY, from_raw_bytes
from bot.hotline import Hotline
from bot.sms.simulator import Simulator
from bot.storage.models import Contact, Message
from tests.helpers import count, inbound_messages


def test_a_nul_character_is_stored_shown_visibly_and_kept_exactly(texter: Simulator, db) -> None:
    reply = texter.send("my son\x00 is held")
    assert reply.status == 200 and reply.texts
    (stored,) = inbound_messages(db)
    assert stored.body == "my son\u2400 is held" and stored.status == "handled"
    assert from_raw_bytes(stored.raw_body) == "my son\x00 is held"


def test_a_lone_surrogate_is_stored_and_replayed_exactly(hotline: Hotline, db) -> None:
    body = "hola \ud800 ayuda\x00"
    hotline.receive(Inbound("SM" + "5" * 32, "+13125550188", "sms", body))
    (stored,) = inbound_messages(db)
    assert stored.body == "hola \ufffd ayuda\u2400" and from_raw_bytes(stored.raw_body) == body
    hotline.journal.append(Inbound("SM" + "6" * 32, "+13125550188", "sms", body), hotline.clock())
    (entry,) = hotline.journal.waiting()
    assert entry.inbound.body == body
    assert recovery.replay(hotline).journaled == 1
    assert [m.status for m in inbound_messages(db)] == ["handled", "handled"]


def test_a_body_longer_than_twilio_sends_is_stored_whole_and_read_to_the_limit(texter: Simulator, db) -> None:
    long = "hello " + "x" * 5000
    assert texter.send(long).status == 200
    (stored,) = inbound_messages(db)
    assert stored.body == long and stored.status == "handled" and len(long) > MAX_BODY


def test_an_oversized_body_is_refused_with_413_before_parsing(app: Flask, texter: Simulator, db) -> None:
    form = texter.form("x" * 70_000)
    response = app.test_client().post("/sms", data=form, headers={"X-Twilio-Signature": "junk"})
    assert response.status_code == 413
    assert count(db, Message) == 0 and count(db, Contact) == 0


def test_a_request_with_thousands_of_fields_is_refused_cheaply(app: Flask, texter: Simulator, db) -> None:
    fields = {**texter.form("hi"), **{f"f{i}": "1" for i in range(6_000)}}
    data = urllib.parse.urlencode(fields)
    assert len(data) < 64 * 1024  # under the size limit: the field count is what refuses it
    started = time.process_time()
    for _ in range(20):
        response = app.test_client().post(
            "/sms",
            data=data,
            content_type="application/x-www-form-urlencoded",
            headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
        )
        assert response.status_code == 413
    assert time.process_time() - started < 2  # 20 refusals; parsing and signing 6,000 fields each costs more
    assert count(db, Message) == 0


def test_a_signed_request_with_a_malformed_sid_or_sender_gets_400(texter: Simulator, db) -> None:
    assert texter.post(texter.form("hi", sid="SM\x00abc")).status == 400
    assert texter.post({**texter.form("hi"), "From": "+1312\x00555"}).status == 400
    assert texter.post({**texter.form("hi"), "NumMedia": "-3", "FromState": "I\x00L"}).status == 200
    assert count(db, Message, Message.direction == "in") == 1
