"""A report sent early (URGENT) and corrected later (FIX) stays one report; staff see each change and when."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.config import settings_of
from bot.sms.simulator import Simulator
from bot.storage.database import get_db
from bot.storage.models import Report, ReportEvent
from tests.conftest import TEST_AUTH_TOKEN


def reports_of(app: Flask) -> list[Report]:
    with get_db(app).transaction() as session:
        return list(session.execute(select(Report).order_by(Report.id)).scalars())


def corrections(app: Flask, report_id: int) -> list[ReportEvent]:
    with get_db(app).transaction() as session:
        mine = select(ReportEvent).where(ReportEvent.report_id == report_id, ReportEvent.kind == "corrected")
        return list(session.execute(mine).scalars())


def texter(app: Flask, sender: str) -> Simulator:
    """A phone texting the hotline as Twilio does, signed for the public address the app is served at."""
    return Simulator(
        auth_token=TEST_AUTH_TOKEN, app=app, sender=sender, signed_base_url=settings_of(app).public_base_url
    )


def urgent_report(app: Flask, sender: str) -> Simulator:
    """A texter who sends URGENT and the three urgent answers: the report is filed at once."""
    phone = texter(app, sender)
    phone.send("report")
    phone.send("URGENT")
    phone.send("Ana Maria Torres")
    phone.send("Cook County Jail")
    reply = phone.send("same")
    assert any("Sent. Your report number is R-" in text for text in reply.texts), reply.texts
    return phone


def test_urgent_files_at_once_and_later_answers_complete_the_same_report(staff_app: Flask, worker: FlaskClient) -> None:
    phone = urgent_report(staff_app, "+13125550191")
    [report] = reports_of(staff_app)
    assert (report.detained_name, report.facility, report.callback_number) == (
        "Ana Maria Torres",
        "Cook County Jail",
        "+13125550191",
    )
    assert report.still_held == "unknown"  # not asked yet: unknown, never a guess
    phone.send("Anita Torres")  # the questions go on after the report is sent: other spellings
    phone.send("skip")  # date of birth
    phone.send("exit")  # leave now; the answers so far reach the report when it is sent again
    assert len(reports_of(staff_app)) == 1
    phone.send("report")
    phone.send("1")  # continue where they left off
    for answer in ["Mexico", "4", "Chicago", "IL", "skip", "skip", "idk", "idk", "yes", "yes", "idk", "skip"]:
        phone.send(answer)
    for answer in ["skip", "skip", "skip", "Rosa Torres", "sister", "yes"]:
        phone.send(answer)
    reply = phone.send("yes")  # the summary: send
    assert any(report.ref in text for text in reply.texts), reply.texts
    [after] = reports_of(staff_app)  # still one report, now complete
    assert (after.ref, after.other_names, after.birth_country, after.still_held) == (
        report.ref,
        "Anita Torres",
        "Mexico",
        "yes",
    )
    assert after.reporter_name == "Rosa Torres"
    [change] = corrections(staff_app, after.id)
    assert {"other_names", "birth_country", "still_held", "reporter_name"} <= set(change.detail["fields"])
    page = worker.get(f"/staff/reports/{after.ref}").get_data(as_text=True)
    assert "corrected the report by text" in page and "birth_country: — → Mexico" in page


def test_fix_after_filing_changes_the_report_and_the_staff_see_old_and_new(
    staff_app: Flask, worker: FlaskClient
) -> None:
    phone = urgent_report(staff_app, "+13125550192")
    [report] = reports_of(staff_app)
    summary = phone.send("fix")
    assert summary.texts[0].startswith("Check your report:") and "Cook County Jail" in summary.texts[0]
    phone.send("2")  # the jail line
    phone.send("Broadview Processing Center")
    phone.send("Broadview")
    phone.send("IL")
    done = phone.send("yes")
    assert any(report.ref in text for text in done.texts)
    [after] = reports_of(staff_app)
    assert (after.ref, after.facility, after.city_or_county, after.state) == (
        report.ref,
        "Broadview Processing Center",
        "Broadview",
        "IL",
    )
    [change] = corrections(staff_app, after.id)
    assert change.detail["by"] == "texter" and change.created_at is not None
    assert "facility: Cook County Jail → Broadview Processing Center" in change.body
    page = worker.get(f"/staff/reports/{after.ref}").get_data(as_text=True)
    assert "The family" in page and "Cook County Jail → Broadview Processing Center" in page


def test_fix_cannot_reach_another_numbers_report_or_one_that_was_erased(staff_app: Flask) -> None:
    urgent_report(staff_app, "+13125550193")
    stranger = texter(staff_app, "+13125550194")
    stranger.send("hello")
    reply = stranger.send("fix")
    assert reply.texts[0] == "There is no report from this phone to fix. Reply MENU for options."
    assert len(reports_of(staff_app)) == 1 and not corrections(staff_app, reports_of(staff_app)[0].id)
