"""`flask keys rotate`: 10,000 reports re-encrypted under the newest key, in batches, resumably."""

from __future__ import annotations

import time

from sqlalchemy import Text, func, insert, select, type_coerce

from bot.storage import crypto
from bot.storage.crypto import blind_index
from bot.storage.database import get_db
from bot.storage.models import Report, utcnow
from bot.storage.rotation import encrypted_tables
from tests.conftest import make_app

REPORTS = 10_000
PER_REPORT = 11  # the encrypted columns a row here fills (detained_dob stays NULL)


def _stored_values(app: object) -> list[tuple[str, str]]:
    """Every encrypted value as stored (ciphertext), with its table.column."""
    values = []
    with get_db(app).transaction() as session:  # type: ignore[arg-type]
        for _table, columns in encrypted_tables():
            raw = [type_coerce(column, Text) for column in columns]
            for row in session.execute(select(*raw)).all():
                values += [(column.type.context, value) for column, value in zip(columns, row, strict=True) if value]
    return values


def test_rotation_reencrypts_ten_thousand_reports_under_the_new_key_only(database_url: str) -> None:
    old, new, index = crypto.new_key(), crypto.new_key(), crypto.new_key()
    before = make_app(database_url, HOLDLINE_DATA_KEYS=old, HOLDLINE_INDEX_KEY=index)
    now = utcnow()
    rows = [
        {
            "ref": f"R-{n:05d}",
            "ref_index": blind_index(f"R-{n:05d}"),
            "submitted_at": now,
            "detained_name": f"Person Number {n}",
            "name_key": f"person number {n}",
            "a_number": f"{n:09d}",
            "callback_number": f"+1312555{n:04d}",
            "reporter_name": f"Reporter {n}",
            "other_names": "",
            "defense_lawyer": "",
            "arrest_details": "",
            "booking_number": "",
            "reporter_relationship": "sister",
            "media": [],
            "urgency_reasons": [],
        }
        for n in range(REPORTS)
    ]
    with get_db(before).transaction() as session:
        session.execute(insert(Report), rows)
    get_db(before).dispose()
    old_id = crypto.Keyring.from_strings(old, index).newest_id

    app = make_app(database_url, HOLDLINE_DATA_KEYS=f"{new},{old}", HOLDLINE_INDEX_KEY=index)
    new_id = crypto.keyring().newest_id
    runner = app.test_cli_runner()
    started = time.monotonic()
    partial = runner.invoke(args=["keys", "rotate", "--batch", "1000", "--max-batches", "3"])
    assert partial.exit_code == 0 and "run it again to go on" in partial.output
    assert f"report: 3000 rows read, {3000 * PER_REPORT} values re-encrypted" in partial.output
    done = runner.invoke(args=["keys", "rotate", "--batch", "1000"])
    seconds = time.monotonic() - started
    assert done.exit_code == 0, done.output
    assert f"report: {REPORTS} rows read, {(REPORTS - 3000) * PER_REPORT} values re-encrypted" in done.output
    assert f"Every value is under key {new_id}" in done.output
    print(f"\nrotated {REPORTS} reports (3 batches, then the rest on a second run) in {seconds:.1f} s")
    get_db(app).dispose()

    stored = _stored_values(app)
    assert len(stored) == REPORTS * PER_REPORT and all(value.split(".")[1] == new_id != old_id for _, value in stored)
    only_new = crypto.Keyring.from_strings(new, index)
    only_old = crypto.Keyring.from_strings(old, index)
    readable_old = 0
    for context, value in stored:
        only_new.decrypt(value, context)  # raises if any value is not under the new key
        try:
            only_old.decrypt(value, context)
            readable_old += 1
        except crypto.UndecryptableError:
            pass
    assert readable_old == 0
    with crypto.using(only_new), get_db(app).transaction() as session:
        assert session.execute(select(func.count()).select_from(Report)).scalar_one() == REPORTS
        report = session.execute(select(Report).where(Report.ref_index == blind_index("R-04242"))).scalar_one()
        assert (report.detained_name, report.a_number, report.callback_number) == (
            "Person Number 4242",
            "000004242",
            "+13125554242",
        )
    get_db(app).dispose()
