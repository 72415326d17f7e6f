"""The second factor: TOTP codes from an authenticator app (pyotp), and one-time recovery codes."""

from __future__ import annotations

import hmac
import re
import secrets
import time
from datetime import datetime

import pyotp
import segno
from argon2 import PasswordHasher
from sqlmodel import Session

from bot.config import Settings
from bot.staff.accounts import verify_password
from bot.storage import staff_accounts
from bot.storage.models import StaffUser

ISSUER = "Holdline"
RECOVERY_CODES = 10
RECOVERY_LENGTH = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed from paper
_NOT_CODE = re.compile(r"[\s-]+")
# OWASP's minimum argon2id settings (19 MiB, 2 passes): enough for 50 random bits, and up to ten are checked
# per recovery login, so lighter than the password hasher.
_code_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def required(user: StaffUser, settings: Settings) -> bool:
    """Admins always need a second factor; everyone does with STAFF_REQUIRE_MFA."""
    return user.role == "admin" or settings.staff_require_mfa


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    """The provisioning URI as a QR code, an SVG data: URI (the CSP allows data: images, no scripts)."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


def totp_step(secret: str, code: str, at: float | None = None) -> int | None:
    """Return the 30-second step a 6-digit code is valid for (this one or either neighbour), or None."""
    code = _NOT_CODE.sub("", code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    for drift in (0, -1, 1):
        when = now + drift * totp.interval
        if hmac.compare_digest(totp.at(when), code):
            return int(when // totp.interval)
    return None


def accept_totp(user: StaffUser, code: str, at: float | None = None) -> bool:
    """Accept a code once: a code (or an older one) already used is refused, so a seen code cannot be replayed."""
    if not user.totp_secret:
        return False
    step = totp_step(user.totp_secret, code, at)
    if step is None or step <= user.totp_last_step:
        return False
    user.totp_last_step = step
    return True


def _normal(code: str) -> str:
    return _NOT_CODE.sub("", code).upper()


def new_recovery_codes(session: Session, user: StaffUser) -> list[str]:
    """Replace an account's recovery codes with fresh ones and return them (shown once, kept only hashed)."""
    assert user.id is not None
    raws = ["".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(RECOVERY_LENGTH)) for _i in range(RECOVERY_CODES)]
    # 50 bits each: under ASVS's 112, so stored as salted argon2id hashes like passwords.
    staff_accounts.replace_recovery_codes(session, user.id, [_code_hasher.hash(raw) for raw in raws])
    return [f"{raw[:5]}-{raw[5:]}" for raw in raws]


def use_recovery_code(session: Session, user: StaffUser, code: str, now: datetime) -> bool:
    """Spend one unused recovery code of this account."""
    assert user.id is not None
    typed = _normal(code)
    if len(typed) != RECOVERY_LENGTH or not set(typed) <= set(RECOVERY_ALPHABET):
        return False  # not shaped like a recovery code: no hashing needed to say no
    for row in staff_accounts.unused_recovery_codes(session, user.id):
        if verify_password(row.code_hash, typed):
            row.used_at = now
            session.add(row)
            return True
    return False


def enable(session: Session, user: StaffUser, secret: str, code: str) -> list[str] | None:
    """Turn the second factor on once the app shows a right code; return the new recovery codes."""
    step = totp_step(secret, code)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_step = step
    session.add(user)
    return new_recovery_codes(session, user)


def reset(session: Session, user: StaffUser) -> None:
    """Forget an account's second factor (an admin, for someone who lost the phone and the codes)."""
    assert user.id is not None
    user.totp_secret = None
    user.totp_last_step = 0
    session.add(user)
    staff_accounts.forget_recovery_codes(session, user.id)
