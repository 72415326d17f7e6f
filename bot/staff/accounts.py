"""Staff accounts: argon2id password hashes, creating and disabling accounts, throttled logins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session

from bot.storage import staff_accounts
from bot.storage.models import StaffUser

ROLES = ("admin", "staff")
MIN_PASSWORD_LENGTH = 12
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


def check_password_strength(password: str) -> None:
    """Refuse passwords too short to be safe."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def create_staff(session: Session, email: str, password: str, role: str, now: datetime, name: str = "") -> StaffUser:
    """Create an account; the email must be new."""
    email = normalize_email(email)
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254:
        raise AccountError("that is not an email address")
    check_password_strength(password)
    if find_by_email(session, email) is not None:
        raise AccountError(f"an account for {email} already exists")
    user = StaffUser(email=email, name=name.strip()[:200], role=role, password_hash=hash_password(password))
    user.created_at = now
    session.add(user)
    session.flush()
    return user


def set_password(user: StaffUser, password: str) -> None:
    """Change a password and end the account's other sessions."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.session_version += 1


def set_active(user: StaffUser, active: bool, now: datetime) -> None:
    """Disable an account (its sessions end at once: the session version changes) or enable it again."""
    if user.active and not active:
        user.session_version += 1
        user.disabled_at = now
    if active:
        user.disabled_at = None
    user.active = active


def find_by_email(session: Session, email: str) -> StaffUser | None:
    return staff_accounts.by_email(session, normalize_email(email))


def active_staff(session: Session) -> list[StaffUser]:
    return [user for user in staff_accounts.all_staff(session) if user.active]


@dataclass(frozen=True)
class LoginResult:
    """A login's outcome: the user, or why not (`throttled` means no password was even checked)."""

    user: StaffUser | None = None
    throttled: bool = False


def authenticate(
    session: Session, email: str, password: str, ip: str, now: datetime, max_failures: int, window: timedelta
) -> LoginResult:
    """Check a password, unless this account or address failed too often within the window."""
    email = normalize_email(email)[:254]
    ip = ip[:64]
    since = now - window
    staff_accounts.forget_failures_before(session, since)
    by_account, by_address = staff_accounts.failures_since(session, email, ip, since)
    if by_account >= max_failures or by_address >= max_failures * PER_ADDRESS_FACTOR:
        return LoginResult(throttled=True)
    user = find_by_email(session, email)
    if _verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None and user.active:
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        staff_accounts.forget_failures_of(session, email)
        return LoginResult(user=user)
    staff_accounts.record_failure(session, email, ip, now)
    return LoginResult()


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
