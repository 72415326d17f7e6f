"""Dashboard sessions as stored: start, find by token hash, list, end one or all of an account's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from bot.storage.models import StaffSession, StaffUser


def start(session: Session, staff_id: int, token_hash: str, user_agent: str, now: datetime) -> StaffSession:
    """Keep a new session (only the hash of its token)."""
    row = StaffSession(
        token_hash=token_hash, staff_id=staff_id, user_agent=user_agent[:200], created_at=now, seen_at=now
    )
    session.add(row)
    session.flush()
    return row


def by_token_hash(session: Session, token_hash: str) -> tuple[StaffSession, StaffUser] | None:
    """Return the session with this token hash, ended or not, with its account (one query per request)."""
    row = session.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, StaffUser.id == StaffSession.staff_id)
        .where(StaffSession.token_hash == token_hash)
    ).one_or_none()
    return (row[0], row[1]) if row else None


def open_sessions(session: Session, staff_id: int) -> list[StaffSession]:
    """Return an account's sessions not yet ended, newest first (the caller drops those past their time)."""
    return list(
        session.execute(
            select(StaffSession)
            .where(StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None))
            .order_by(StaffSession.seen_at.desc())
        ).scalars()
    )


def end_all(session: Session, staff_id: int, now: datetime, keep_id: int | None = None) -> int:
    """End every open session of an account (but `keep_id`); return how many ended."""
    query = update(StaffSession).where(StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None))
    if keep_id is not None:
        query = query.where(StaffSession.id != keep_id)
    return session.execute(query.values(ended_at=now)).rowcount or 0
