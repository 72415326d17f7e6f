"""Run the conversation transcripts in tests/transcripts/ through the signed webhook.

Each transcript is a YAML file a lawyer can read: texts in, the replies expected, and what should be
stored. `pytest --update-transcripts` rewrites the replies from what the bot says now (review the
diff before committing it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from sqlalchemy import select

from bot.config import settings_of
from bot.export import export_record
from bot.sms.simulator import Simulator
from bot.storage import reports
from bot.storage.crypto import blind_index
from bot.storage.models import Message, Report
from tests.conftest import TEST_AUTH_TOKEN, Clock
from tests.helpers import contact, count

TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.yaml"))


def _literal_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, _literal_str)


def check_stored(app: Flask, sender: str, expected: dict[str, Any], where: str) -> None:
    """Compare what is stored (contact, latest report as exported, counts) with the transcript."""
    db = app.extensions["holdline.db"]
    found = contact(db, sender)
    for key, value in expected.get("contact", {}).items():
        assert getattr(found, key) == value, f"{where}: stored contact.{key}"
    if "report" in expected:
        record = latest_report_record(app, found.id)
        for key, value in expected["report"].items():
            assert record[key] == value, f"{where}: stored report.{key} is {record[key]!r}"
    if "reports" in expected:
        assert count(db, Report, Report.contact_id == found.id) == expected["reports"], f"{where}: report count"
    if "messages" in expected:
        assert count(db, Message, Message.contact_id == found.id) == expected["messages"], f"{where}: messages"


def latest_report_record(app: Flask, contact_id: int) -> dict[str, Any]:
    """The contact's latest report, as the export shows it."""
    with app.extensions["holdline.db"].transaction() as session:
        report = (
            session.execute(select(Report).where(Report.contact_id == contact_id).order_by(Report.id.desc()))
            .scalars()
            .first()
        )
        assert report is not None, "no report stored"
        return export_record(report, reports.related_refs(session, report.id), settings_of(app).hotline_timezone)


def staff_sets_status(app: Flask, ref: str, status: str) -> None:
    """Do what staff will do from the dashboard: move a report along its workflow."""
    with app.extensions["holdline.db"].transaction() as session:
        report = session.execute(select(Report).where(Report.ref_index == blind_index(ref))).scalar_one()
        report.status = status
        session.add(report)


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(
    path: Path, app: Flask, clock: Clock, predictable_refs: None, request: pytest.FixtureRequest
) -> None:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    update = request.config.getoption("--update-transcripts")
    sender = script.get("from", "+13125550123")
    extra = {"FromState": script["from_state"]} if script.get("from_state") else {}
    changed = False
    for number, step in enumerate(script["steps"], start=1):
        where = f"{path.name} step {number}"
        phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender=step.get("from", sender), extra=extra)
        if "wait" in step:
            clock.advance(**step["wait"])
        if "staff_sets_status" in step:
            staff_sets_status(app, **step["staff_sets_status"])
        if "send" in step:
            media = {}
            for i, (url, kind) in enumerate(step.get("photos", [])):
                media |= {f"MediaUrl{i}": url, f"MediaContentType{i}": kind, "NumMedia": str(i + 1)}
            reply = phone.send(str(step["send"]), **media)
            assert reply.status == 200, f"{where}: HTTP {reply.status}"
            if update and step.get("replies") != reply.texts:
                step["replies"], changed = reply.texts, True
                first = [key for key in ("from", "send", "photos", "replies") if key in step]
                script["steps"][number - 1] = {key: step[key] for key in first + [k for k in step if k not in first]}
            assert reply.texts == step.get("replies", []), f"{where}: {step['send']!r}"
        if "stored" in step:
            check_stored(app, phone.sender, step["stored"], where)
    if changed:
        path.write_text(yaml.dump(script, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100))


def test_there_are_transcripts() -> None:
    assert len(TRANSCRIPTS) >= 4
