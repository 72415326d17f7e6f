"""Server-side dashboard sessions: a random token in the signed cookie, its hash in the database.

A session ends when its owner logs out (here or everywhere), changes the password, or is disabled,
after STAFF_IDLE_MINUTES without a request, and STAFF_SESSION_MAX_HOURS after login whatever happens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import Settings
from bot.storage import staff_sessions
from bot.storage.models import StaffSession, StaffUser

TOUCH_EVERY = timedelta(seconds=15)  # how stale `seen_at` may get before a request writes it again


@dataclass(frozen=True)
class Limits:
    """How long a session may idle, and live at all."""

    idle: timedelta
    lifetime: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(timedelta(minutes=settings.staff_idle_minutes), timedelta(hours=settings.staff_session_max_hours))

    def expired(self, row: StaffSession, now: datetime) -> str | None:
        """Say why a session has run out ("idle", "lifetime"), or None while it is live."""
        if now - row.created_at >= self.lifetime:
            return "lifetime"
        if now - row.seen_at >= self.idle:
            return "idle"
        return None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, staff_id: int, user_agent: str, now: datetime) -> str:
    """Start a session for an account and return its token (the only copy is the browser's)."""
    token = secrets.token_urlsafe(32)
    staff_sessions.start(session, staff_id, hash_token(token), user_agent, now)
    return token


@dataclass(frozen=True)
class Found:
    """A token looked up: its live session and active account, or why not ("unknown", "ended", "idle", …)."""

    row: StaffSession | None
    user: StaffUser | None = None
    why_not: str = ""


def resume(session: Session, token: str, limits: Limits, now: datetime) -> Found:
    """Return the live session a token names, marking it seen; end it when it has run out or its account is off."""
    found = staff_sessions.by_token_hash(session, hash_token(token))
    if found is None:
        return Found(None, why_not="unknown")
    row, user = found
    if row.ended_at is not None:
        return Found(None, why_not="ended")
    why = limits.expired(row, now) or ("" if user.active else "disabled")
    if why:
        row.ended_at = now
        session.add(row)
        return Found(None, why_not=why)
    if now - row.seen_at >= TOUCH_EVERY:
        row.seen_at = now
        session.add(row)
    return Found(row, user)


def end(session: Session, token: str, now: datetime) -> None:
    """End the session a token names (logout)."""
    found = staff_sessions.by_token_hash(session, hash_token(token))
    if found is not None and found[0].ended_at is None:
        found[0].ended_at = now
        session.add(found[0])


def live_sessions(session: Session, staff_id: int, limits: Limits, now: datetime) -> list[StaffSession]:
    """An account's sessions that are still live, most recently used first."""
    return [row for row in staff_sessions.open_sessions(session, staff_id) if limits.expired(row, now) is None]


def end_all(session: Session, staff_id: int, now: datetime, keep_id: int | None = None) -> int:
    """End all of an account's sessions (but `keep_id`): log out everywhere, password change, disable."""
    return staff_sessions.end_all(session, staff_id, now, keep_id)
