"""Stored reports: reference codes, and linking reports about the same person."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert, text

from bot.core.inbound import Inbound
from bot.core.refs import new_ref
from bot.reports.fields import match_key, name_key
from bot.storage import conversations, crypto, reports
from bot.storage.database import Database
from bot.storage.migrate import upgrade
from bot.storage.models import Contact, Report

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def test_reference_codes_avoid_characters_misread_aloud() -> None:
    codes = {new_ref() for _ in range(2000)}
    assert all(re.fullmatch(r"R-[2-9A-HJ-NP-Z]{4}", code) for code in codes)
    assert len(codes) > 1900  # random, not a counter


def test_name_key_ignores_case_accents_and_order() -> None:
    assert name_key("Pérez, JUAN") == name_key("juan perez") == "juan perez"


def file(db: Database, phone: str, answers: dict, when: datetime = NOW) -> Report:
    with db.transaction() as session:
        contact = conversations.upsert_contact(session, phone, "sms")
        return reports.create_report(session, contact, answers, ref=reports.unused_ref(session), locale="en", now=when)


def related(db: Database, report: Report) -> list[str]:
    with db.transaction() as session:
        return reports.related_refs(session, report.id)


def test_same_name_and_birth_date_are_linked_both_ways(db: Database) -> None:
    first = file(db, "+13125550001", {"detained_name": "Juan Perez", "detained_dob": "1990-03-04", "facility": "A"})
    second = file(
        db,
        "+13125550002",
        {"detained_name": "PEREZ Juan", "detained_dob": "1990-03-04", "facility": "B"},
        NOW + timedelta(days=30),
    )
    assert related(db, second) == [first.ref]
    assert related(db, first) == [second.ref]


def test_same_name_and_facility_within_days_are_linked(db: Database) -> None:
    first = file(db, "+13125550001", {"detained_name": "Juan Pérez", "facility": "Cook County Jail"})
    second = file(
        db, "+13125550002", {"detained_name": "juan perez", "facility": "cook county jail"}, NOW + timedelta(days=2)
    )
    third = file(
        db, "+13125550003", {"detained_name": "Juan Peres", "facility": "Cook County Jail"}, NOW + timedelta(days=3)
    )
    assert related(db, third) == sorted([first.ref, second.ref])


def test_same_name_elsewhere_or_later_or_other_birthday_is_not_linked(db: Database) -> None:
    first = file(db, "+13125550001", {"detained_name": "Juan Perez", "detained_dob": "1990-03-04", "facility": "Cook"})
    other_dob = file(
        db, "+13125550002", {"detained_name": "Juan Perez", "detained_dob": "1985-01-01", "facility": "Cook"}
    )
    other_place = file(db, "+13125550003", {"detained_name": "Juan Perez", "facility": "Lake County Jail"})
    much_later = file(db, "+13125550004", {"detained_name": "Juan Perez", "facility": "Cook"}, NOW + timedelta(days=20))
    other_name = file(db, "+13125550005", {"detained_name": "Ana Perez", "detained_dob": "1990-03-04"})
    for report in (other_dob, other_place, much_later, other_name):
        assert first.ref not in related(db, report)


def test_inbound_is_recorded_once_per_sid(db: Database) -> None:
    inbound = Inbound(sid="SM1", address="+13125550001", channel="sms", body="hi")
    with db.transaction() as session:
        contact = conversations.upsert_contact(session, inbound.address, "sms")
        first = conversations.record_inbound(session, contact.id, inbound)
        again = conversations.record_inbound(session, contact.id, inbound)
    assert first[1] is True and again == (first[0], False)


def test_sound_alike_spellings_share_one_match_key_and_others_do_not() -> None:
    assert match_key("Juan Pérez") == match_key("PERES, juan") == match_key("juan perezz")
    assert match_key("Ana Castillo") == match_key("ana castiyo")
    assert match_key("Juan Perez") != match_key("Juan Perez Garcia") != match_key("Ana Perez")
    assert match_key("") == ""


def test_a_person_named_in_many_reports_links_the_newest_and_each_report_reaches_older_ones(db: Database) -> None:
    answers = {"detained_name": "Juan Perez", "detained_dob": "1990-03-04", "facility": "Cook County Jail"}
    filed = [file(db, f"+131255501{i:02d}", answers, NOW + timedelta(minutes=i)) for i in range(reports.MAX_LINKED + 5)]
    newest = related(db, filed[-1])
    assert newest == sorted(report.ref for report in filed[-reports.MAX_LINKED - 1 : -1])
    assert filed[0].ref in related(db, filed[1])  # the oldest stays linked to those filed just after it


def test_a_texters_own_reports_are_read_by_one_index_however_many_others_one_number_filed(sqlite_url: str) -> None:
    """Every text reads its sender's reports. When one number (a shelter, an outreach worker) filed thousands,
    SQLite's statistics led it to walk every report in date order instead; the contact-and-date index is used."""
    upgrade(sqlite_url)
    db = Database(sqlite_url)
    with db.transaction() as session:
        busy, quiet = (conversations.upsert_contact(session, f"+1312555{n:04d}", "sms") for n in (1, 2))
        rows = [
            {
                "ref": f"R-{n:04d}",
                "ref_index": crypto.blind_index(f"R-{n:04d}"),
                "contact_id": busy.id,
                "status": "new",
                "urgency_reasons": [],
                "submitted_at": NOW - timedelta(minutes=n),
                "detained_name": "",
                "facility": "",
                "media": [],
                "reporter_name": "",
            }
            for n in range(3000)
        ]
        session.execute(insert(Report), rows)
        quiet_id = quiet.id
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    with db.transaction() as session:
        contact = session.get(Contact, quiet_id)
        assert contact is not None
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        assert reports.report_infos(session, contact) == ()
        plan = " ".join(
            str(row[-1])
            for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statements[-1], (quiet_id,))
        )
    assert "ix_report_contact_submitted" in plan, plan
    db.dispose()
