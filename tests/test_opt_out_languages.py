"""Opting out works in every language, whatever language the number was talking in."""

from __future__ import annotations

import pytest
from flask import Flask

from bot.core.segments import folded_if_cheaper
from bot.sms.simulator import Simulator
from tests.conftest import TEST_AUTH_TOKEN
from tests.helpers import contact


@pytest.mark.parametrize(
    "text",
    ["alto", "ALTO por favor", "no mas mensajes", "arrêtez", "rezygnuje z sms", "توقف", "退订", "sispann"],
)
def test_an_opt_out_in_any_language_stops_an_english_conversation(sqlite_app: Flask, text: str) -> None:
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=sqlite_app, sender="+13125550190")
    assert phone.send("hello").texts[0].startswith("Welcome to Holdline")
    reply = phone.send(text)
    assert len(reply.texts) == 1  # one confirmation, in the language of the word
    assert contact(sqlite_app.extensions["holdline.db"], phone.sender).opted_out is True
    assert phone.send("menu").texts == []


def test_a_first_stop_in_spanish_is_confirmed_in_spanish(sqlite_app: Flask) -> None:
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=sqlite_app, sender="+13125550191")
    reply = phone.send("alto")
    hotline = sqlite_app.extensions["holdline.hotline"]
    spanish = hotline.catalogs.translator("es")("system.stopped", hotline.flows.messages["stopped"])
    assert reply.texts == [folded_if_cheaper(spanish.format(org_name="Holdline"), hotline.speech.folds.get("es"))]
    assert contact(sqlite_app.extensions["holdline.db"], phone.sender).locale == "es"
