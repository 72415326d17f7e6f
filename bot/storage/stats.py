"""Counting reports for the stats page: per status, and per facility per week."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from bot.storage.models import Report


def counts_by_status(session: Session) -> dict[str, int]:
    """Return how many reports have each status (statuses no report has are left out)."""
    return dict(session.execute(select(Report.status, func.count()).group_by(Report.status)).all())


def _week_of(session: Session) -> Any:
    """Return an SQL expression for the Monday (UTC) starting a report's week, on SQLite or PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.date_trunc("week", func.timezone("UTC", Report.submitted_at)))
    return func.date(Report.submitted_at, "-6 days", "weekday 1")


def weekly_facility_counts(session: Session, since: datetime) -> list[tuple[date, str, str, int]]:
    """Count reports submitted since `since` per week and facility: (Monday, name lower-cased, a spelling, count)."""
    week = _week_of(session)
    name = func.lower(func.trim(Report.facility))
    rows = session.execute(
        select(week, name, func.min(Report.facility), func.count())
        .where(Report.submitted_at >= since)
        .group_by(week, name)
    ).all()
    return [
        (day if isinstance(day, date) else date.fromisoformat(str(day)), key, label, n) for day, key, label, n in rows
    ]
