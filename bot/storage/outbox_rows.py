"""The outbox table's rows: queueing a text or alert, claiming due rows for a worker, counting them.

A family text's address and words stay in its Message (bot/storage/conversations.py); an alert's
row holds an on-call recipient from configuration and a text without personal details.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.storage.models import Outbox

FAMILY_TEXT, ALERT_SMS, ALERT_EMAIL = "family_text", "alert_sms", "alert_email"
TWILIO_DELETE = "twilio_delete"  # body: a message SID or a media URL whose copy Twilio must delete
LEASE = timedelta(minutes=10)  # a row claimed by a worker that died is tried again after this


def enqueue_family_text(session: Session, message_id: int, report_id: int | None, now: datetime) -> Outbox:
    """Queue a stored outbound Message for sending."""
    item = Outbox(kind=FAMILY_TEXT, message_id=message_id, report_id=report_id, next_attempt_at=now, created_at=now)
    session.add(item)
    session.flush()
    return item


def enqueue_twilio_deletions(session: Session, resources: list[str], now: datetime) -> None:
    """Queue asking Twilio to delete its copies: message SIDs (`SM…`, `MM…`) and media URLs (encrypted here)."""
    for resource in resources:
        session.add(Outbox(kind=TWILIO_DELETE, body=resource, next_attempt_at=now, created_at=now))


def enqueue_alert(session: Session, recipient: str, body: str, report_id: int, key: str, now: datetime) -> bool:
    """Queue an alert (by text or email, from the recipient's form) once per key; return whether it is new."""
    kind = ALERT_EMAIL if "@" in recipient else ALERT_SMS
    if session.execute(select(Outbox.id).where(Outbox.dedupe_key == key)).first() is not None:
        return False
    item = Outbox(
        kind=kind,
        recipient=recipient,
        body=body,
        report_id=report_id,
        dedupe_key=key,
        next_attempt_at=now,
        created_at=now,
    )
    try:
        with session.begin_nested():  # another worker queueing the same alert rolls back this insert only
            session.add(item)
    except IntegrityError:
        return False
    return True


def claim(session: Session, now: datetime, limit: int) -> list[int]:
    """Take due rows for this worker: each is leased, its attempt counted, and invisible to other workers."""
    due = (
        select(Outbox)
        .where(Outbox.status.in_(("pending", "sending")), Outbox.next_attempt_at <= now)
        .order_by(Outbox.next_attempt_at, Outbox.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = []
    for item in session.execute(due).scalars():
        item.status = "sending"
        item.attempts += 1
        item.next_attempt_at = now + LEASE
        session.add(item)
        claimed.append(item.id)
    return claimed


def counts(session: Session) -> list[tuple[str, str, int]]:
    """Return how many rows there are of each (kind, status)."""
    rows = session.execute(select(Outbox.kind, Outbox.status, func.count()).group_by(Outbox.kind, Outbox.status))
    return [(kind, status, count) for kind, status, count in rows.all()]


def oldest_waiting(session: Session) -> datetime | None:
    """When the oldest row still to be sent (pending or being sent) was queued; None when there is none."""
    statement = select(func.min(Outbox.created_at)).where(Outbox.status.in_(("pending", "sending")))
    return session.execute(statement).scalar_one()
