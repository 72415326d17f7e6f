"""Staff accounts and failed logins as stored: looking accounts up, and counting failures for throttling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session

from bot.storage.models import LoginFailure, RecoveryCode, StaffUser


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


@dataclass(frozen=True)
class Failures:
    """Failed logins within the window: how many, and the latest, for one account and from one address."""

    by_account: int
    last_by_account: datetime | None
    by_address: int
    last_by_address: datetime | None


def failures_since(session: Session, email: str, ip: str, since: datetime) -> Failures:
    """Count the logins that failed since `since` for this account and from this address."""
    at = LoginFailure.at
    row = session.execute(
        select(
            func.count().filter(LoginFailure.email == email),
            func.max(at).filter(LoginFailure.email == email),
            func.count().filter(LoginFailure.ip == ip),
            func.max(at).filter(LoginFailure.ip == ip),
        ).where(LoginFailure.at >= since, or_(LoginFailure.email == email, LoginFailure.ip == ip))
    ).one()
    return Failures(row[0], row[1], row[2], row[3])


def forget_failures_of(session: Session, email: str) -> None:
    """Delete an account's failed logins (after it logged in)."""
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))


def record_failure(session: Session, email: str, ip: str, now: datetime) -> None:
    """Keep one failed login, for throttling."""
    session.add(LoginFailure(email=email, ip=ip, at=now))


def replace_recovery_codes(session: Session, staff_id: int, code_hashes: list[str]) -> None:
    """Keep these recovery code hashes as the account's only ones."""
    forget_recovery_codes(session, staff_id)
    session.add_all(RecoveryCode(staff_id=staff_id, code_hash=code_hash) for code_hash in code_hashes)


def unused_recovery_codes(session: Session, staff_id: int) -> list[RecoveryCode]:
    """The account's recovery codes not yet used (their salted hashes)."""
    return list(
        session.execute(
            select(RecoveryCode).where(RecoveryCode.staff_id == staff_id, RecoveryCode.used_at.is_(None))
        ).scalars()
    )


def recovery_codes_left(session: Session, staff_id: int) -> int:
    """How many recovery codes the account has not used."""
    return session.execute(
        select(func.count()).where(RecoveryCode.staff_id == staff_id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def forget_recovery_codes(session: Session, staff_id: int) -> None:
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff_id))
