"""How fast the staff queue and a report page are at 1k, 10k and 100k reports, as ratios in the same run.

    .venv/bin/python bench/staff_queue.py [--sizes 1000,10000,100000] [--repeat 20] [--database-url URL]

Seeds a fresh SQLite file (or the database at URL, which must be empty; migrated like production) by
bulk insert, growing it size by size, and times each queue query shape and a report page's queries
against a plain 50-row SELECT and against the same shape at the first size, so the numbers compare
across laptops and CI. `make bench` runs it on PostgreSQL (bench/load.py). Not run by the test suite.
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

from people import person  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from bot.config import PROJECT_ROOT  # noqa: E402
from bot.core.refs import REF_ALPHABET, REF_LENGTH, REF_PREFIX  # noqa: E402
from bot.storage import casework, crypto  # noqa: E402
from bot.storage.casework import OPEN, ReportFilter  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Assignment, Contact, Report, ReportNameWord, StaffUser  # noqa: E402

FACILITIES = [f"{name} County Jail" for name in ("Cook", "Kane", "Lake", "Will", "DuPage", "Dallas", "Harris", "Bexar")]
STATES = ["IL", "IL", "IL", "TX", "TX", "CA", "NY", "FL"]
STATUSES = ["new"] * 5 + ["in_review"] * 2 + ["lawyer_contacted", "escalated", "closed", "closed", "closed"]


def code(number: int) -> str:
    """Report `number`'s reference code, in the real codes' alphabet and length (R-2222, R-2223…)."""
    digits = ""
    for _ in range(REF_LENGTH):
        number, digit = divmod(number, len(REF_ALPHABET))
        digits = REF_ALPHABET[digit] + digits
    return REF_PREFIX + digits


def seed(db: Database, count: int, start: int = 0) -> None:
    """Insert `count` reports (numbered from `start`), about a tenth assigned, over the last year."""
    rng = random.Random(7 + start)
    now = datetime.now(UTC)
    with db.transaction() as session:
        if start == 0:
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
        for i in range(start, start + count):
            score = rng.choice([0, 10, 15, 25, 30, 40, 55, 65, 80, 95])
            rows.append(
                {
                    "ref": code(i),
                    "ref_index": crypto.blind_index(code(i)),
                    "contact_id": 1,
                    "status": rng.choice(STATUSES),
                    "urgency": "critical" if score >= 60 else "high" if score >= 30 else "normal",
                    "urgency_score": score,
                    "urgency_reasons": [],
                    "submitted_at": now - timedelta(minutes=rng.randrange(525_600)),
                    "detained_name": person(i)[0],
                    "name_key": crypto.name_tokens(person(i)[0]),
                    "facility": rng.choice(FACILITIES),
                    "state": rng.choice(STATES),
                    "locale": rng.choice(["en", "en", "es"]),
                    "reporter_name": "",
                    "media": [],
                }
            )
        ids = session.execute(insert(Report).returning(Report.id), rows).scalars().all()
        words = [
            {"token": t, "report_id": i}
            for i, row in zip(ids, rows, strict=True)
            for t in dict.fromkeys(row["name_key"].split())
        ]
        session.execute(insert(ReportNameWord), words)
        session.execute(insert(Assignment), [{"report_id": i, "staff_id": 1, "assigned_at": now} for i in ids[::10]])
    # what autovacuum does after a bulk insert: statistics, and the visibility map index-only scans need
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE" if db.is_sqlite else "VACUUM ANALYZE"))


def timed(run: Callable[[], object], repeat: int) -> float:
    """Return the median seconds of `repeat` runs (after three warm-ups: the pool, the plan, the cache)."""
    for _ in range(3):
        run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def shapes(db: Database, size: int) -> dict[str, Callable[[], object]]:
    """The queue's query shapes and a report page's queries, each in its own transaction."""

    def page(filters: ReportFilter, number: int = 1) -> Callable[[], object]:
        def run() -> object:
            with db.transaction() as session:
                return casework.queue_page(session, filters, page=number, per_page=50)

        return run

    def report_page() -> object:
        with db.transaction() as session:
            found = casework.report_by_ref(session, code(size // 2))
            assert found is not None and found.id is not None
            contact = casework.report_contact(session, found)
            messages = casework.transcript(session, contact.id) if contact and contact.id else []
            return (
                found,
                messages,
                casework.report_timeline(session, found.id),
                casework.related_reports(session, found.id),
            )

    return {
        "queue, open reports, page 1": page(ReportFilter(status=OPEN)),
        "queue, every report, page 1": page(ReportFilter()),
        "queue, open, page 10": page(ReportFilter(status=OPEN), 10),
        "queue, status=new, IL": page(ReportFilter(status="new", state="IL")),
        "queue, critical": page(ReportFilter(urgency="critical")),
        "queue, assigned to me": page(ReportFilter(status=OPEN, assigned_to=1)),
        "queue, facility contains 'kane'": page(ReportFilter(status=OPEN, facility="kane")),
        "queue, search by reference": page(ReportFilter(search=code(size // 3))),
        "queue, search by name": page(ReportFilter(search=" ".join(person(size // 3)[0].split()[:2]).lower())),
        "report page": report_page,
    }


def measure(url: str, sizes: list[int], repeat: int) -> tuple[dict[int, float], dict[int, dict[str, float]]]:
    """Seed the database at `url` up to each size in turn; return the baseline and each shape's median seconds."""
    db = Database(url)
    baselines: dict[int, float] = {}
    results: dict[int, dict[str, float]] = {}
    seeded = 0
    try:
        for size in sizes:
            seed(db, size - seeded, start=seeded)
            seeded = size

            def baseline() -> object:
                with db.transaction() as session:
                    return session.execute(select(Report).where(Report.id > 100).order_by(Report.id).limit(50)).all()

            baselines[size] = timed(baseline, repeat)
            results[size] = {name: timed(run, repeat) for name, run in shapes(db, size).items()}
    finally:
        db.dispose()
    return baselines, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="report counts, comma-separated, growing")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default="", help="an empty database (default: a fresh SQLite file)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    crypto.configure(crypto.dev_keyring(PROJECT_ROOT / "instance"))  # personal columns are encrypted at rest
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        baselines, results = measure(url, sizes, args.repeat)
    first = sizes[0]
    print(f"{'query':36}" + "".join(f" {size:>9} ms" for size in sizes) + "".join(f" {s:>7}/1st" for s in sizes[1:]))
    for name in results[first]:
        cells = "".join(f" {results[size][name] * 1000:12.2f}" for size in sizes)
        ratios = "".join(f" {results[size][name] / results[first][name]:11.2f}" for size in sizes[1:])
        print(f"{name:36}{cells}{ratios}")
    print(f"{'baseline: 50 reports by id':36}" + "".join(f" {baselines[size] * 1000:12.2f}" for size in sizes))


if __name__ == "__main__":
    main()
