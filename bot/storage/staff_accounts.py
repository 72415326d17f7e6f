"""Staff accounts and failed logins as stored: looking accounts up, and counting failures for throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session

from bot.storage.models import LoginFailure, StaffUser


def by_email(session: Session, email: str) -> StaffUser | None:
    """Return the account with this (already normalised) email."""
    return session.execute(select(StaffUser).where(StaffUser.email == email)).scalar_one_or_none()


def all_staff(session: Session) -> list[StaffUser]:
    """Return every account, active ones first, by name."""
    return list(
        session.execute(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name, StaffUser.email)).scalars()
    )


def forget_failures_before(session: Session, since: datetime) -> None:
    """Delete failed logins older than the throttling window."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < since))


def failures_since(session: Session, email: str, ip: str, since: datetime) -> tuple[int, int]:
    """Return how many logins failed since `since` for this account and from this address."""
    failures = session.execute(
        select(
            func.count().filter(LoginFailure.email == email),
            func.count().filter(LoginFailure.ip == ip),
        ).where(LoginFailure.at >= since, or_(LoginFailure.email == email, LoginFailure.ip == ip))
    ).one()
    return failures[0], failures[1]


def forget_failures_of(session: Session, email: str) -> None:
    """Delete an account's failed logins (after it logged in)."""
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))


def record_failure(session: Session, email: str, ip: str, now: datetime) -> None:
    """Keep one failed login, for throttling."""
    session.add(LoginFailure(email=email, ip=ip, at=now))
