"""Logs cannot leak: every line of a run full of database errors, formatted as production writes it, is clean."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from flask import Flask

from bot.core.logsafe import JsonFormatter
from bot.hotline import Hotline
from bot.sms.simulator import Simulator
from bot.storage import conversations
from bot.storage.models import Message
from tests.sms.outage import database_down

NAME, OTHER_NAME, FACILITY = "Yolanda Quintanilla", "Bartolomeo", "Kankakee"
SENDER = "+13125550142"


class Everything(logging.Handler):
    """Keep every record of every logger, at every level."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_run_with_database_errors_logs_no_name_number_or_body(
    app: Flask, hotline: Hotline, db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = Everything()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # even echoed SQL must not carry parameters
    phone = Simulator(auth_token="test-twilio-auth-token-0123456789", app=app, sender=SENDER)
    try:
        phone.send("hello")
        phone.send("2")
        phone.send(f"my brother {NAME}")
        real_record = conversations.record_replies

        def failing_record(session, contact, message_id, replies):  # noqa: ANN001, ANN202
            # A statement that fails with the texter's words and number as its parameters.
            stray = Message(contact_id=987654, direction="out", channel="sms", body=OTHER_NAME + SENDER, status="x")
            session.add(stray)
            session.flush()
            real_record(session, contact, message_id, replies)

        monkeypatch.setattr(conversations, "record_replies", failing_record)
        phone.send(f"{OTHER_NAME} is his cousin")
        monkeypatch.setattr(conversations, "record_replies", real_record)
        with database_down(db, str(tmp_path)):  # refused connections while a report is under way
            phone.send(f"he is at {FACILITY} jail")
        from bot import recovery

        recovery.replay(hotline)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in handler.records]
    assert any("IntegrityError" in line for line in lines)  # the failures were logged...
    assert any("journaled" in line for line in lines)
    assert any('"message_sid": "SM' in line for line in lines) and all(json.loads(line) for line in lines)
    text = "\n".join(lines + [str(record.args) for record in handler.records])
    for secret in (NAME, "Yolanda", OTHER_NAME, FACILITY, SENDER, "5550142", "brother", "cousin"):
        assert secret not in text, secret  # ...without a name, number or word of the texter's
