"""The phone preview: texts from test numbers through the signed webhook, shown with their SMS cost, kept apart."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from bot.config import PROJECT_ROOT, settings_of
from bot.core.fictional import fictional_number, is_test_number
from bot.core.segments import count_segments, folded_if_cheaper, is_gsm7
from bot.outbox import Worker
from bot.storage import casework, conversations, outbox_rows
from bot.storage.crypto import blind_index
from bot.storage.database import get_db
from bot.storage.models import Contact, Message, Outbox, Report
from bot.twilio.rest import TwilioSender
from bot.twilio.stub import TwilioStub
from tests.conftest import make_app
from tests.helpers import csv_export_rows, whatsapp_buttons_made
from tests.staff.conftest import staff_settings
from tests.staff.helpers import NOW, add_staff, file_report, login, post_form

BUBBLE = re.compile(r'<li class="bubble out">\s*<p class="body">(.*?)</p>.*?data-segments="(\d+)"', re.S)


@pytest.fixture
def preview_app(sqlite_url: str, twilio: TwilioStub) -> Iterator[Flask]:
    """The app on a SQLite file with the real catalogs (every language the hotline speaks)."""
    app = make_app(sqlite_url, **staff_settings(twilio, PROJECT_ROOT / "locales"))
    yield app
    get_db(app).dispose()


@pytest.fixture
def client(preview_app: Flask) -> FlaskClient:
    add_staff(preview_app, "wes@example.org", name="Wes Worker")
    client = preview_app.test_client()
    assert login(client, "wes@example.org").status_code == 302
    return client


def text(client: FlaskClient, body: str, number: str, locale: str = "es", channel: str = "sms") -> str:
    """Type a text into the preview and return the page it leads to."""
    response = post_form(
        client,
        "/staff/preview/",
        "/staff/preview/",
        {"locale": locale, "channel": channel, "number": number, "body": body},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def stored(app: Flask, address: str) -> list[Message]:
    with get_db(app).transaction() as session:
        contact = session.execute(
            select(Contact).where(Contact.address_index == blind_index(address))
        ).scalar_one_or_none()
        return casework.transcript(session, contact.id) if contact else []


def test_the_preview_needs_a_staff_login(preview_app: Flask) -> None:
    response = preview_app.test_client().get("/staff/preview/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_a_text_goes_through_the_signed_webhook_and_its_replies_show_their_segments(
    preview_app: Flask, client: FlaskClient
) -> None:
    number = fictional_number(7)
    page = text(client, "hola", number)
    messages = stored(preview_app, number)
    inbound = [m for m in messages if m.direction == "in"]
    replies = [m for m in messages if m.direction == "out"]
    assert [m.body for m in inbound] == ["hola"] and inbound[0].sid.startswith("SM")  # a webhook-stored text
    assert replies, "the hotline answered nothing"
    shown = [(html.unescape(body), int(segments)) for body, segments in BUBBLE.findall(page)]
    assert shown == [(m.body, count_segments(m.body)) for m in replies]
    for reply in replies:
        encoding = "GSM-7" if is_gsm7(reply.body) else "UCS-2"
        assert f'<span class="encoding">{encoding}</span>' in page
        assert f"{len(reply.body)} characters" in page
    total = sum(count_segments(m.body) for m in replies)
    assert f'data-reply-segments="{total}"' in page
    with get_db(preview_app).transaction() as session:
        contact = session.execute(select(Contact).where(Contact.address_index == blind_index(number))).scalar_one()
        assert contact.is_test and contact.locale == "es"
    # in Spanish: the menu the hotline sends Spanish speakers, not the English one
    translator = preview_app.extensions["holdline.hotline"].catalogs.translator("es")
    english = preview_app.extensions["holdline.hotline"].flows.flows["menu"].nodes["main"].say
    spanish = translator("menu.main.say", english)
    fold = preview_app.extensions["holdline.hotline"].speech.folds.get("es")
    sent = folded_if_cheaper(spanish, fold)  # as SMS_GSM7_LOCALES sends it
    assert spanish != english and any(sent in m.body for m in replies)


def test_the_preview_refuses_a_number_that_is_not_a_test_number(preview_app: Flask, client: FlaskClient) -> None:
    for number in ("+13125550100", "+15555550200", "+1555555010", "whatsapp:+13125550100"):
        assert not is_test_number(number)
        token_page = client.get("/staff/preview/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', token_page).group(1)  # type: ignore[union-attr]
        response = client.post(
            "/staff/preview/",
            data={"locale": "en", "channel": "sms", "number": number, "body": "hi", "csrf_token": token},
        )
        assert response.status_code == 400
        assert "Only test numbers can be used here" in response.get_data(as_text=True)
    with get_db(preview_app).transaction() as session:
        assert session.execute(select(Contact)).scalars().all() == []
        assert session.execute(select(Message)).scalars().all() == []


def test_whatsapp_texts_come_from_the_whatsapp_address(preview_app: Flask, client: FlaskClient) -> None:
    number = fictional_number(11)
    page = text(client, "hello", number, locale="en", channel="whatsapp")
    assert "WhatsApp does not bill per segment" in page
    assert stored(preview_app, "whatsapp:" + number) and not stored(preview_app, number)


def test_starting_over_erases_the_test_conversation(preview_app: Flask, client: FlaskClient) -> None:
    number = fictional_number(12)
    text(client, "hola", number)
    assert stored(preview_app, number)
    response = post_form(
        client, f"/staff/preview/?number={number}", "/staff/preview/reset", {"number": number, "channel": "sms"}
    )
    assert response.status_code == 302
    assert stored(preview_app, number) == []


def _refs_in_export(client: FlaskClient, query: str = "") -> list[str]:
    body = client.get("/staff/export?format=csv" + query).get_data(as_text=True)
    return [row["ref"] for row in csv_export_rows(body)]


def test_test_data_is_hidden_from_queue_stats_and_export_unless_shown(preview_app: Flask, client: FlaskClient) -> None:
    real = file_report(preview_app, address="+13125550101", facility="Kane County Jail")
    test = file_report(preview_app, address=fictional_number(42), facility="Test Facility Jail")
    queue = client.get("/staff/").get_data(as_text=True)
    assert real in queue and test not in queue
    shown = client.get("/staff/?test=1").get_data(as_text=True)
    assert real in shown and test in shown and 'class="badge test"' in shown
    assert _refs_in_export(client) == [real]
    assert sorted(_refs_in_export(client, "&test=1")) == sorted([real, test])
    stats = client.get("/staff/stats").get_data(as_text=True)
    assert "Test Facility Jail" not in stats and "Kane County Jail" in stats
    assert "Test Facility Jail" in client.get("/staff/stats?test=1").get_data(as_text=True)
    assert 'class="badge test"' in client.get(f"/staff/reports/{test}").get_data(as_text=True)
    assert 'class="badge test"' not in client.get(f"/staff/reports/{real}").get_data(as_text=True)
    with get_db(preview_app).transaction() as session:
        assert session.execute(select(Report.is_test).where(Report.ref_index == blind_index(test))).scalar_one() is True


def test_a_test_report_is_never_linked_to_a_real_one_nor_alerted(preview_app: Flask) -> None:
    real = file_report(preview_app, address="+13125550101", when=NOW)
    test = file_report(preview_app, address=fictional_number(43), when=NOW + timedelta(hours=1))
    with get_db(preview_app).transaction() as session:
        found = casework.report_by_ref(session, test)
        assert found is not None and found.id is not None
        assert casework.related_reports(session, found.id) == []  # same person, same jail: real ones would link
        other = casework.report_by_ref(session, real)
        assert other is not None and other.id is not None
        found.urgency = "critical"
        session.add(found)
    with get_db(preview_app).transaction() as session:
        assert test not in [r.ref for r in casework.critical_not_alerted(session, 10)]


def test_the_outbox_never_texts_a_test_number(preview_app: Flask, twilio: TwilioStub) -> None:
    with get_db(preview_app).transaction() as session:
        contact = conversations.upsert_contact(session, fictional_number(44), "sms")
        queued = conversations.queue_text(session, contact, "hello", NOW)
        outbox_rows.enqueue_family_text(session, queued.id or 0, None, NOW)
    settings = settings_of(preview_app)
    Worker(get_db(preview_app), settings, TwilioSender(settings)).drain()
    assert twilio.texts == [] and twilio.attempts == []
    with get_db(preview_app).transaction() as session:
        assert [row.status for row in session.execute(select(Outbox)).scalars()] == ["failed"]


def test_the_language_shown_is_the_one_the_conversation_is_in(preview_app: Flask, client: FlaskClient) -> None:
    """A texter who changed language in the conversation keeps it: the next text does not switch it back."""
    number = fictional_number(13)
    text(client, "hola", number)
    with get_db(preview_app).transaction() as session:
        contact = session.execute(select(Contact).where(Contact.address_index == blind_index(number))).scalar_one()
        conversations.set_locale(contact, "fr", "chosen")  # as LANGUAGE does
        session.add(contact)
    page = client.get(f"/staff/preview/?number={number}&channel=sms&locale=es").get_data(as_text=True)
    assert re.search(r'<option selected value="fr">|<option value="fr" selected>', page), page


TAP = re.compile(
    r'<input type="hidden" name="body" value="([^"]*)">\s*'
    r'<input type="hidden" name="button" value="([^"]*)"><input type="hidden" name="list_item" value="([^"]*)">'
)


def test_on_whatsapp_the_preview_shows_buttons_and_lists_and_a_tap_answers(sqlite_url: str, twilio: TwilioStub) -> None:
    """With the shapes made, a WhatsApp question shows its list or buttons under the text, and tapping one
    goes through the webhook as WhatsApp reports a tap (ListId / ButtonPayload)."""
    settings = staff_settings(twilio, PROJECT_ROOT / "locales") | {
        "WHATSAPP_BUTTONS": whatsapp_buttons_made(twilio.url)
    }
    app = make_app(sqlite_url, **settings)
    try:
        add_staff(app, "wes@example.org", name="Wes Worker")
        client = app.test_client()
        assert login(client, "wes@example.org").status_code == 302
        number = fictional_number(7)
        page = text(client, "hola", number, channel="whatsapp")
        assert "The hotline sent no reply" not in page  # the replies went through the outbox, not TwiML
        taps = TAP.findall(page)
        assert [ident for _title, ident, _list in taps] == [f"menu.main|{n}" for n in range(1, 6)]
        assert taps[0][0] == "Sus derechos" and all(in_list == "1" for _t, _i, in_list in taps)
        title, ident, in_list = taps[1]
        response = post_form(
            client,
            "/staff/preview/",
            "/staff/preview/",
            {
                "locale": "es",
                "channel": "whatsapp",
                "number": number,
                "body": html.unescape(title),
                "button": ident,
                "list_item": in_list,
            },
        )
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "nombre legal completo" in html.unescape(page)
        with get_db(app).transaction() as session:
            contact = session.execute(
                select(Contact).where(Contact.address_index == blind_index("whatsapp:" + number))
            ).scalar_one()
            assert conversations.load_conversation(session, contact)[0]["flow"] == "report"
        sms_page = text(client, "hola", fictional_number(8))  # the same text on SMS: no buttons
        assert not TAP.findall(sms_page)
    finally:
        get_db(app).dispose()


def test_a_text_the_hotline_does_not_answer_is_said_so(preview_app: Flask, client: FlaskClient) -> None:
    number = fictional_number(9)
    assert "The hotline sent no reply" not in text(client, "STOP", number, locale="en")  # STOP is confirmed once
    assert "The hotline sent no reply" in text(client, "hello", number, locale="en")  # then nothing until START
