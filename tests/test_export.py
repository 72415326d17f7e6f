"""`flask reports export`: every field, typed as documented, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text

from bot.config import settings_of
from bot.export import CSV_NOTICE_LINE, EXPORT_FIELDS, PERSONAL_DATA_NOTICE, export_records, safe_cell
from bot.storage import conversations, reports
from bot.storage.models import ExportEvent
from tests.helpers import csv_export_rows, jsonl_export_records

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
ANSWERS = {
    "detained_name": "Zoë Ñúñez 李",
    "detained_dob": "1990-03-04",
    "citizenship": "us_citizen",
    "facility": '=HYPERLINK("http://x")',
    "city_or_county": "@Chicago",
    "state": "IL",
    "arrested_on": "2026-11-20",
    "release_due_at": {"at": "2026-11-26T15:00:00-06:00", "date_only": False, "approximate": False},
    "release_reason": "bail_posted",
    "still_held": "yes",
    "ice_mentioned": "yes",
    "ice_took_custody": "no",
    "a_number": "012345678",
    "media": [{"url": "https://api.twilio.com/m/ME1", "content_type": "image/jpeg"}],
    "reporter_name": "-1+2",
    "reporter_relationship": "hermana",
    "callback_number": "+13125550100",
    "consent_to_contact": "yes",
    "other_names": "Zoe Nunez Li",
    "birth_country": "México",
    "booking_number": "2026-1120045",
    "defense_lawyer": "Assistant Public Defender Ana Ruiz, 312-555-0144",
    "papers_received": "i247a",
    "warrant_shown": "no",  # a jail report: not asked, so not exported even if present
    "arrest_details": "",
}
# The fields exported before December 2026, in their order: new fields come after them, none renamed.
FIELDS_BEFORE_DECEMBER_2026 = (
    "ref", "report_type", "status", "urgency", "urgency_score", "urgency_reasons", "locale", "channel",
    "submitted_at", "detained_name", "detained_dob", "citizenship", "facility", "city_or_county", "state",
    "arrested_on", "release_due_at", "release_due_approximate", "release_reason", "still_held", "ice_mentioned",
    "ice_took_custody", "a_number", "reporter_name", "reporter_relationship", "callback_number",
    "consent_to_contact", "media_urls", "related_refs",
)  # fmt: skip


@pytest.fixture
def filed(sqlite_app: Flask) -> list[str]:
    db = sqlite_app.extensions["holdline.db"]
    refs = []
    with db.transaction() as session:
        contact = conversations.upsert_contact(session, "+13125550100", "sms")
        for name in ("Zoë Ñúñez 李", "ZOE NUNEZ 李"):
            answers = ANSWERS | {"detained_name": name}
            ref = reports.unused_ref(session)
            reports.create_report(session, contact, answers, ref=ref, locale="es", now=NOW)
            refs.append(ref)
    return refs


def run_export(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["reports", "export", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_jsonl_has_every_field_with_its_type(sqlite_app: Flask, filed: list[str]) -> None:
    records = jsonl_export_records(run_export(sqlite_app, "--format", "jsonl"))
    assert len(records) == 2
    record = next(r for r in records if r["detained_name"] == "Zoë Ñúñez 李")  # non-ASCII round-trips
    assert tuple(record) == EXPORT_FIELDS
    assert record["ref"] in filed and record["status"] == "new"
    assert record["urgency"] == "critical" and record["urgency_score"] == 44 + 20 + 10 + 50  # 18 h past
    assert record["urgency_reasons"] == [
        "held_past_release",
        "hold_forbidden_by_state_law",
        "ice_mentioned",
        "us_citizen_ice",
    ]
    assert record["locale"] == "es" and record["channel"] == "sms"
    assert record["submitted_at"] == "2026-11-27T15:00:00Z"
    assert datetime.fromisoformat(record["release_due_at"]).utcoffset().total_seconds() == -6 * 3600
    assert record["detained_dob"] == "1990-03-04" and record["arrested_on"] == "2026-11-20"
    assert record["a_number"] == "012345678"
    assert record["callback_number"] == "+13125550100"
    assert record["consent_to_contact"] is True and record["release_due_approximate"] is False
    assert record["still_held"] == "yes" and record["ice_took_custody"] == "no"
    assert record["other_names"] == "Zoe Nunez Li" and record["birth_country"] == "México"
    assert record["booking_number"] == "2026-1120045"
    assert record["defense_lawyer"] == "Assistant Public Defender Ana Ruiz, 312-555-0144"
    assert record["papers_received"] == "i247a"
    assert record["warrant_shown"] is None and record["arrest_details"] == ""
    assert record["media_urls"] == ["https://api.twilio.com/m/ME1"]
    other = next(r for r in records if r is not record)
    assert record["related_refs"] == [other["ref"]]  # same person, same facility, same day


def test_csv_neutralises_formulas_and_keeps_unicode(sqlite_app: Flask, filed: list[str], tmp_path: Path) -> None:
    target = tmp_path / "reports.csv"
    run_export(sqlite_app, "--format", "csv", "--output", str(target))
    assert oct(os.stat(target).st_mode & 0o777) == "0o600"
    rows = csv_export_rows(target.read_text(encoding="utf-8"))
    assert len(rows) == 2 and tuple(rows[0]) == EXPORT_FIELDS
    row = next(r for r in rows if r["detained_name"] == "Zoë Ñúñez 李")
    assert row["facility"] == '\'=HYPERLINK("http://x")'
    assert row["city_or_county"] == "'@Chicago"
    assert row["reporter_name"] == "'-1+2"
    assert row["callback_number"] == "'+13125550100"
    assert row["consent_to_contact"] == "true"
    assert row["urgency_reasons"] == "held_past_release;hold_forbidden_by_state_law;ice_mentioned;us_citizen_ice"
    assert row["a_number"] == "012345678"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        (None, ""),
        (True, "true"),
        (["a", "b"], "a;b"),
        ('Juan;=HYPERLINK("http://x")', 'Juan;\'=HYPERLINK("http://x")'),  # split at ; by a European spreadsheet
        ("Juan,+1+1", "Juan,'+1+1"),
        ("Juan\t@SUM(A1)", "Juan\t'@SUM(A1)"),
        ("Juan; =1+1", "Juan; '=1+1"),  # spaces before the formula do not hide it
        ("a\n-1", "a\n'-1"),
        (["ok", "=1+1"], "ok;'=1+1"),  # every list item is a cell once split
        ("=a;=b", "'=a;'=b"),
        ("Ana-María O'Neil, 3 + 4 = 7", "Ana-María O'Neil, 3 + 4 = 7"),  # signs inside words stay as typed
    ],
)
def test_safe_cell(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


def test_filters(sqlite_app: Flask, filed: list[str]) -> None:
    assert jsonl_export_records(run_export(sqlite_app, "--format", "jsonl", "--state", "IN")) == []
    assert len(jsonl_export_records(run_export(sqlite_app, "--format", "jsonl", "--state", "il"))) == 2
    assert jsonl_export_records(run_export(sqlite_app, "--format", "jsonl", "--status", "closed")) == []


def test_new_fields_are_added_after_the_old_ones_and_none_is_renamed() -> None:
    assert EXPORT_FIELDS[: len(FIELDS_BEFORE_DECEMBER_2026)] == FIELDS_BEFORE_DECEMBER_2026
    assert EXPORT_FIELDS[len(FIELDS_BEFORE_DECEMBER_2026) :] == (
        "other_names", "birth_country", "booking_number", "defense_lawyer", "papers_received", "warrant_shown",
        "arrest_details",
    )  # fmt: skip


def test_a_street_arrest_exports_the_warrant_and_where_exactly(sqlite_app: Flask) -> None:
    street = {
        "report_type": "street_arrest",
        "detained_name": "Carlos Mendoza",
        "ice_took_custody": "yes",
        "arrested_on": "unknown",  # "I don't know"
        "warrant_shown": "no",
        "arrest_details": "7am outside the house on 26th St",
        "papers_received": "unknown",
    }
    with sqlite_app.extensions["holdline.db"].transaction() as session:
        contact = conversations.upsert_contact(session, "+13125550100", "sms")
        reports.create_report(session, contact, street, ref=reports.unused_ref(session), locale="en", now=NOW)
    (record,) = jsonl_export_records(run_export(sqlite_app, "--format", "jsonl"))
    assert record["report_type"] == "street_arrest" and record["arrested_on"] is None
    assert record["warrant_shown"] == "no" and record["arrest_details"] == "7am outside the house on 26th St"
    assert record["papers_received"] == "unknown" and record["release_due_at"] is None


def file_two(app: Flask) -> list[str]:
    """File two reports about the same person (IL) and one in Texas; return the IL refs."""
    refs = []
    with app.extensions["holdline.db"].transaction() as session:
        contact = conversations.upsert_contact(session, "+13125550100", "sms")
        for name in ("Zoë Ñúñez 李", "ZOE NUNEZ 李"):
            ref = reports.unused_ref(session)
            reports.create_report(session, contact, ANSWERS | {"detained_name": name}, ref=ref, locale="es", now=NOW)
            refs.append(ref)
        texan = conversations.upsert_contact(session, "+12145550100", "sms")
        other = ANSWERS | {"detained_name": "Tex Ranger", "state": "TX"}
        reports.create_report(session, texan, other, ref=reports.unused_ref(session), locale="en", now=NOW)
    return refs


def stored_records(app: Flask, **filters: str) -> list[dict[str, object]]:
    """The export's records read straight from the store, to compare the files with."""
    with app.extensions["holdline.db"].transaction() as session:
        return list(export_records(session, settings_of(app).hotline_timezone, **filters))


def export_events(app: Flask) -> list[ExportEvent]:
    with app.extensions["holdline.db"].transaction() as session:
        return list(session.execute(select(ExportEvent).order_by(ExportEvent.id)).scalars())


def test_a_jsonl_export_starts_with_the_personal_data_notice_then_the_same_records(app: Flask) -> None:
    file_two(app)
    lines = run_export(app, "--format", "jsonl").splitlines()
    parsed = [json.loads(line) for line in lines]  # every line is JSON, the notice too
    assert parsed[0] == {"_notice": PERSONAL_DATA_NOTICE}
    assert "personal data" in parsed[0]["_notice"].lower()
    assert parsed[1:] == stored_records(app) and len(parsed) == 4


def test_a_csv_export_starts_with_the_personal_data_notice_then_the_same_rows(app: Flask, tmp_path: Path) -> None:
    file_two(app)
    target = tmp_path / "reports.csv"
    run_export(app, "--format", "csv", "--output", str(target))
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# PERSONAL DATA: ")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == [CSV_NOTICE_LINE]  # a one-cell row to a CSV reader: no comma or quote in it
    assert rows[1] == list(EXPORT_FIELDS)
    with target.open(encoding="utf-8", newline="") as file:
        file.readline()  # skip the notice, as docs/export.md says
        records = list(csv.DictReader(file))
    expected = [{name: safe_cell(record[name]) for name in EXPORT_FIELDS} for record in stored_records(app)]
    assert records == expected and len(records) == 3


def test_the_cli_export_is_recorded_in_the_audit_trail_by_cli(app: Flask) -> None:
    il = file_two(app)
    records = jsonl_export_records(run_export(app, "--format", "jsonl", "--state", "IL"))
    (event,) = export_events(app)
    assert event.actor == "cli" and event.staff_id is None and event.format == "jsonl"
    assert event.filters == {"state": "IL"}
    assert sorted(event.refs) == sorted(il) == sorted(r["ref"] for r in records) and event.count == 2
    with app.extensions["holdline.db"].transaction() as session:  # the filter and the refs are ciphertext at rest
        raw = " ".join(session.execute(text("SELECT filters || ' ' || refs FROM exportevent")).scalars())
    assert all(ref not in raw for ref in il) and "state" not in raw
    run_export(app, "--format", "csv")
    assert [(e.format, e.filters, e.count) for e in export_events(app)] == [
        ("jsonl", {"state": "IL"}, 2),
        ("csv", {}, 3),
    ]


def test_a_refused_cli_export_records_nothing(app: Flask) -> None:
    file_two(app)
    result = app.test_cli_runner().invoke(args=["reports", "export", "--format", "xml"])
    assert result.exit_code != 0
    assert export_events(app) == []
