"""Counting reports for the stats page: per status, and per facility per week."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from bot.storage.models import Report


def _shown(include_test: bool) -> list[Any]:
    """The condition leaving out test data (reports from the phone preview's test numbers), unless asked."""
    return [] if include_test else [Report.is_test.is_(False)]


def counts_by_status(session: Session, include_test: bool = False) -> dict[str, int]:
    """Return how many reports have each status (statuses no report has are left out)."""
    query = select(Report.status, func.count()).where(*_shown(include_test)).group_by(Report.status)
    return dict(session.execute(query).all())


def _week_of(session: Session) -> Any:
    """Return an SQL expression for the Monday (UTC) starting a report's week, on SQLite or PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.date_trunc("week", func.timezone("UTC", Report.submitted_at)))
    return func.date(Report.submitted_at, "-6 days", "weekday 1")


def weekly_facility_counts(
    session: Session, since: datetime, include_test: bool = False
) -> list[tuple[date, str, str, int]]:
    """Count reports submitted since `since` per week and facility: (Monday, name lower-cased, a spelling, count)."""
    week = _week_of(session)
    name = func.lower(func.trim(Report.facility))
    rows = session.execute(
        select(week, name, func.min(Report.facility), func.count())
        .where(Report.submitted_at >= since, *_shown(include_test))
        .group_by(week, name)
    ).all()
    return [
        (day if isinstance(day, date) else date.fromisoformat(str(day)), key, label, n) for day, key, label, n in rows
    ]
