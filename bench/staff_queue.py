"""How fast the staff queue is at 100k reports, as ratios to a plain 50-row SELECT in the same run.

    .venv/bin/python bench/staff_queue.py [--reports 100000] [--repeat 20]

Seeds a fresh SQLite file (migrated like production), then times each queue query shape against a
baseline measured on the same machine, so the numbers compare across laptops and CI. Not run by
the test suite.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

from bot.config import PROJECT_ROOT  # noqa: E402
from bot.storage import casework, crypto  # noqa: E402
from bot.storage.casework import OPEN, ReportFilter  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Assignment, Contact, Report, StaffUser  # noqa: E402

FACILITIES = [f"{name} County Jail" for name in ("Cook", "Kane", "Lake", "Will", "DuPage", "Dallas", "Harris", "Bexar")]
STATES = ["IL", "IL", "IL", "TX", "TX", "CA", "NY", "FL"]
STATUSES = ["new"] * 5 + ["in_review"] * 2 + ["lawyer_contacted", "escalated", "closed", "closed", "closed"]


def seed(db: Database, count: int) -> None:
    """Insert `count` reports, about a tenth assigned, over the last year."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    with db.transaction() as session:
        session.execute(
            insert(Contact),
            [
                {
                    "address": "+13125550000",
                    "address_index": crypto.blind_index("+13125550000"),
                    "channel": "sms",
                    "locale": "en",
                    "created_at": now,
                }
            ],
        )
        session.execute(
            insert(StaffUser), [{"email": "a@example.org", "name": "A", "password_hash": "x", "created_at": now}]
        )
        rows = []
        for i in range(count):
            score = rng.choice([0, 10, 15, 25, 30, 40, 55, 65, 80, 95])
            rows.append(
                {
                    "ref": f"R-{i:07d}",
                    "ref_index": crypto.blind_index(f"R-{i:07d}"),
                    "contact_id": 1,
                    "status": rng.choice(STATUSES),
                    "urgency": "critical" if score >= 60 else "high" if score >= 30 else "normal",
                    "urgency_score": score,
                    "urgency_reasons": [],
                    "submitted_at": now - timedelta(minutes=rng.randrange(525_600)),
                    "detained_name": f"Person {i}",
                    "name_key": f"{i} person",
                    "facility": rng.choice(FACILITIES),
                    "state": rng.choice(STATES),
                    "locale": rng.choice(["en", "en", "es"]),
                    "reporter_name": "",
                    "media": [],
                }
            )
        session.execute(insert(Report), rows)
        session.execute(
            insert(Assignment), [{"report_id": i, "staff_id": 1, "assigned_at": now} for i in range(1, count + 1, 10)]
        )
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE"))


def timed(run: Callable[[], object], repeat: int) -> float:
    """Return the median seconds of `repeat` runs (after one warm-up)."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    crypto.configure(crypto.dev_keyring(PROJECT_ROOT / "instance"))  # personal columns are encrypted at rest
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        db = Database(url)
        started = time.perf_counter()
        seed(db, args.reports)
        print(f"seeded {args.reports} reports in {time.perf_counter() - started:.1f} s")

        def baseline() -> object:
            with db.transaction() as session:
                return session.execute(select(Report).where(Report.id > 1000).order_by(Report.id).limit(50)).all()

        def page(filters: ReportFilter, number: int = 1) -> Callable[[], object]:
            def run() -> object:
                with db.transaction() as session:
                    return casework.queue_page(session, filters, page=number, per_page=50)

            return run

        shapes = {
            "queue, open reports, page 1": page(ReportFilter(status=OPEN)),
            "queue, every report, page 1": page(ReportFilter()),
            "queue, open, page 200": page(ReportFilter(status=OPEN), 200),
            "queue, status=new, IL": page(ReportFilter(status="new", state="IL")),
            "queue, critical": page(ReportFilter(urgency="critical")),
            "queue, assigned to me": page(ReportFilter(status=OPEN, assigned_to=1)),
            "queue, facility contains 'kane'": page(ReportFilter(status=OPEN, facility="kane")),
            "queue, search by reference": page(ReportFilter(search="R-0054321")),
            "queue, search by name": page(ReportFilter(search="person 54321")),
        }
        base = timed(baseline, args.repeat)
        print(f"baseline: SELECT 50 reports by id = {base * 1000:.2f} ms (median of {args.repeat})")
        print(f"{'query':40} {'ms':>8} {'x baseline':>11}")
        for name, run in shapes.items():
            seconds = timed(run, args.repeat)
            print(f"{name:40} {seconds * 1000:8.2f} {seconds / base:11.1f}")
        db.dispose()


if __name__ == "__main__":
    main()
