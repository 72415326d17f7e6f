"""Migrations: the newest revision matches the models, and reports filed before a revision survive it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel, select

from bot.config import normalize_database_url
from bot.storage.crypto import blind_index, match_index, name_tokens
from bot.storage.migrate import upgrade
from bot.storage.models import Contact, ContactSetting, Conversation, Message, Report, ReportEvent, ReportNameWord
from tests.helpers import fresh_postgres_database


def test_the_newest_migration_matches_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'head.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_a_report_filed_before_the_intake_fields_reads_with_empty_ones(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0007")  # the revision before the intake fields
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO report (ref, report_type, status, urgency, urgency_score, urgency_reasons, locale, "
                "channel, submitted_at, detained_name, name_key, citizenship, facility, city_or_county, "
                "release_due_approximate, still_held, ice_mentioned, ice_took_custody, reporter_name, "
                "reporter_relationship, consent_to_contact, media) VALUES ('R-OLD1', 'jail_hold', 'new', 'normal', "
                "0, '[]', 'en', 'sms', '2026-11-27 15:00:00', 'Old Report', 'old report', 'unknown', 'X', 'Y', 0, "
                "'unknown', 'unknown', 'unknown', 'Z', 'friend', 0, '[]')"
            )
        )
    upgrade(url)
    with Session(engine) as session:
        report = session.exec(select(Report).where(Report.ref_index == blind_index("R-OLD1"))).one()
        assert (report.other_names, report.birth_country, report.booking_number) == ("", "", "")
        assert (report.defense_lawyer, report.arrest_details) == ("", "")
        assert report.papers_received is None and report.warrant_shown is None
    engine.dispose()


def test_a_value_verified_before_the_date_was_kept_counts_as_verified_when_saved(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0008")  # the revision before verification dates
    engine = create_engine(url)
    with engine.begin() as conn:
        for key, verified in (("LEGAL_HELP_PHONE", 1), ("FAMILY_SUPPORT_PHONE", 0)):
            conn.execute(
                text("INSERT INTO contactsetting (key, value, verified, updated_at) VALUES (:k, 'x', :v, :at)"),
                {"k": key, "v": verified, "at": "2026-11-28 10:00:00.000000"},
            )
    upgrade(url)
    with Session(engine) as session:
        rows = {row.key: row for row in session.exec(select(ContactSetting))}
    engine.dispose()
    assert rows["LEGAL_HELP_PHONE"].verified_at == rows["LEGAL_HELP_PHONE"].updated_at
    assert rows["FAMILY_SUPPORT_PHONE"].verified_at is None


def test_texts_from_test_numbers_before_the_mark_become_test_data(tmp_path: Path) -> None:
    """0011: a contact at a fictional test number, and its reports, are marked test; others are not."""
    from bot.storage.models import Contact

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0010")
    engine = create_engine(url)
    with engine.begin() as conn:
        for number, address in ((1, "+15555550142"), (2, "whatsapp:+15555550143"), (3, "+13125550142")):
            conn.execute(
                text(
                    "INSERT INTO contact (id, address, channel, locale, locale_source, opted_out, created_at) "
                    "VALUES (:id, :address, 'sms', 'en', 'default', 0, '2026-11-27 15:00:00')"
                ),
                {"id": number, "address": address},
            )
            conn.execute(
                text(
                    "INSERT INTO report (ref, contact_id, report_type, status, urgency, urgency_score, "
                    "urgency_reasons, locale, channel, submitted_at, detained_name, name_key, citizenship, facility, "
                    "city_or_county, release_due_approximate, still_held, ice_mentioned, ice_took_custody, "
                    "reporter_name, reporter_relationship, consent_to_contact, media, other_names, birth_country, "
                    "booking_number, defense_lawyer, arrest_details) VALUES (:ref, :id, 'jail_hold', 'new', "
                    "'normal', 0, '[]', 'en', 'sms', '2026-11-27 15:00:00', 'A', 'a', 'unknown', 'X', 'Y', 0, "
                    "'unknown', 'unknown', 'unknown', 'Z', 'friend', 0, '[]', '', '', '', '', '')"
                ),
                {"ref": f"R-OLD{number}", "id": number},
            )
    upgrade(url)
    with Session(engine) as session:
        marked = {c.address: c.is_test for c in session.exec(select(Contact))}
        reports = {r.ref: r.is_test for r in session.exec(select(Report))}
    engine.dispose()
    assert marked == {"+15555550142": True, "whatsapp:+15555550143": True, "+13125550142": False}
    assert reports == {"R-OLD1": True, "R-OLD2": True, "R-OLD3": False}


def test_reports_filed_before_the_same_person_keys_get_them_and_link_to_new_reports(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from bot.storage import conversations, reports
    from bot.storage.database import Database

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0011")  # the revision before the keys
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO report (ref, report_type, status, urgency, urgency_score, urgency_reasons, locale, "
                "channel, submitted_at, detained_name, name_key, detained_dob, citizenship, facility, city_or_county, "
                "release_due_approximate, still_held, ice_mentioned, ice_took_custody, reporter_name, "
                "reporter_relationship, consent_to_contact, media, other_names, birth_country, booking_number, "
                "defense_lawyer, arrest_details) VALUES ('R-OLD2', 'jail_hold', 'new', 'normal', 0, '[]', 'en', "
                "'sms', '2026-11-27 15:00:00', 'Juan Peres', 'juan peres', '1990-03-04', 'unknown', 'Cook Jail', "
                "'Y', 0, 'unknown', 'unknown', 'unknown', 'Z', 'friend', 0, '[]', '', '', '', '', '')"
            )
        )
    engine.dispose()
    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        old = session.exec(select(Report).where(Report.ref_index == blind_index("R-OLD2"))).one()
        assert (old.match_key, old.facility_key) == (match_index("juan peres"), "cook jail")
        contact = conversations.upsert_contact(session, "+13125550001", "sms")
        answers = {"detained_name": "Pérez Juan", "detained_dob": "1990-03-04", "facility": "Other"}
        new = reports.create_report(
            session, contact, answers, ref="R-NEW2", locale="en", now=datetime(2026, 11, 28, tzinfo=UTC)
        )
        assert reports.related_refs(session, new.id) == ["R-OLD2"]
    db.dispose()


PLAIN = {
    "address": "+13125559876",
    "body": "my brother Teodoro Quispe-Mamani A087654321",
    "name": "Teodoro Quispe-Mamani",
    "a_number": "087654321",
    "callback": "+17735550142",
    "note": "spoke with aunt Wilhelmina",
    "url": "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
}


def _fresh_postgres() -> Iterator[str]:
    """A PostgreSQL database for one test, dropped after it."""
    with fresh_postgres_database("holdline_mig") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (nothing migrated yet): a SQLite file or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'plain.sqlite3'}"
    else:
        yield from _fresh_postgres()


def test_rows_stored_in_plain_text_before_0013_are_encrypted_and_still_read(empty_url: str) -> None:
    upgrade(empty_url, "0009")
    engine = create_engine(normalize_database_url(empty_url))
    at = "2026-11-27 15:00:00"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contact (address, channel, locale, locale_source, opted_out, created_at) "
                "VALUES (:a, 'sms', 'en', 'default', false, :at)"
            ),
            {"a": PLAIN["address"], "at": at},
        )
        conn.execute(
            text(
                "INSERT INTO message (sid, contact_id, direction, channel, body, raw_body, media, segments, status, "
                "created_at) VALUES ('SM1', 1, 'in', 'sms', :b, :raw, :media, 1, 'handled', :at)"
            ),
            {"b": PLAIN["body"], "raw": PLAIN["body"].encode(), "media": json.dumps([{"url": PLAIN["url"]}]), "at": at},
        )
        conn.execute(
            text("INSERT INTO conversation (contact_id, state, updated_at) VALUES (1, :s, :at)"),
            {"s": json.dumps({"answers": {"detained_name": PLAIN["name"]}}), "at": at},
        )
        conn.execute(
            text(
                "INSERT INTO report (ref, contact_id, report_type, status, urgency, urgency_score, urgency_reasons, "
                "locale, channel, submitted_at, detained_name, name_key, detained_dob, citizenship, a_number, "
                "facility, city_or_county, release_due_approximate, still_held, ice_mentioned, ice_took_custody, "
                "reporter_name, reporter_relationship, callback_number, consent_to_contact, media) VALUES ('R-OLD1', "
                "1, 'jail_hold', 'new', 'normal', 0, '[]', 'en', 'sms', :at, :name, 'teodoro', '1990-03-04', "
                "'unknown', :anum, 'Cook County Jail', 'Chicago', false, 'unknown', 'unknown', 'unknown', 'Rosa', "
                "'sister', :cb, true, '[]')"
            ),
            {"at": at, "name": PLAIN["name"], "anum": PLAIN["a_number"], "cb": PLAIN["callback"]},
        )
        conn.execute(
            text("INSERT INTO reportevent (report_id, kind, detail, body, created_at) VALUES (1, 'note', :d, :b, :at)"),
            {"d": json.dumps({"reason": PLAIN["note"]}), "b": PLAIN["note"], "at": at},
        )
    upgrade(empty_url)
    with engine.connect() as conn:
        raw = " ".join(
            str(value)
            for table in ("contact", "message", "conversation", "report", "reportevent")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
            for value in row
        )
    for value in PLAIN.values():
        assert value not in raw
    assert "Cook County Jail" in raw  # triage columns stay plain
    with Session(engine) as session:
        contact = session.exec(select(Contact).where(Contact.address_index == blind_index(PLAIN["address"]))).one()
        report = session.exec(select(Report).where(Report.ref_index == blind_index("R-OLD1"))).one()
        message = session.exec(select(Message)).one()
        state = session.exec(select(Conversation)).one().state
        event = session.exec(select(ReportEvent)).one()
        words = session.exec(select(ReportNameWord.token).where(ReportNameWord.report_id == report.id)).all()
    engine.dispose()
    assert contact.address == PLAIN["address"] and report.contact_id == contact.id
    assert (report.detained_name, report.a_number, report.callback_number) == (
        PLAIN["name"],
        PLAIN["a_number"],
        PLAIN["callback"],
    )
    assert report.dob_index == blind_index("1990-03-04") and report.detained_dob == "1990-03-04"
    assert (report.name_key, report.match_key) == (name_tokens(PLAIN["name"]), match_index(PLAIN["name"]))
    assert sorted(words) == sorted(set(name_tokens(PLAIN["name"]).split()))  # 0017: the name search's index
    assert (message.body, message.raw_body, message.media) == (
        PLAIN["body"],
        PLAIN["body"].encode(),
        [{"url": PLAIN["url"]}],
    )
    assert state == {"answers": {"detained_name": PLAIN["name"]}}
    assert (event.body, event.detail) == (PLAIN["note"], {"reason": PLAIN["note"]})
