"""`flask chat`: a newcomer texts the bot from a terminal through the signed webhook."""

from __future__ import annotations

from flask import Flask

from tests.helpers import count, inbound_messages


def test_chat_sends_signed_texts_and_prints_the_replies(sqlite_app: Flask) -> None:
    from bot.storage.models import Message

    result = sqlite_app.test_cli_runner().invoke(args=["chat", "--sender", "+13125550177"], input="hi\n4\n")
    assert result.exit_code == 0, result.output
    assert "bot> Welcome to Holdline." in result.output
    assert "bot> ICE's locator" in result.output
    db = sqlite_app.extensions["holdline.db"]
    assert [m.body for m in inbound_messages(db)] == ["hi", "4"]
    assert count(db, Message, Message.direction == "out") == 3  # welcome, menu, locator


def test_chat_as_whatsapp(sqlite_app: Flask) -> None:
    result = sqlite_app.test_cli_runner().invoke(args=["chat", "--whatsapp"], input="hola\n")
    assert "Texting Holdline as whatsapp:+13125550100" in result.output
    (stored,) = inbound_messages(sqlite_app.extensions["holdline.db"])
    assert stored.channel == "whatsapp"
