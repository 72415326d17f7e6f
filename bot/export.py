"""Export reports as CSV or JSON Lines, in the schema documented in docs/export.md."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.storage import casework
from bot.storage.models import Report

EXPORT_FIELDS = (
    "ref",
    "report_type",
    "status",
    "urgency",
    "urgency_score",
    "urgency_reasons",
    "locale",
    "channel",
    "submitted_at",
    "detained_name",
    "detained_dob",
    "citizenship",
    "facility",
    "city_or_county",
    "state",
    "arrested_on",
    "release_due_at",
    "release_due_approximate",
    "release_reason",
    "still_held",
    "ice_mentioned",
    "ice_took_custody",
    "a_number",
    "reporter_name",
    "reporter_relationship",
    "callback_number",
    "consent_to_contact",
    "media_urls",
    "related_refs",
    # added December 2026 (issue 13): at the end, so column positions of older exports still hold
    "other_names",
    "birth_country",
    "booking_number",
    "defense_lawyer",
    "papers_received",
    "warrant_shown",
    "arrest_details",
)
# A spreadsheet runs a cell starting with one of these as a formula. A spreadsheet set to another list
# separator (`;` in much of Europe and Latin America, or tab) splits our cells there, so a formula can also
# start after any separator inside a cell, after optional spaces: `Juan;=HYPERLINK(…)`.
# The first line of every export, before the CSV header row or the first JSON Lines record. No comma or
# quote in it, so a CSV reader sees it as a one-cell row; it starts with `#` so it reads as a comment.
PERSONAL_DATA_NOTICE = (
    "PERSONAL DATA: this file holds names and phone numbers and immigration details of real people."
    " Handle it as personal data: keep it on an encrypted disk; share it only with those who need it;"
    " delete it when done."
)
CSV_NOTICE_LINE = f"# {PERSONAL_DATA_NOTICE}"
JSONL_NOTICE_KEY = "_notice"
FORMULA_START = re.compile(r"(^|[,;\t\r\n])( *)(?=[=+\-@\t\r])")


def export_record(report: Report, related: list[str], timezone: str) -> dict[str, Any]:
    """Return one report as a JSON-ready dict with the export's field names and types."""
    due = report.release_due_at.astimezone(ZoneInfo(timezone)).isoformat() if report.release_due_at else None
    return {
        "ref": report.ref,
        "report_type": report.report_type,
        "status": report.status,
        "urgency": report.urgency,
        "urgency_score": report.urgency_score,
        "urgency_reasons": [reason["code"] for reason in report.urgency_reasons],
        "locale": report.locale,
        "channel": report.channel,
        "submitted_at": report.submitted_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "detained_name": report.detained_name,
        "detained_dob": report.detained_dob,
        "citizenship": report.citizenship,
        "facility": report.facility,
        "city_or_county": report.city_or_county,
        "state": report.state,
        "arrested_on": report.arrested_on,
        "release_due_at": due,
        "release_due_approximate": report.release_due_approximate,
        "release_reason": report.release_reason,
        "still_held": report.still_held,
        "ice_mentioned": report.ice_mentioned,
        "ice_took_custody": report.ice_took_custody,
        "a_number": report.a_number,
        "reporter_name": report.reporter_name,
        "reporter_relationship": report.reporter_relationship,
        "callback_number": report.callback_number,
        "consent_to_contact": report.consent_to_contact,
        "media_urls": [item["url"] for item in report.media],
        "related_refs": related,
        "other_names": report.other_names,
        "birth_country": report.birth_country,
        "booking_number": report.booking_number,
        "defense_lawyer": report.defense_lawyer,
        "papers_received": report.papers_received,
        "warrant_shown": report.warrant_shown,
        "arrest_details": report.arrest_details,
    }


def export_records(session: Session, timezone: str, **filters: Any) -> Iterator[dict[str, Any]]:
    """Yield every matching report as an export record, most urgent first."""
    for report, related in casework.reports_for_export(session, **filters):
        yield export_record(report, related, timezone)


def safe_cell(value: Any) -> str:
    """Render one CSV cell: lists joined with ';', booleans as true/false, formulas neutralised wherever they start."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(str(item) for item in value)
    return FORMULA_START.sub(r"\1\2'", str(value))


def collecting_refs(records: Iterable[dict[str, Any]], refs: list[str]) -> Iterator[dict[str, Any]]:
    """Pass records through, appending each one's ref to refs (for the audit trail)."""
    for record in records:
        refs.append(record["ref"])
        yield record


def write_csv(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Write the personal data notice line, then records as CSV with a header row; return how many were written."""
    out.write(CSV_NOTICE_LINE + "\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_FIELDS)
    written = 0
    for record in records:
        writer.writerow([safe_cell(record[name]) for name in EXPORT_FIELDS])
        written += 1
    return written


def write_jsonl(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Write the personal data notice object, then one JSON object per record; return how many records."""
    out.write(json.dumps({JSONL_NOTICE_KEY: PERSONAL_DATA_NOTICE}, ensure_ascii=False) + "\n")
    written = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        written += 1
    return written


def exported_at() -> str:
    """The export's own timestamp, for file names."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
