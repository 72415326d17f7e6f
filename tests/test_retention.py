"""`flask purge`: old messages' words and long-closed reports' personal fields go; stats and the audit trail stay."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Text, select, type_coerce

from bot.config import ConfigError
from bot.storage import stats
from bot.storage.database import get_db
from bot.storage.models import Contact, Conversation, Message, Outbox, Report, ReportEvent, utcnow
from bot.storage.outbox_rows import TWILIO_DELETE
from tests.conftest import make_app

NOW = utcnow()
DAYS = timedelta(days=1)
PERSONAL = {
    "detained_name": "Zebulon Quetzal Okonkwo",
    "detained_dob": "1987-03-14",
    "a_number": "246813579",
    "other_names": "Zeb Okonkwo-Vasquez",
    "booking_number": "booking # 2026-7734219",
    "defense_lawyer": "Hortensia Blackwood",
    "arrest_details": "outside the Wexford laundromat",
    "reporter_name": "Philomena",
    "reporter_relationship": "sister",
    "callback_number": "+17735559361",
    "media": [{"url": "https://api.twilio.com/media/ME0001", "type": "image/jpeg"}],
}
TRIAGE = ("status", "urgency", "facility", "state", "submitted_at", "closed_at", "locale", "channel", "ref")


def _report(ref: str, status: str, submitted: Any, closed: Any = None, **extra: Any) -> Report:
    """A report with distinctive personal values (suffixed by ref) and plain triage columns."""
    values = {k: (f"{v} {ref}" if isinstance(v, str) else v) for k, v in PERSONAL.items()}
    return Report(
        ref=ref,
        status=status,
        submitted_at=submitted,
        closed_at=closed,
        urgency="high",
        facility="Cook County Jail",
        state="IL",
        locale="es",
        channel="sms",
        name_key="tokens",
        match_key="match",
        **(values | extra),
    )


def _message(contact: Contact, age: int, direction: str, body: str, sid: str | None, **extra: Any) -> Message:
    """A message `age` days old."""
    status = "handled" if direction == "in" else "sent"
    return Message(
        contact_id=contact.id,
        direction=direction,
        channel="sms",
        body=body,
        sid=sid,
        segments=2,
        status=extra.pop("status", status),
        created_at=NOW - age * DAYS,
        **extra,
    )


def seed(app: Flask) -> dict[str, int]:
    """Two texters (one gone quiet, one texting now) and three reports: long closed, open, recently closed."""
    with get_db(app).transaction() as session:
        quiet, active = Contact(address="+13125550101", channel="sms"), Contact(address="+13125550102", channel="sms")
        session.add_all([quiet, active])
        session.flush()
        session.add(
            Conversation(contact_id=quiet.id, state={"answers": {"name": "Gone Quiet"}}, updated_at=NOW - 200 * DAYS)
        )
        session.add(Conversation(contact_id=active.id, state={"answers": {"name": "Still Typing"}}, updated_at=NOW))
        photo = [{"url": "https://api.twilio.com/media/ME0002", "type": "image/jpeg"}]
        old = [
            _message(quiet, 200, "in", "my brother Zebulon is held", "SM0001", media=photo),
            _message(quiet, 200, "out", "Thank you, we got it", "SM0002"),
            _message(active, 100, "in", "first text of Philomena", "SM0003", raw_body=b"first text of Philomena"),
        ]
        waiting = _message(quiet, 200, "in", "never handled words", "SM0004", status="received")
        recent = _message(active, 1, "in", "today Quetzal moved", "SM0005")
        session.add_all([*old, waiting, recent])
        long_closed = _report("R-OLD", "closed", NOW - 500 * DAYS, NOW - 400 * DAYS, contact_id=quiet.id)
        still_open = _report("R-OPEN", "in_review", NOW - 500 * DAYS)
        just_closed = _report("R-NEW", "closed", NOW - 500 * DAYS, NOW - 10 * DAYS)
        session.add_all([long_closed, still_open, just_closed])
        session.flush()
        for report in (long_closed, still_open, just_closed):
            session.add(ReportEvent(report_id=report.id, kind="note", body=f"called Philomena {report.ref}"))
            detail = {"from": "in_review", "to": "closed", "reason": "Released to Hortensia"}
            session.add(ReportEvent(report_id=report.id, kind="status", detail=detail, created_at=NOW - 400 * DAYS))
        return {"long_closed": long_closed.id, "open": still_open.id, "just_closed": just_closed.id,
                "quiet": quiet.id, "active": active.id, "recent": recent.id, "waiting": waiting.id}  # fmt: skip


def snapshot(app: Flask) -> dict[str, Any]:
    """Every row seed() made, as plain values, and the statistics."""
    with get_db(app).transaction() as session:
        reports = {r.ref: r.model_dump() for r in session.execute(select(Report)).scalars()}
        rows = session.execute(select(ReportEvent).order_by(ReportEvent.id)).scalars()
        events = sorted(((e.report_id, e.kind, e.body, e.detail) for e in rows), key=str)
        messages = {m.sid: m.model_dump() for m in session.execute(select(Message)).scalars()}
        conversations = sorted(session.execute(select(Conversation.contact_id)).scalars())
        outbox = session.execute(select(Outbox.kind, Outbox.body).order_by(Outbox.id)).all()
        by_status = stats.counts_by_status(session)
        weekly = stats.weekly_facility_counts(session, NOW - 1000 * DAYS)
    return {"reports": reports, "events": events, "messages": messages, "conversations": conversations,
            "outbox": outbox, "by_status": by_status, "weekly": weekly}  # fmt: skip


def test_a_dry_run_counts_and_changes_nothing(database_url: str) -> None:
    app = make_app(database_url)
    seed(app)
    before = snapshot(app)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "messages older than 90 days: 3 would be purged" in result.output
    assert "Twilio copies (message records, media) to delete: 4" in result.output  # 3 SIDs and a photo
    assert "conversation states idle over 90 days: 1 would be purged" in result.output
    assert "reports closed over 365 days ago: 1 would be purged" in result.output
    assert "their audit trail entries emptied of words: 2" in result.output
    assert "Dry run: nothing changed" in result.output
    assert snapshot(app) == before
    get_db(app).dispose()


def test_apply_purges_exactly_the_old_messages_and_long_closed_reports_once(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(database_url)
    ids = seed(app)
    before = snapshot(app)
    with caplog.at_level(logging.INFO, logger="holdline.retention"):
        result = app.test_cli_runner().invoke(args=["purge", "--apply", "--batch", "2"])  # smaller than the work
    assert result.exit_code == 0, result.output
    assert "purge applied: messages=3 twilio_copies=4 conversations=1 reports=1 events=2" in caplog.text
    words = [w for v in PERSONAL.values() if isinstance(v, str) for w in v.split()] + ["Zebulon", "ME0002", "SM0001"]
    assert [w for w in words if w in caplog.text] == []  # counts only
    assert "messages older than 90 days: 3 purged" in result.output
    assert "reports closed over 365 days ago: 1 purged" in result.output
    after = snapshot(app)

    old, kept = after["reports"]["R-OLD"], before["reports"]["R-OLD"]
    assert {name: old[name] for name in TRIAGE} == {name: kept[name] for name in TRIAGE}
    assert old["purged_at"] is not None
    for name in PERSONAL:
        assert old[name] in ("", None, []), name
    assert old["name_key"] == old["match_key"] == "" and old["dob_index"] is None
    for ref in ("R-OPEN", "R-NEW"):  # an open report, and one closed ten days ago: untouched
        assert after["reports"][ref] == before["reports"][ref]
    assert after["by_status"] == before["by_status"] == {"closed": 2, "in_review": 1}
    assert after["weekly"] == before["weekly"]

    trail = [(kind, body, detail) for rid, kind, body, detail in after["events"] if rid == ids["long_closed"]]
    assert sorted(trail, key=lambda e: e[0]) == [
        ("note", "", {}),
        ("purged", "", {"by": "retention", "days": 365, "events": 2}),
        ("status", "", {"from": "in_review", "to": "closed"}),
    ]
    others = [e for e in before["events"] if e[0] != ids["long_closed"]]
    assert [e for e in after["events"] if e[0] != ids["long_closed"]] == others

    for sid in ("SM0001", "SM0002", "SM0003"):
        message, was = after["messages"][sid], before["messages"][sid]
        assert message["body"] == "" and message["raw_body"] is None and message["media"] == []
        assert message["purged_at"] is not None
        for name in ("direction", "channel", "segments", "status", "created_at", "contact_id"):
            assert message[name] == was[name]
    for sid in ("SM0004", "SM0005"):  # a text not handled yet, and today's
        assert after["messages"][sid] == before["messages"][sid]
    assert after["conversations"] == [ids["active"]]  # the quiet texter's state goes, the active one's stays
    deletions = sorted(body for kind, body in after["outbox"] if kind == TWILIO_DELETE)
    assert deletions == ["SM0001", "SM0002", "SM0003", "https://api.twilio.com/media/ME0002"]

    again = app.test_cli_runner().invoke(args=["purge", "--apply"])
    assert again.exit_code == 0, again.output
    assert "messages older than 90 days: 0 purged" in again.output
    assert "conversation states idle over 90 days: 0 purged" in again.output
    assert "reports closed over 365 days ago: 0 purged" in again.output
    assert snapshot(app) == after
    get_db(app).dispose()


def _ciphertexts(app: Flask, report_id: int, sids: tuple[str, ...]) -> list[str]:
    """The stored (encrypted) personal values of a report and of messages, as they sit in the file."""
    with get_db(app).transaction() as session:
        columns = [type_coerce(c, Text) for c in Report.__table__.c if c.name in PERSONAL]  # type: ignore[attr-defined]
        found = [v for v in session.execute(select(*columns).where(Report.id == report_id)).one() if v]
        for column in (Message.body, Message.raw_body, Message.media):
            rows = session.execute(select(type_coerce(column, Text)).where(Message.sid.in_(sids))).scalars()
            found += [v for v in rows if v]
        bodies = select(type_coerce(ReportEvent.body, Text)).where(ReportEvent.report_id == report_id)
        found += [v for v in session.execute(bodies).scalars() if v]
    return found


def test_purged_values_are_gone_from_the_sqlite_file_and_wal(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "purge.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    ids = seed(app)
    purged = _ciphertexts(app, ids["long_closed"], ("SM0001", "SM0002", "SM0003"))
    kept = _ciphertexts(app, ids["open"], ("SM0005",))
    assert len(purged) >= len(PERSONAL) + 4  # the report's fields, its trail, 3 bodies, a raw body, media
    get_db(app).dispose()  # every value written into the file itself, as on a server that ran for months
    assert all(value.encode() in path.read_bytes() for value in purged + kept)

    result = app.test_cli_runner().invoke(args=["purge", "--apply"])
    assert result.exit_code == 0, result.output
    wal = Path(f"{path}-wal")
    raw = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert [v for v in purged if v.encode() in raw] == []
    assert all(value.encode() in raw for value in kept)  # the search would find them: kept values are there
    get_db(app).dispose()


def test_zero_days_keeps_everything(database_url: str) -> None:
    app = make_app(database_url, RETAIN_MESSAGES_DAYS="0", RETAIN_CLOSED_REPORTS_DAYS="0")
    seed(app)
    before = snapshot(app)
    result = app.test_cli_runner().invoke(args=["purge", "--apply"])
    assert result.exit_code == 0, result.output
    assert "messages: kept for ever" in result.output and "closed reports: kept for ever" in result.output
    assert snapshot(app) == before
    get_db(app).dispose()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"RETAIN_MESSAGES_DAYS": "ninety"}, "RETAIN_MESSAGES_DAYS must be a whole number"),
        ({"RETAIN_CLOSED_REPORTS_DAYS": "-1"}, "RETAIN_CLOSED_REPORTS_DAYS must be 0"),
        ({"RETAIN_MESSAGES_DAYS": "3"}, "RETAIN_MESSAGES_DAYS \\(3\\) must be at least CONVERSATION_IDLE_DAYS"),
    ],
)
def test_invalid_retention_settings_are_refused_at_start(tmp_path: Path, settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make_app(f"sqlite:///{tmp_path / 'x.sqlite3'}", **settings)


def test_staff_closing_a_report_starts_its_retention_and_reopening_stops_it(database_url: str) -> None:
    from bot.staff import actions
    from bot.storage.models import StaffUser

    app = make_app(database_url)
    seed(app)
    closed_on, reopened_on = NOW - 401 * DAYS, NOW - 380 * DAYS
    with get_db(app).transaction() as session:
        worker = StaffUser(email="worker@example.org", password_hash="x")
        session.add(worker)
        session.flush()
        report = session.execute(select(Report).where(Report.status == "in_review")).scalar_one()
        actions.change_status(session, report, worker.id, "closed", "released", closed_on)
        assert report.closed_at == closed_on
        ref = report.ref
    result = app.test_cli_runner().invoke(args=["purge"])
    assert "reports closed over 365 days ago: 2 would be purged" in result.output  # R-OLD and this one
    with get_db(app).transaction() as session:
        report = session.execute(select(Report).where(Report.closed_at == closed_on)).scalar_one()
        actions.change_status(session, report, worker.id, "in_review", "", reopened_on)
        assert report.closed_at is None
    result = app.test_cli_runner().invoke(args=["purge", "--apply"])
    assert "reports closed over 365 days ago: 1 purged" in result.output
    assert snapshot(app)["reports"][ref]["detained_name"] == f"{PERSONAL['detained_name']} {ref}"  # reopened: kept
    get_db(app).dispose()


def test_reports_closed_before_the_migration_count_from_their_last_status_change(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, insert

    from bot.storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0013")
    columns = {c.name for c in Report.__table__.c} - {"closed_at", "purged_at"}  # type: ignore[attr-defined]
    old = _report("R-PRE", "closed", NOW - 500 * DAYS).model_dump()
    never = _report("R-BARE", "closed", NOW - 450 * DAYS).model_dump()
    still = _report("R-OPEN", "in_review", NOW - 500 * DAYS).model_dump()
    engine = create_engine(url)
    with engine.begin() as conn:
        for n, row in enumerate((old, never, still), start=1):
            values = {k: v for k, v in row.items() if k in columns} | {"id": n, "ref_index": str(n)}
            conn.execute(insert(Report.__table__).values(values))  # type: ignore[attr-defined]
        events = ReportEvent.__table__  # type: ignore[attr-defined]
        for at in (NOW - 420 * DAYS, NOW - 410 * DAYS):  # reopened and closed again: the last change counts
            conn.execute(insert(events).values(report_id=1, kind="status", detail={}, body="", created_at=at))
        conn.execute(insert(events).values(report_id=1, kind="note", detail={}, body="", created_at=NOW))
        conn.execute(insert(events).values(report_id=3, kind="status", detail={}, body="", created_at=NOW))
    engine.dispose()
    upgrade(url)
    app = make_app(url)
    with get_db(app).transaction() as session:
        closed = dict(session.execute(select(Report.id, Report.closed_at)).all())
    assert closed == {1: NOW - 410 * DAYS, 2: NOW - 450 * DAYS, 3: None}
    get_db(app).dispose()
