"""WhatsApp's 24-hour window: free text inside it; outside, only approved templates by ContentSid; 63016 explained."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select, update

from bot.config import ConfigError, settings_of
from bot.outbox import Worker
from bot.sms.simulator import Simulator
from bot.staff.delivery import EXPLANATIONS
from bot.storage.crypto import blind_index
from bot.storage.database import get_db
from bot.storage.models import Contact, Message, Outbox, utcnow
from bot.twilio.rest import TwilioSender
from bot.twilio.stub import TwilioStub
from tests.conftest import TEST_AUTH_TOKEN, make_app
from tests.helpers import count
from tests.staff.conftest import SPANISH, staff_settings
from tests.staff.helpers import csrf_token, file_report, login, post_form, report_row

FAMILY = "whatsapp:+13125550123"
SID_ES = "HX" + "a1" * 16
SID_EN = "HX" + "b2" * 16
REFUSED_FREE = "Choose a template instead of your own words"


def send_outbox(app: Flask) -> int:
    """Run the outbox worker once, as `flask outbox work --once` does."""
    settings = settings_of(app)
    return Worker(get_db(app), settings, TwilioSender(settings)).drain()


def family_writes(app: Flask, body: str = "hola", address: str = FAMILY) -> None:
    """The family texts the hotline on WhatsApp, through the signed webhook Twilio uses."""
    phone = Simulator(TEST_AUTH_TOKEN, address, app, signed_base_url=settings_of(app).public_base_url)
    assert phone.send(body).status == 200


def hours_pass(app: Flask, hours: float, address: str = FAMILY) -> None:
    """Move the family's stored texts `hours` into the past, as if that much time had gone by since."""
    with get_db(app).transaction() as session:
        contact_id = session.execute(
            select(Contact.id).where(Contact.address_index == blind_index(address))
        ).scalar_one()
        for message in session.execute(select(Message).where(Message.contact_id == contact_id)).scalars():
            message.created_at = message.created_at - timedelta(hours=hours)
            session.add(message)


def set_sid(admin: FlaskClient, key: str, value: str) -> str:
    page = admin.get("/staff/contacts").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "key": key, "value": value}
    return admin.post("/staff/contacts/whatsapp-templates", data=form, follow_redirects=True).get_data(as_text=True)


def act(client: FlaskClient, ref: str, action: str, **data: str):  # noqa: ANN201
    return post_form(client, f"/staff/reports/{ref}", f"/staff/reports/{ref}/{action}", data)


def page_of(client: FlaskClient, ref: str) -> str:
    return client.get(f"/staff/reports/{ref}").get_data(as_text=True)


def test_25_hours_after_the_last_message_a_template_goes_by_content_sid_in_the_familys_language(
    staff_app: Flask, admin: FlaskClient, worker: FlaskClient, twilio: TwilioStub
) -> None:
    family_writes(staff_app)
    ref = file_report(staff_app, address=FAMILY, locale="es")
    hours_pass(staff_app, 25)
    twilio.close_window(FAMILY)  # Twilio agrees: free-form texts would get 63016
    assert "Saved" in set_sid(admin, "WHATSAPP_TEMPLATE.received.es", SID_ES)
    assert "Saved" in set_sid(admin, "WHATSAPP_TEMPLATE.received.en", SID_EN)
    assert "WhatsApp window closed" in page_of(worker, ref)

    act(worker, ref, "texts", template="received")
    assert send_outbox(staff_app) == 1
    (sent,) = twilio.texts
    assert sent.to == FAMILY and sent.from_ == "whatsapp:+13125550001"
    assert sent.content_sid == SID_ES  # the Spanish template, not the English one
    assert sent.content_variables == {"1": "Holdline", "2": ref}
    assert sent.body == ""  # a template in Body fails outside the window since April 2025
    with get_db(staff_app).transaction() as session:
        item = session.execute(select(Outbox)).scalar_one()
        assert (item.status, item.content_sid, item.error_code) == ("sent", SID_ES, None)
        assert json.loads(item.content_variables) == {"1": "Holdline", "2": ref}
        message = session.get(Message, item.message_id)
        assert message.body == SPANISH["received"].format(org_name="Holdline", ref=ref)  # what the family reads
        assert message.sid == sent.sid
    assert "template received, es" in page_of(worker, ref)


def test_free_text_outside_the_window_is_refused_with_the_reason_and_nothing_is_queued(
    staff_app: Flask, worker: FlaskClient, twilio: TwilioStub
) -> None:
    family_writes(staff_app)
    ref = file_report(staff_app, address=FAMILY, locale="es")
    hours_pass(staff_app, 25)
    response = act(worker, ref, "texts", template="free", body="Hola María, ¿puede llamarnos?")
    assert response.status_code == 302
    page = page_of(worker, ref)
    assert "more than 24 hours ago" in page and REFUSED_FREE in page
    assert count(get_db(staff_app), Outbox) == 0
    send_outbox(staff_app)
    assert twilio.texts == [] and twilio.attempts == []


def test_a_template_without_a_sid_for_the_language_is_refused_and_a_status_change_is_not_half_done(
    staff_app: Flask, admin: FlaskClient, worker: FlaskClient, twilio: TwilioStub
) -> None:
    family_writes(staff_app)
    ref = file_report(staff_app, address=FAMILY, locale="es")
    hours_pass(staff_app, 30)
    set_sid(admin, "WHATSAPP_TEMPLATE.received.en", SID_EN)  # English only: the family reads Spanish
    act(worker, ref, "texts", template="received")
    page = page_of(worker, ref)
    assert "no WhatsApp template SID is set for “received” in es" in page
    assert "No approved template SID is set in es for: received, lawyer_will_call, please_call" in page
    act(worker, ref, "status", status="lawyer_contacted", notify="y")
    assert report_row(staff_app, ref).status == "new"  # refused whole
    assert count(get_db(staff_app), Outbox) == 0 and twilio.attempts == []


def test_inside_the_window_free_text_goes_as_typed(staff_app: Flask, worker: FlaskClient, twilio: TwilioStub) -> None:
    family_writes(staff_app)
    ref = file_report(staff_app, address=FAMILY, locale="es")
    hours_pass(staff_app, 23)
    assert "your own words reach the family until" in page_of(worker, ref)
    act(worker, ref, "texts", template="free", body="Hola María, ¿puede llamarnos hoy?")
    act(worker, ref, "texts", template="received")  # a template inside the window: plain text, no SID needed
    assert send_outbox(staff_app) == 2
    assert [(t.body, t.content_sid) for t in twilio.texts] == [
        ("Hola María, ¿puede llamarnos hoy?", None),
        (SPANISH["received"].format(org_name="Holdline", ref=ref), None),
    ]


def test_the_window_opens_again_when_the_family_writes(
    staff_app: Flask, worker: FlaskClient, twilio: TwilioStub
) -> None:
    family_writes(staff_app)
    ref = file_report(staff_app, address=FAMILY, locale="es")
    hours_pass(staff_app, 48)
    act(worker, ref, "texts", template="free", body="¿Sigue ahí?")
    assert REFUSED_FREE in page_of(worker, ref)
    family_writes(staff_app, "sí, aquí estoy")
    act(worker, ref, "texts", template="free", body="¿Sigue ahí?")
    send_outbox(staff_app)
    assert [t.body for t in twilio.texts if t.body == "¿Sigue ahí?"] == ["¿Sigue ahí?"]


def test_a_63016_is_recorded_explained_on_the_report_page_and_not_retried(
    staff_app: Flask, worker: FlaskClient, twilio: TwilioStub
) -> None:
    family_writes(staff_app)
    ref = file_report(staff_app, address=FAMILY, locale="es")
    twilio.close_window(FAMILY)  # WhatsApp counts otherwise than our records (their text came late, a clock)
    act(worker, ref, "texts", template="free", body="Hola María")
    assert send_outbox(staff_app) == 1
    with get_db(staff_app).transaction() as session:
        item = session.execute(select(Outbox)).scalar_one()
        assert (item.status, item.error_code, item.attempts) == ("failed", 63016, 1)
        item_id, message_id = item.id, item.message_id
        assert session.get(Message, message_id).status == "failed"
    # Not tried again: not now, and not when the backoff would have come round.
    with get_db(staff_app).transaction() as session:
        session.execute(
            update(Outbox).where(Outbox.id == item_id).values(next_attempt_at=utcnow() - timedelta(hours=1))
        )
    assert send_outbox(staff_app) == 0
    assert len(twilio.attempts) == 1 and twilio.texts == []
    page = page_of(worker, ref)
    assert "Twilio error 63016" in page and escape(EXPLANATIONS[63016]) in page


@pytest.mark.parametrize("code", [63027, 63028, 63032])
def test_other_whatsapp_template_errors_are_explained_and_not_retried_even_on_a_5xx(
    staff_app: Flask, worker: FlaskClient, twilio: TwilioStub, code: int
) -> None:
    family_writes(staff_app)
    ref = file_report(staff_app, address=FAMILY, locale="es")
    twilio.fail_next(500, code=code)
    act(worker, ref, "texts", template="received")
    send_outbox(staff_app)
    with get_db(staff_app).transaction() as session:
        item = session.execute(select(Outbox)).scalar_one()
        assert (item.status, item.error_code) == ("failed", code)
    assert escape(EXPLANATIONS[code]) in page_of(worker, ref)


def test_sms_families_are_texted_as_before_whenever_they_last_wrote(
    staff_app: Flask, worker: FlaskClient, twilio: TwilioStub
) -> None:
    family_writes(staff_app, address="+13125550177")
    ref = file_report(staff_app, address="+13125550177", locale="es")
    hours_pass(staff_app, 24 * 9, address="+13125550177")
    page = page_of(worker, ref)
    assert "WhatsApp window" not in page and "your own words reach" not in page
    act(worker, ref, "texts", template="free", body="Hola María")
    assert send_outbox(staff_app) == 1
    assert [(t.to, t.body, t.content_sid, t.from_) for t in twilio.texts] == [
        ("+13125550177", "Hola María", None, "+13125550000")
    ]


def test_the_contacts_page_lists_every_template_and_refuses_what_is_not_a_content_sid(
    staff_app: Flask, admin: FlaskClient
) -> None:
    page = admin.get("/staff/contacts").get_data(as_text=True)
    for locale in ("en", "es"):  # English and every catalog in locales/
        assert f'name="key" value="WHATSAPP_TEMPLATE.lawyer_will_call.{locale}"' in page
    assert "<code>{{3}}</code> = ref" in page  # please_call: org_name, legal_help_phone, ref
    assert "A Content SID is HX" in set_sid(admin, "WHATSAPP_TEMPLATE.received.es", "HX123")
    assert "not complete" in set_sid(admin, "WHATSAPP_TEMPLATE.nonesuch.es", SID_ES)
    assert "not complete" in set_sid(admin, "LEGAL_HELP_PHONE", SID_ES)  # only template keys here
    assert f'value="{SID_ES}"' in set_sid(admin, "WHATSAPP_TEMPLATE.received.es", SID_ES)
    assert f'value="{SID_ES}"' not in set_sid(admin, "WHATSAPP_TEMPLATE.received.es", "")  # emptied: removed


def test_staff_cannot_set_template_sids(worker: FlaskClient) -> None:
    response = worker.post("/staff/contacts/whatsapp-templates", data={"key": "WHATSAPP_TEMPLATE.received.es"})
    assert response.status_code in (400, 403)


@pytest.fixture
def configured_app(database_url: str, twilio: TwilioStub, spanish_locales: Path) -> Iterator[Flask]:
    """The app with a Spanish SID from WHATSAPP_TEMPLATES in the environment."""
    app = make_app(
        database_url, **staff_settings(twilio, spanish_locales), WHATSAPP_TEMPLATES=f"lawyer_will_call.es={SID_ES}"
    )
    yield app
    get_db(app).dispose()


def test_a_sid_from_the_environment_is_used_and_the_contacts_page_overrides_it(
    configured_app: Flask, twilio: TwilioStub
) -> None:
    from tests.staff.helpers import add_staff

    add_staff(configured_app, "worker@example.org", "staff")
    add_staff(configured_app, "admin@example.org", "admin")
    worker, admin = configured_app.test_client(), configured_app.test_client()
    assert login(worker, "worker@example.org").status_code == 302
    assert login(admin, "admin@example.org").status_code == 302
    family_writes(configured_app)
    ref = file_report(configured_app, address=FAMILY, locale="es")
    hours_pass(configured_app, 26)
    assert "from WHATSAPP_TEMPLATES" in admin.get("/staff/contacts").get_data(as_text=True)
    act(worker, ref, "status", status="lawyer_contacted", notify="y")
    other = "HX" + "c3" * 16
    set_sid(admin, "WHATSAPP_TEMPLATE.lawyer_will_call.es", other)
    act(worker, ref, "status", status="escalated")
    act(worker, ref, "texts", template="lawyer_will_call")
    send_outbox(configured_app)
    assert [t.content_sid for t in twilio.texts] == [SID_ES, other]
    assert report_row(configured_app, ref).status == "escalated"


def test_malformed_whatsapp_templates_setting_is_refused_at_start(sqlite_url: str) -> None:
    with pytest.raises(ConfigError, match="WHATSAPP_TEMPLATES"):
        make_app(sqlite_url, WHATSAPP_TEMPLATES="received.es=HX123")


def test_a_63016_reported_later_by_the_status_callback_is_recorded_and_explained(
    staff_app: Flask, worker: FlaskClient, twilio: TwilioStub
) -> None:
    """Real Twilio accepts a WhatsApp text (201) and reports 63016 afterwards, to the StatusCallback."""
    family_writes(staff_app)
    ref = file_report(staff_app, address=FAMILY, locale="es")
    act(worker, ref, "texts", template="free", body="Hola María")
    send_outbox(staff_app)
    (sent,) = twilio.texts
    assert sent.status_callback == "https://hotline.example.org/sms/status"
    twilio_says = Simulator(TEST_AUTH_TOKEN, FAMILY, staff_app, signed_base_url="https://hotline.example.org")
    callback = {"MessageSid": sent.sid, "MessageStatus": "undelivered", "ErrorCode": "63016", "To": FAMILY}
    forged = twilio_says.post(callback, headers={"X-Twilio-Signature": "forged"}, path="/sms/status")
    assert forged.status == 403
    assert twilio_says.post({**callback, "MessageStatus": "delivered"}, path="/sms/status").status == 204
    assert "Twilio error" not in page_of(worker, ref)
    assert twilio_says.post(callback, path="/sms/status").status == 204
    with get_db(staff_app).transaction() as session:
        item = session.execute(select(Outbox)).scalar_one()
        assert (item.status, item.error_code) == ("failed", 63016)
        assert session.get(Message, item.message_id).status == "failed"
    page = page_of(worker, ref)
    assert "Twilio error 63016" in page and escape(EXPLANATIONS[63016]) in page
    assert send_outbox(staff_app) == 0 and len(twilio.attempts) == 1  # not sent again
