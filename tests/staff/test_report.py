"""The report page and what staff do on it: every field, transcript, links, timeline, actions, texts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.config import settings_of
from bot.outbox import Worker
from bot.sms.simulator import Simulator
from bot.storage import casework, conversations, reports
from bot.storage.database import get_db
from bot.storage.models import Contact, ExportEvent, Message, ReportEvent
from bot.twilio.rest import TwilioSender
from bot.twilio.stub import TwilioStub
from tests.conftest import TEST_AUTH_TOKEN
from tests.helpers import count, csv_export_rows, jsonl_export_records
from tests.staff.conftest import SPANISH
from tests.staff.helpers import NOW, file_report, post_form, report_row

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'


def send_outbox(app: Flask) -> int:
    """Run the outbox worker once, as `flask outbox work --once` does."""
    settings = settings_of(app)
    return Worker(get_db(app), settings, TwilioSender(settings)).drain()


def act(client: FlaskClient, ref: str, action: str, **data: str):  # noqa: ANN201
    return post_form(client, f"/staff/reports/{ref}", f"/staff/reports/{ref}/{action}", data)


def test_the_report_page_shows_every_field_reasons_transcript_links_and_media(
    staff_app: Flask, worker: FlaskClient
) -> None:
    texter = Simulator(
        auth_token=TEST_AUTH_TOKEN,
        app=staff_app,
        sender="+13125550123",
        signed_base_url=settings_of(staff_app).public_base_url,
    )
    texter.send("hola, necesito ayuda")
    ref = file_report(
        staff_app,
        address="+13125550123",
        a_number="012345678",
        media=[{"url": "https://api.twilio.com/m/ME1", "content_type": "image/jpeg"}, {"url": "javascript:alert(1)"}],
        citizenship="us_citizen",
        other_names="Juan Perez Garcia",
        birth_country="Honduras",
        booking_number="CCJ-2026-0042",
        defense_lawyer="PD Ana Ruiz 312-555-0144",
        papers_received="ice_warrant",
    )
    other = file_report(staff_app, address="+13125550999", when=NOW + timedelta(hours=2))  # same name and DOB
    page = worker.get(f"/staff/reports/{ref}").get_data(as_text=True)
    for shown in (
        "Juan Pérez",
        "1990-03-04",
        "012345678",
        "Cook County Jail",
        "Chicago",
        "IL",
        "2026-11-20",
        "María Pérez",
        "sister",
        "+13125550100",
        "us_citizen",
        "Juan Perez Garcia",
        "Honduras",
        "CCJ-2026-0042",
        "PD Ana Ruiz 312-555-0144",
        "ice_warrant",
        "a U.S. citizen held for or by ICE",
        "us_citizen_ice",
    ):
        assert shown in page, shown
    assert "hola, necesito ayuda" in page  # the conversation
    assert 'href="https://api.twilio.com/m/ME1"' in page and 'href="javascript:' not in page
    assert f'href="/staff/reports/{other}"' in page  # linked report
    assert "Report submitted by text" in page


def test_hostile_fields_render_inert_on_the_page_and_in_the_csv(staff_app: Flask, worker: FlaskClient) -> None:
    ref = file_report(staff_app, detained_name=SCRIPT, facility=FORMULA, reporter_name=SCRIPT)
    act(worker, ref, "notes", body=SCRIPT)
    for url in (f"/staff/reports/{ref}", "/staff/", f"/staff/?q={ref}"):
        page = worker.get(url).get_data(as_text=True)
        assert SCRIPT not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    export = worker.get("/staff/export?format=csv")
    assert export.headers["Cache-Control"] == "no-store"
    (row,) = csv_export_rows(export.get_data(as_text=True))
    assert row["facility"] == "'" + FORMULA and row["detained_name"] == SCRIPT


def test_unknown_or_malformed_references_are_404(worker: FlaskClient) -> None:
    assert worker.get("/staff/reports/R-ZZZZ").status_code == 404
    assert worker.get("/staff/reports/..%2Fetc").status_code == 404
    assert worker.get("/staff/reports/<b>").status_code == 404


def test_assigning_a_new_report_puts_it_in_review_so_delete_keeps_it(
    staff_app: Flask, worker: FlaskClient, admin_id: int
) -> None:
    ref = file_report(staff_app)
    assert act(worker, ref, "assign", assignee=str(admin_id)).status_code == 302
    report = report_row(staff_app, ref)
    assert report.status == "in_review"
    with get_db(staff_app).transaction() as session:
        contact = session.get(Contact, report.contact_id)
        (info,) = reports.report_infos(session, contact)
        assert info.acted
        timeline = casework.report_timeline(session, report.id)
    assert [(e.event.kind, e.staff) for e in timeline] == [("status", "Wes Worker"), ("assigned", "Wes Worker")]
    assert timeline[0].event.detail == {"from": "new", "to": "in_review", "automatic": True}
    page = worker.get(f"/staff/reports/{ref}").get_data(as_text=True)
    assert "assigned to Ada Admin" in page and "first action" in page


def test_status_workflow_needs_a_reason_to_close(staff_app: Flask, worker: FlaskClient) -> None:
    ref = file_report(staff_app)
    for status in ("in_review", "lawyer_contacted", "escalated"):
        act(worker, ref, "status", status=status)
        assert report_row(staff_app, ref).status == status
    act(worker, ref, "status", status="closed", reason="")
    assert report_row(staff_app, ref).status == "escalated"
    act(worker, ref, "status", status="new")
    assert report_row(staff_app, ref).status == "escalated"  # never back to new
    act(worker, ref, "status", status="closed", reason="Released on Friday")
    assert report_row(staff_app, ref).status == "closed"
    page = worker.get(f"/staff/reports/{ref}").get_data(as_text=True)
    assert "escalated → closed" in page and "Released on Friday" in page


def test_a_note_is_added_to_the_timeline(staff_app: Flask, worker: FlaskClient) -> None:
    ref = file_report(staff_app)
    act(worker, ref, "notes", body="Called the jail: hold confirmed.\nAsk for the detainer.")
    page = worker.get(f"/staff/reports/{ref}").get_data(as_text=True)
    assert "Called the jail: hold confirmed." in page and "Wes Worker" in page
    assert count(get_db(staff_app), ReportEvent, ReportEvent.kind == "note") == 1


def test_a_template_text_goes_to_the_family_in_their_language(
    staff_app: Flask, worker: FlaskClient, twilio: TwilioStub
) -> None:
    wrote = Simulator(
        TEST_AUTH_TOKEN, "whatsapp:+13125550123", staff_app, signed_base_url="https://hotline.example.org"
    )
    wrote.send("hola")  # within WhatsApp's 24 hours of their last message: free-form texts go
    ref = file_report(staff_app, address="whatsapp:+13125550123", locale="es")
    page = worker.get(f"/staff/reports/{ref}").get_data(as_text=True)
    assert "recibimos su reporte" in page  # staff see what the family will read
    act(worker, ref, "texts", template="received")
    assert twilio.texts == []  # queued in the same transaction, not sent yet
    assert send_outbox(staff_app) == 1
    (sent,) = twilio.texts
    assert sent.to == "whatsapp:+13125550123" and sent.from_ == "whatsapp:+13125550001"
    assert sent.body == SPANISH["received"].format(org_name="Holdline", ref=ref)
    with get_db(staff_app).transaction() as session:
        message = session.execute(
            Message.__table__.select().where(Message.direction == "out", Message.status == "sent")
        ).one()
        assert message.sid == sent.sid
    page = worker.get(f"/staff/reports/{ref}").get_data(as_text=True)
    assert "template received, es" in page and "[sent]" in page


def test_free_text_is_sent_as_typed_and_marked_so(staff_app: Flask, worker: FlaskClient, twilio: TwilioStub) -> None:
    ref = file_report(staff_app, locale="es")
    act(worker, ref, "texts", template="free", body="Hola María, ¿puede llamarnos hoy?")
    send_outbox(staff_app)
    assert [t.body for t in twilio.texts] == ["Hola María, ¿puede llamarnos hoy?"]
    assert twilio.texts[0].from_ == "+13125550000"
    page = worker.get(f"/staff/reports/{ref}").get_data(as_text=True)
    assert "sent as typed" in page


def test_a_status_change_can_notify_the_family(staff_app: Flask, worker: FlaskClient, twilio: TwilioStub) -> None:
    ref = file_report(staff_app, locale="es")
    act(worker, ref, "status", status="lawyer_contacted", notify="y")
    send_outbox(staff_app)
    assert [t.body for t in twilio.texts] == [SPANISH["lawyer_will_call"].format(org_name="Holdline", ref=ref)]


def test_an_opted_out_family_is_never_texted(staff_app: Flask, worker: FlaskClient, twilio: TwilioStub) -> None:
    ref = file_report(staff_app)
    contact_id = report_row(staff_app, ref).contact_id
    with get_db(staff_app).transaction() as session:
        contact = session.get(Contact, contact_id)
        conversations.set_opted_out(contact, True, NOW)
        session.add(contact)
    response = act(worker, ref, "texts", template="received")
    assert response.status_code == 302
    assert "opted out" in worker.get(f"/staff/reports/{ref}").get_data(as_text=True)
    act(worker, ref, "status", status="closed", reason="done", notify="y")
    assert report_row(staff_app, ref).status == "new"  # refused whole, nothing half-done
    send_outbox(staff_app)
    assert twilio.texts == []
    assert count(get_db(staff_app), Message, Message.direction == "out") == 0


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_follows_the_queue_filter(staff_app: Flask, worker: FlaskClient, fmt: str) -> None:
    il = file_report(staff_app)
    tx = file_report(staff_app, address="+12145550100", state="TX")
    response = worker.get(f"/staff/export?format={fmt}&state=IL")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    rows = csv_export_rows(body) if fmt == "csv" else jsonl_export_records(body)
    # The refs column, not the body: the Texas report is the same person, so it is in related_refs.
    assert [row["ref"] for row in rows] == [il] and tx != il
    assert worker.get("/staff/export?format=xml").status_code == 400


def test_the_page_warns_when_the_familys_language_is_an_unreviewed_translation(
    staff_app: Flask, worker: FlaskClient
) -> None:
    spanish = file_report(staff_app, address="+13125550161", locale="es")
    english = file_report(staff_app, address="+13125550162", locale="en")
    page = worker.get(f"/staff/reports/{spanish}").get_data(as_text=True)
    assert "Español" in page and "not yet reviewed by a translator" in page
    assert "not yet reviewed" not in worker.get(f"/staff/reports/{english}").get_data(as_text=True)


def test_a_street_arrest_page_shows_the_warrant_and_where_exactly(staff_app: Flask, worker: FlaskClient) -> None:
    ref = file_report(
        staff_app,
        report_type="street_arrest",
        warrant_shown="no",
        arrest_details="7am outside Home Depot on Pulaski",
    )
    page = worker.get(f"/staff/reports/{ref}").get_data(as_text=True)
    assert "Warrant shown" in page and "7am outside Home Depot on Pulaski" in page
    jail = worker.get(f"/staff/reports/{file_report(staff_app, address='+13125550998')}").get_data(as_text=True)
    assert "Warrant shown" not in jail


def export_events(app: Flask) -> list[ExportEvent]:
    with get_db(app).transaction() as session:
        return list(session.execute(select(ExportEvent).order_by(ExportEvent.id)).scalars())


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_dashboard_export_is_recorded_with_who_the_format_the_filter_and_the_refs(
    staff_app: Flask, worker: FlaskClient, worker_id: int, fmt: str
) -> None:
    il = file_report(staff_app)
    file_report(staff_app, address="+12145550100", state="TX")
    body = worker.get(f"/staff/export?format={fmt}&state=IL&q=&page=3").get_data(as_text=True)
    exported = (
        [row["ref"] for row in csv_export_rows(body)]
        if fmt == "csv"
        else [record["ref"] for record in jsonl_export_records(body)]
    )
    assert exported == [il]
    (event,) = export_events(staff_app)
    assert event.staff_id == worker_id and event.actor == "staff" and event.format == fmt
    assert event.filters == {"status": "open", "state": "IL"}
    assert event.refs == [il] and event.count == 1
    assert event.created_at is not None


def test_a_refused_export_records_nothing(staff_app: Flask, worker: FlaskClient) -> None:
    file_report(staff_app)
    assert worker.get("/staff/export?format=xml&state=IL").status_code == 400
    assert export_events(staff_app) == []


def test_the_audit_page_shows_exports_to_admins_only(staff_app: Flask, worker: FlaskClient, admin: FlaskClient) -> None:
    ref = file_report(staff_app)
    worker.get("/staff/export?format=jsonl&status=all&state=IL")
    assert staff_app.test_cli_runner().invoke(args=["reports", "export", "--format", "csv"]).exit_code == 0
    assert worker.get("/staff/audit").status_code == 403
    page = admin.get("/staff/audit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    cli, staff = rows  # the latest first
    assert "command line" in cli and ">csv<" in cli and f"1: {ref}" in cli
    assert "worker@example.org" in staff and "Wes Worker" in staff and ">jsonl<" in staff
    assert "status=all" in staff and "state=IL" in staff and f"1: {ref}" in staff
    assert 'href="/staff/audit"' in html  # in the admin's menu
    assert 'href="/staff/audit"' not in worker.get("/staff/").get_data(as_text=True)
