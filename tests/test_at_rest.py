"""At rest, a report's names, numbers and A-number are ciphertext: in the SQLite file and its WAL, and in pg_dump.

The report is filed through the signed webhook, as a texter would, with values found nowhere else.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from flask import Flask
from sqlalchemy import make_url, select

from bot.sms.simulator import Simulator
from bot.storage.crypto import blind_index
from bot.storage.database import get_db
from bot.storage.migrate import upgrade
from bot.storage.models import Contact, Report
from tests.conftest import TEST_AUTH_TOKEN, Clock, make_app
from tests.helpers import fresh_postgres_database

SCRIPT = Path(__file__).parent / "transcripts" / "report_complete_messy.yaml"
SENDER = "+17735559361"  # also the callback number: the texter answers "same"
# The transcript's answers, swapped for values that appear nowhere but in this report.
TYPED = {
    "juan  PEREZ garcia 🙏": "Zebulon Quetzal Okonkwo",
    "Juan Perez": "Zeb Okonkwo-Vasquez",
    "A 123-456-789": "A 246-813-579",
    "Maria": "Philomena",
    "'booking # 2026-1120045'": "booking # 2026-7734219",
    "booking # 2026-1120045": "booking # 2026-7734219",
}
SECRETS = ("Zebulon", "Quetzal", "Okonkwo", "Vasquez", "246813579", "246-813-579", "Philomena", "7734219", "7735559361")


def file_by_text(app: Flask) -> Report:
    """Text the transcript's report through the webhook with the distinctive answers; return it as stored."""
    app.extensions["holdline.hotline"].clock = Clock()
    script = yaml.safe_load(SCRIPT.read_text(encoding="utf-8"))
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender=SENDER, extra={"FromState": "IL"})
    for step in script["steps"]:
        if "send" in step:
            media = {}
            for i, (url, kind) in enumerate(step.get("photos", [])):
                media |= {f"MediaUrl{i}": url, f"MediaContentType{i}": kind, "NumMedia": str(i + 1)}
            sent = str(step["send"])
            assert phone.send(TYPED.get(sent, sent), **media).status == 200
    with get_db(app).transaction() as session:
        contact = session.execute(select(Contact).where(Contact.address_index == blind_index(SENDER))).scalar_one()
        return session.execute(select(Report).where(Report.contact_id == contact.id)).scalar_one()


def assert_filed_as_typed(report: Report) -> None:
    """The report holds the distinctive values (read back plain), so their absence on disk means encryption."""
    assert report.detained_name == "Zebulon Quetzal Okonkwo" and report.other_names == "Zeb Okonkwo-Vasquez"
    assert report.a_number == "246813579" and report.reporter_name == "Philomena"
    assert report.callback_number == SENDER and "7734219" in report.booking_number


def leaks(raw: bytes) -> list[str]:
    """The distinctive values found in raw bytes (UTF-8, and UTF-16 for good measure)."""
    return [s for s in SECRETS if s.encode() in raw or s.encode("utf-16-le") in raw]


def test_the_sqlite_file_and_its_wal_hold_no_name_number_or_a_number(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "rest.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    report = file_by_text(app)
    assert_filed_as_typed(report)
    wal = Path(f"{path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the texts went through the write-ahead log
    found = leaks(path.read_bytes() + wal.read_bytes())
    get_db(app).dispose()  # closing checkpoints the WAL into the file
    found += leaks(path.read_bytes())
    assert found == []
    assert b"cook county" in path.read_bytes().lower()  # the triage columns stay plain (facility)


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """A PostgreSQL database made for this test on the local server, dropped after it."""
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    with fresh_postgres_database("holdline_rest") as url:
        upgrade(url)
        yield url


@pytest.mark.postgres
def test_pg_dump_holds_no_name_number_or_a_number(fresh_postgres: str) -> None:
    app = make_app(fresh_postgres)
    report = file_by_text(app)
    assert_filed_as_typed(report)
    get_db(app).dispose()
    libpq = make_url(fresh_postgres).set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(["pg_dump", "--no-owner", libpq], capture_output=True, check=True, timeout=60).stdout
    assert b"COPY public.report" in dump and b"cook county" in dump.lower()  # the data is there, triage plain
    assert leaks(dump) == []


def test_the_normalised_name_key_is_not_plain_either(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "key.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    file_by_text(app)
    get_db(app).dispose()
    assert b"okonkwo" not in path.read_bytes().lower()


def _ciphertexts(path: Path, contact_id: int) -> list[bytes]:
    """The stored (encrypted) forms of a contact's number, texts and report, read straight from the file."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT body, media FROM message WHERE contact_id = ?", (contact_id,)).fetchall()
        rows += conn.execute("SELECT address, '' FROM contact WHERE id = ?", (contact_id,)).fetchall()
        rows += conn.execute(
            "SELECT detained_name, a_number FROM report WHERE contact_id = ?", (contact_id,)
        ).fetchall()
        rows += conn.execute("SELECT state, '' FROM conversation WHERE contact_id = ?", (contact_id,)).fetchall()
    return [value.encode() for row in rows for value in row if value]


def test_after_delete_and_its_checkpoint_nothing_of_the_texter_is_left_in_the_sqlite_file(
    tmp_path: Path, sqlite_template: Path
) -> None:
    path = tmp_path / "erase.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    report = file_by_text(app)
    stored = _ciphertexts(path, report.contact_id or 0)
    assert len(stored) > 40 and all(value in path.read_bytes() + Path(f"{path}-wal").read_bytes() for value in stored)
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender=SENDER, extra={"FromState": "IL"})
    phone.send("DELETE")
    assert phone.send("YES").status == 200
    with get_db(app).transaction() as session:
        contact = session.execute(select(Contact).where(Contact.address_index == blind_index(SENDER))).scalar_one()
        assert contact.address == "" and session.execute(select(Report)).first() is None
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and emptied after the erasure
    left = [value[:20] for value in stored if value in path.read_bytes()]
    assert left == []  # secure_delete zeroed the rows: not even their ciphertext is in the free pages
    get_db(app).dispose()
