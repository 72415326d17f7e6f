"""POST /sms: signatures, idempotency, channels, and never losing a text."""

from __future__ import annotations

import logging
from xml.etree import ElementTree

import pytest
from flask import Flask

from bot.core.segments import count_segments
from bot.engine import runner
from bot.sms.simulator import Simulator
from bot.storage.models import Contact, Message
from tests.conftest import TEST_AUTH_TOKEN, make_app
from tests.helpers import count, inbound_messages


def test_a_first_text_is_stored_and_answered_with_welcome_and_menu(texter: Simulator, db) -> None:
    reply = texter.send("hello")
    assert reply.status == 200
    assert reply.content_type.startswith("text/xml")
    assert reply.texts[0].startswith("Welcome to Holdline.")
    assert "1 Know your rights" in reply.texts[1]
    (stored,) = inbound_messages(db)
    assert stored.body == "hello" and stored.status == "handled" and stored.channel == "sms"
    assert count(db, Message, Message.reply_to_id == stored.id) == 2


def test_forged_signature_is_refused_and_nothing_is_stored(texter: Simulator, db) -> None:
    reply = texter.post(texter.form("hello"), headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
    assert reply.status == 403
    assert count(db, Message) == 0 and count(db, Contact) == 0


def test_missing_signature_is_refused(app: Flask, db) -> None:
    form = Simulator(auth_token=TEST_AUTH_TOKEN).form("hello")
    response = app.test_client().post("/sms", data=form)
    assert response.status_code == 403
    assert count(db, Message) == 0


def test_signature_for_other_fields_is_refused(texter: Simulator, db) -> None:
    form = texter.form("hello")
    good = texter.signature("http://localhost/sms", form)
    tampered = {**form, "Body": "STOP"}
    reply = texter.post(tampered, headers={"X-Twilio-Signature": good})
    assert reply.status == 403
    assert count(db, Message) == 0


def test_signature_with_another_token_is_refused(app: Flask, db) -> None:
    stranger = Simulator(auth_token="someone-elses-token", app=app)
    assert stranger.send("hello").status == 403
    assert count(db, Message) == 0


def test_https_url_behind_a_proxy_validates(app: Flask, db) -> None:
    # Twilio called and signed https://hotline.example.org/sms; the proxy forwards plain HTTP.
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, base_url="http://localhost")
    phone.signed_base_url = "https://hotline.example.org"
    form = phone.form("hello")
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hotline.example.org"}
    assert phone.post(form, headers=headers).status == 200
    # Without the forwarded headers the same signature no longer matches the URL.
    assert phone.post(phone.form("again")).status == 403
    assert count(db, Message, Message.direction == "in") == 1


def test_public_base_url_is_what_gets_validated(database_url: str) -> None:
    app = make_app(database_url, PUBLIC_BASE_URL="https://sms.example.org")
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, signed_base_url="https://sms.example.org")
    assert phone.send("hi").status == 200
    plain = Simulator(auth_token=TEST_AUTH_TOKEN, app=app)  # signs http://localhost/sms
    assert plain.send("hi").status == 403


def test_the_same_message_sid_twice_is_stored_once_with_the_same_reply(texter: Simulator, db) -> None:
    form = texter.form("hello", sid="SM" + "1" * 32)
    first = texter.post(form)
    second = texter.post(form)
    assert first.status == second.status == 200
    assert first.texts == second.texts and first.texts
    assert count(db, Message, Message.direction == "in") == 1
    assert count(db, Message, Message.direction == "out") == len(first.texts)


def test_a_repeated_delivery_does_not_move_the_conversation(texter: Simulator, db) -> None:
    texter.send("hi")
    form = texter.form("1")
    assert texter.post(form).texts[0].startswith("Your rights")
    assert texter.post(form).texts[0].startswith("Your rights")
    # Had "1" run twice, the second would have picked topic 1 inside the rights menu.
    assert "ICE hold" not in " ".join(texter.send("menu").texts)


def test_whatsapp_senders_are_answered_on_their_channel(app: Flask, db) -> None:
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="whatsapp:+13125550199")
    reply = phone.send("hola")
    assert reply.status == 200 and reply.texts
    (stored,) = inbound_messages(db)
    assert stored.channel == "whatsapp"
    with db.transaction() as session:
        assert session.get(Contact, stored.contact_id).channel == "whatsapp"


def test_media_urls_are_stored_with_the_text(texter: Simulator, db) -> None:
    texter.send(
        "papers",
        NumMedia="2",
        MediaUrl0="https://api.twilio.com/m/ME1",
        MediaContentType0="image/jpeg",
        MediaUrl1="https://api.twilio.com/m/ME2",
        MediaContentType1="image/png",
    )
    (stored,) = inbound_messages(db)
    assert stored.media == [
        {"url": "https://api.twilio.com/m/ME1", "content_type": "image/jpeg"},
        {"url": "https://api.twilio.com/m/ME2", "content_type": "image/png"},
    ]


def test_a_signed_request_without_sender_gets_a_clear_400(texter: Simulator, db) -> None:
    form = texter.form("hi")
    del form["From"]
    reply = texter.post(form)
    assert reply.status == 400
    assert count(db, Message) == 0


def test_an_engine_error_apologises_keeps_the_text_and_logs_nothing_personal(
    texter: Simulator, db, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret_words = "my brother Juan Perez is at Cook County"

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError(f"cannot handle {secret_words!r} from {texter.sender}")

    monkeypatch.setattr(runner, "handle", broken)
    caplog.set_level(logging.DEBUG)
    reply = texter.send(secret_words)
    assert reply.status == 200
    assert reply.texts == [
        "Sorry, something went wrong on our side. Your message was saved. Please try again, or call (312) 660-1370."
    ]
    (stored,) = inbound_messages(db)
    assert stored.body == secret_words and stored.status == "failed"
    logged = caplog.text
    assert "ValueError" in logged  # the error is logged...
    assert "Juan" not in logged and "Cook" not in logged  # ...without the words
    assert texter.sender not in logged and "5550123" not in logged  # ...or the number


def test_twiml_is_well_formed_xml_with_message_elements(texter: Simulator, app: Flask) -> None:
    form = texter.form("hello")
    url = "http://localhost/sms"
    response = app.test_client().post("/sms", data=form, headers={"X-Twilio-Signature": texter.signature(url, form)})
    root = ElementTree.fromstring(response.get_data())
    assert root.tag == "Response"
    assert [child.tag for child in root] == ["Message", "Message"]


def test_fallback_url_answers_too(texter: Simulator, db) -> None:
    reply = texter.post(texter.form("hello"), path="/sms/fallback")
    assert reply.status == 200 and reply.texts[0].startswith("Welcome")
    assert count(db, Message, Message.direction == "in") == 1


def test_an_sms_turn_joins_its_short_texts_where_one_costs_less_and_whatsapp_keeps_them_apart(app: Flask, db) -> None:
    """The intro and the first question fit in one SMS segment together; on WhatsApp each text stays its own."""
    sms = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="+13125550177")
    sms.send("hello")
    (joined,) = sms.send("2").texts
    assert joined.startswith("About 24 short questions.") and joined.endswith("full legal name of the person held?")
    assert count_segments(joined) == 1
    whatsapp = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="whatsapp:+13125550178")
    whatsapp.send("hello")
    apart = whatsapp.send("2").texts
    assert [t.split(".")[0] for t in apart] == [
        "About 24 short questions",
        "What is the full legal name of the person held?",
    ]
