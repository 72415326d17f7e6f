"""Critical reports alert the on-call numbers and emails: the reference and a link, nothing personal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from bot import alerts
from bot.config import settings_of
from bot.outbox import Worker
from bot.storage import casework, conversations, reports
from bot.storage.crypto import blind_index
from bot.storage.database import get_db
from bot.storage.models import Outbox, Report, ReportEvent
from bot.twilio.rest import TwilioSender
from bot.twilio.stub import TwilioStub
from tests.conftest import make_app
from tests.helpers import count
from tests.smtp_stub import SmtpStub
from tests.tls import self_signed, server_context

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
PERSONAL = ("Juan", "Pérez", "Cook", "Chicago", "+13125550123", "María")
BASE = {
    "detained_name": "Juan Pérez",
    "facility": "Cook County Jail",
    "city_or_county": "Chicago",
    "state": "IL",
    "still_held": "yes",
    "reporter_name": "María",
}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def stubs(certificate: tuple[Path, Path]) -> Iterator[tuple[TwilioStub, SmtpStub]]:
    twilio, smtp = TwilioStub().start(), SmtpStub(tls=server_context(*certificate))  # a mail server with STARTTLS
    yield twilio, smtp
    twilio.stop()
    smtp.stop()


def alerting_app(database_url: str, stubs: tuple[TwilioStub, SmtpStub], **overrides: object) -> Flask:
    """An app whose alerts go to the local Twilio and mail stand-ins."""
    twilio, smtp = stubs
    settings: dict[str, object] = {
        "TWILIO_API_BASE": twilio.url,
        "TWILIO_ACCOUNT_SID": "AC" + "3" * 32,
        "TWILIO_FROM_NUMBER": "+13125550000",
        "ALERT_RECIPIENTS": "+13125559999, oncall@example.org",
        "ALERT_SMTP_URL": smtp.url_with_login(),
        "ALERT_EMAIL_FROM": "holdline@example.org",
        "PUBLIC_BASE_URL": "https://hotline.example.org",
    }
    return make_app(database_url, **(settings | overrides))


@pytest.fixture
def app(database_url: str, stubs: tuple[TwilioStub, SmtpStub], certificate: tuple[Path, Path]) -> Iterator[Flask]:
    app = alerting_app(database_url, stubs, ALERT_SMTP_CA_FILE=str(certificate[0]))  # trust the throw-away certificate
    yield app
    get_db(app).dispose()


def file(app: Flask, when: datetime = NOW, **answers: object) -> str:
    with get_db(app).transaction() as session:
        contact = conversations.upsert_contact(session, "+13125550123", "sms")
        return reports.create_report(
            session,
            contact,
            BASE | answers,
            ref=reports.unused_ref(session),
            locale="en",
            now=when,
            zone=settings_of(app).zone,
        ).ref


def drain(app: Flask, now: datetime) -> None:
    settings = settings_of(app)
    alerts.sweep(get_db(app), settings, now)
    Worker(get_db(app), settings, TwilioSender(settings), clock=lambda: now).drain()


def test_a_critical_report_alerts_every_recipient_once(app: Flask, stubs: tuple[TwilioStub, SmtpStub]) -> None:
    twilio, smtp = stubs
    file(app, citizenship="us_citizen", ice_took_custody="yes", ice_mentioned="yes")  # 50 + 15 + 10: critical
    ref = file(app, citizenship="us_citizen", ice_took_custody="yes", ice_mentioned="yes", detained_name="Other")
    file(app)  # normal: no alert
    drain(app, NOW)
    drain(app, NOW + timedelta(minutes=1))
    assert sorted(t.to for t in twilio.texts) == ["+13125559999", "+13125559999"]
    assert len(smtp.messages) == 2
    text = next(t.body for t in twilio.texts if ref in t.body)
    assert text == f"Holdline: critical report {ref}. https://hotline.example.org/staff/reports/{ref}"
    for body in [t.body for t in twilio.texts] + [m.get_payload() for m in smtp.messages]:
        assert not any(word in body for word in PERSONAL), body
    assert smtp.messages[0]["To"] == "oncall@example.org"
    assert count(get_db(app), ReportEvent, ReportEvent.kind == "alert") == 2


def urgency_of_ref(app: Flask, ref: str) -> tuple[str, int, list[str]]:
    with get_db(app).transaction() as session:
        report = session.execute(select(Report).where(Report.ref_index == blind_index(ref))).scalar_one()
        return report.urgency, report.urgency_score, [r["code"] for r in report.urgency_reasons]


def events_of(app: Flask, ref: str) -> list[str]:
    with get_db(app).transaction() as session:
        report = casework.report_by_ref(session, ref)
        return list(session.execute(select(ReportEvent.kind).where(ReportEvent.report_id == report.id)).scalars())


def test_a_report_that_becomes_critical_as_hours_pass_alerts_then(
    app: Flask, stubs: tuple[TwilioStub, SmtpStub]
) -> None:
    twilio, _smtp = stubs
    due = {"at": (NOW + timedelta(hours=1)).isoformat(), "date_only": False, "approximate": False}
    ref = file(app, release_due_at=due)  # Illinois, ICE not mentioned, not yet past release: normal
    drain(app, NOW)
    assert twilio.texts == [] and urgency_of_ref(app, ref)[0] == "normal"
    drain(app, NOW + timedelta(hours=2))  # 1 h past: held past release, within the Illinois grace: high
    assert urgency_of_ref(app, ref) == ("high", 40, ["held_past_release"])
    assert twilio.texts == []
    drain(app, NOW + timedelta(hours=6))  # 5 h past: grace over, the TRUST Act applies: critical
    assert urgency_of_ref(app, ref) == ("critical", 41 + 20, ["held_past_release", "hold_forbidden_by_state_law"])
    assert events_of(app, ref) == ["urgency", "urgency", "alert"]
    assert [t.to for t in twilio.texts] == ["+13125559999"]


def test_a_release_due_soon_with_ice_mentioned_becomes_high_a_day_before(app: Flask) -> None:
    due = {"at": (NOW + timedelta(hours=30)).isoformat(), "date_only": False, "approximate": False}
    ref = file(app, release_due_at=due, ice_mentioned="yes", state="IN")
    assert urgency_of_ref(app, ref)[0] == "normal"
    drain(app, NOW + timedelta(hours=7))
    assert urgency_of_ref(app, ref) == ("high", 30, ["release_soon_ice", "ice_mentioned"])


def test_a_street_arrest_is_rescored_each_day_as_it_grows_older(app: Flask) -> None:
    street = {"report_type": "street_arrest", "ice_took_custody": "yes", "still_held": "unknown", "facility": ""}
    ref = file(app, arrested_on="2026-11-26", **street)  # yesterday in Chicago
    old = file(app, arrested_on="2026-11-01", detained_name="Someone Else", **street)
    assert urgency_of_ref(app, ref)[:2] == ("critical", 45 + 15)
    drain(app, NOW)
    drain(app, NOW + timedelta(days=1))
    assert urgency_of_ref(app, ref)[:2] == ("high", 30 + 15)
    drain(app, NOW + timedelta(days=2))
    assert urgency_of_ref(app, ref)[:2] == ("high", 20 + 15)
    drain(app, NOW + timedelta(days=3))
    assert urgency_of_ref(app, ref) == ("normal", 15, ["ice_took_custody"])
    assert events_of(app, ref) == ["alert", "urgency", "urgency"]  # critical -> high -> normal
    assert events_of(app, old) == [] and urgency_of_ref(app, old)[0] == "normal"


def test_closed_reports_do_not_alert(app: Flask, stubs: tuple[TwilioStub, SmtpStub]) -> None:
    ref = file(app, citizenship="us_citizen", ice_took_custody="yes", ice_mentioned="yes")
    with get_db(app).transaction() as session:
        casework.report_by_ref(session, ref).status = "closed"
    drain(app, NOW)
    assert stubs[0].texts == [] and count(get_db(app), Outbox) == 0


def test_no_recipients_means_no_alerts(database_url: str) -> None:
    app = make_app(database_url)
    file(app, citizenship="us_citizen", ice_took_custody="yes", ice_mentioned="yes")
    assert alerts.sweep(get_db(app), settings_of(app), NOW) == (0, 0)
    assert count(get_db(app), Outbox) == 0
    get_db(app).dispose()


def test_alerts_are_capped_per_hour_and_the_rest_summed_up_in_one_digest(
    database_url: str, stubs: tuple[TwilioStub, SmtpStub]
) -> None:
    twilio, _smtp = stubs
    app = alerting_app(database_url, stubs, ALERT_RECIPIENTS="+13125559999", ALERTS_PER_HOUR=2)
    critical = {"citizenship": "us_citizen", "ice_took_custody": "yes", "ice_mentioned": "yes"}
    refs = [file(app, detained_name=f"Person {i}", **critical) for i in range(5)]
    drain(app, NOW)
    drain(app, NOW + timedelta(minutes=5))  # the same hour: no second digest
    bodies = [t.body for t in twilio.texts]
    assert len([b for b in bodies if "critical report R-" in b]) == 2
    assert bodies.count("Holdline: 3 more critical report(s) not alerted one by one (cap 2 an hour). "
                        "https://hotline.example.org/staff/") == 1  # fmt: skip
    drain(app, NOW + timedelta(hours=1, minutes=1))  # a new hour: two more one by one, a digest for the last
    alerted = [ref for ref in refs if any(ref in b for b in (t.body for t in twilio.texts))]
    assert len(alerted) == 4 and len(twilio.texts) == 5 + 1
    get_db(app).dispose()
