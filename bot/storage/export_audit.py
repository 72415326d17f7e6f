"""The audit trail of exports: one record per export, naming who, when, the format, the filter and the refs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from bot.storage.models import ExportEvent, StaffUser


def record_export(
    session: Session,
    *,
    staff_id: int | None,
    actor: str,
    fmt: str,
    filters: dict[str, Any],
    refs: list[str],
    now: datetime,
) -> ExportEvent:
    """Write one export to the audit trail (staff_id None and actor `cli` for the command line)."""
    event = ExportEvent(
        staff_id=staff_id, actor=actor, format=fmt, filters=filters, refs=refs, count=len(refs), created_at=now
    )
    session.add(event)
    return event


def recent_exports(session: Session, limit: int = 200) -> list[tuple[ExportEvent, StaffUser | None]]:
    """The latest exports first, each with the staff account that made it (None: the command line)."""
    rows = session.execute(
        select(ExportEvent, StaffUser)
        .outerjoin(StaffUser, StaffUser.id == ExportEvent.staff_id)
        .order_by(ExportEvent.created_at.desc(), ExportEvent.id.desc())
        .limit(limit)
    ).all()
    return [(event, user) for event, user in rows]
