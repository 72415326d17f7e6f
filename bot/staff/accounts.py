"""Staff accounts: argon2id password hashes, creating and disabling accounts, logins slowed after failures."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session

from bot.staff import sessions
from bot.staff.i18n import _
from bot.staff.passwords import MIN_PASSWORD_LENGTH, password_problem
from bot.storage import staff_accounts
from bot.storage.models import StaffUser

__all__ = ["MIN_PASSWORD_LENGTH", "ROLES"]
ROLES = ("admin", "staff")
PER_ADDRESS_FACTOR = 4  # an office behind one address gets this many times an account's allowance

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified when the email is unknown, so a wrong email costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class AccountError(ValueError):
    """A request about accounts that cannot be done (unknown role, short password, taken email…)."""


def hash_password(password: str) -> str:
    """Return an argon2id hash of a password."""
    return _hasher.hash(password)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_password_strength(password: str, email: str = "", name: str = "") -> None:
    """Refuse passwords too short or too easy to guess."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem)


def create_staff(session: Session, email: str, password: str, role: str, now: datetime, name: str = "") -> StaffUser:
    """Create an account; the email must be new."""
    email = normalize_email(email)
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254:
        raise AccountError("that is not an email address")
    check_password_strength(password, email, name)
    if find_by_email(session, email) is not None:
        raise AccountError(f"an account for {email} already exists")
    user = StaffUser(email=email, name=name.strip()[:200], role=role, password_hash=hash_password(password))
    user.created_at = now
    session.add(user)
    session.flush()
    return user


def set_password(
    session: Session, user: StaffUser, password: str, now: datetime, keep_session: int | None = None
) -> None:
    """Change a password and end the account's sessions (but `keep_session`, the one that changed it)."""
    assert user.id is not None
    check_password_strength(password, user.email, user.name)
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.session_version += 1
    session.add(user)
    sessions.end_all(session, user.id, now, keep_id=keep_session)


def change_own_password(
    session: Session, user: StaffUser, current: str, new: str, now: datetime, keep_session: int
) -> None:
    """Self-service: the current password must be right; the new one must be strong and different."""
    if not verify_password(user.password_hash, current):
        raise AccountError(_("Your current password is not right."))
    if new == current:
        raise AccountError(_("The new password must differ from the current one."))
    set_password(session, user, new, now, keep_session)


def set_active(session: Session, user: StaffUser, active: bool, now: datetime) -> None:
    """Disable an account (its sessions end at once) or enable it again."""
    assert user.id is not None
    if user.active and not active:
        user.session_version += 1
        user.disabled_at = now
        sessions.end_all(session, user.id, now)
    if active:
        user.disabled_at = None
    user.active = active
    session.add(user)


def find_by_email(session: Session, email: str) -> StaffUser | None:
    return staff_accounts.by_email(session, normalize_email(email))


def active_staff(session: Session) -> list[StaffUser]:
    return [user for user in staff_accounts.all_staff(session) if user.active]


@dataclass(frozen=True)
class Throttle:
    """How failed logins slow the next try: free tries, then waits doubling from 2 s up to a cap.

    Never a lock: the most anyone waits is `max_delay` (per account and per address), and tries made
    while waiting are refused unchecked and not counted, so hammering does not extend it.
    """

    max_failures: int
    window: timedelta
    max_delay: timedelta

    def wait(self, failures: staff_accounts.Failures, now: datetime) -> int:
        """Seconds to wait before the next try is checked (0: go ahead)."""
        by_account = _delay(failures.by_account, self.max_failures, self.max_delay)
        # Capped like an account's: behind a proxy missing from TRUSTED_PROXIES every client shares one address,
        # and an office shares one too, so a long wait per address would lock staff out after all.
        by_address = _delay(failures.by_address, self.max_failures * PER_ADDRESS_FACTOR, self.max_delay)
        until = max(
            (failures.last_by_account + by_account) if failures.last_by_account else now,
            (failures.last_by_address + by_address) if failures.last_by_address else now,
        )
        return max(0, math.ceil((until - now).total_seconds()))


def _delay(failures: int, free: int, cap: timedelta) -> timedelta:
    if failures < free:
        return timedelta(0)
    return min(cap, timedelta(seconds=2 ** min(failures - free + 1, 30)))


@dataclass(frozen=True)
class LoginResult:
    """A login's outcome: the user, or why not (`wait` > 0 means nothing was checked: try again in that many s)."""

    user: StaffUser | None = None
    wait: int = 0


def throttled(session: Session, email: str, ip: str, now: datetime, throttle: Throttle) -> int:
    """Seconds this account and address must wait before a password or code is checked."""
    since = now - throttle.window
    staff_accounts.forget_failures_before(session, since)
    return throttle.wait(staff_accounts.failures_since(session, email, ip, since), now)


def record_failure(session: Session, email: str, ip: str, now: datetime) -> None:
    """Count a wrong password or second-factor code against the account and the address."""
    staff_accounts.record_failure(session, normalize_email(email)[:254], ip[:64], now)


def authenticate(
    session: Session, email: str, password: str, ip: str, now: datetime, throttle: Throttle
) -> LoginResult:
    """Check a password, unless recent failures for this account or address say to wait first."""
    email = normalize_email(email)[:254]
    ip = ip[:64]
    wait = throttled(session, email, ip, now, throttle)
    if wait:
        return LoginResult(wait=wait)
    user = find_by_email(session, email)
    if verify_password(user.password_hash if user else _DUMMY_HASH, password) and user is not None and user.active:
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return LoginResult(user=user)
    record_failure(session, email, ip, now)
    return LoginResult()


def forget_failures(session: Session, email: str) -> None:
    """After a complete login (password and any second factor), the account starts afresh."""
    staff_accounts.forget_failures_of(session, normalize_email(email))


def verify_password(password_hash: str, password: str) -> bool:
    """Whether a secret matches its argon2 hash (False for a malformed hash)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
