"""Counts for the stats page: reports per status, and per facility per week."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.core.statuses import STATUSES
from bot.storage import stats

TOP_FACILITIES = 6


@dataclass(frozen=True)
class WeeklyFacilities:
    """Reports per week (Monday, UTC) for the busiest facilities, the rest summed as `other`."""

    weeks: list[date]
    facilities: list[str]  # the busiest first; "" stands for every other facility
    counts: dict[tuple[str, date], int]

    def total(self, facility: str) -> int:
        return sum(self.counts.get((facility, week), 0) for week in self.weeks)


def counts_by_status(session: Session, include_test: bool = False) -> dict[str, int]:
    """Return how many reports have each status, in workflow order."""
    rows = stats.counts_by_status(session, include_test)
    return {status: rows.get(status, 0) for status in STATUSES}


def weekly_by_facility(
    session: Session, now: datetime, weeks: int = 12, include_test: bool = False
) -> WeeklyFacilities:
    """Count reports per facility per week over the last `weeks` weeks (facility names any case)."""
    this_monday = now.date() - timedelta(days=now.weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)
    rows = stats.weekly_facility_counts(session, since, include_test)
    labels: dict[str, str] = {}
    per_key: Counter[tuple[str, date]] = Counter()
    totals: Counter[str] = Counter()
    for day, key, label, count in rows:
        labels.setdefault(key, label.strip() or "(no facility)")
        per_key[(key, day)] += count
        totals[key] += count
    top = [key for key, _ in totals.most_common(TOP_FACILITIES)]
    counts: defaultdict[tuple[str, date], int] = defaultdict(int)
    for (key, day), count in per_key.items():
        counts[(labels[key] if key in top else "", day)] += count
    facilities = [labels[key] for key in top] + ([""] if len(totals) > len(top) else [])
    return WeeklyFacilities(
        weeks=[first + timedelta(weeks=i) for i in range(weeks)], facilities=facilities, counts=dict(counts)
    )
