"""The outbox table's rows: queueing a text or alert, claiming due rows for a worker, counting them.

A family text's address and words stay in its Message (bot/storage/conversations.py); an alert's
row holds an on-call recipient from configuration and a text without personal details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.storage import conversations
from bot.storage.models import Contact, Outbox

FAMILY_TEXT, ALERT_SMS, ALERT_EMAIL = "family_text", "alert_sms", "alert_email"
TWILIO_DELETE = "twilio_delete"  # body: a message SID or a media URL whose copy Twilio must delete
LEASE = timedelta(minutes=10)  # a row claimed by a worker that died is tried again after this
WHATSAPP_WINDOW = timedelta(hours=24)  # WhatsApp takes free-form texts this long after the family's last one


@dataclass(frozen=True)
class Window:
    """Whether a contact takes free-form texts now: always on SMS; on WhatsApp until `closes_at`."""

    whatsapp: bool
    closes_at: datetime | None  # WhatsApp only: the family's last text + 24 h (None: they never wrote)
    now: datetime

    @property
    def open(self) -> bool:
        return not self.whatsapp or (self.closes_at is not None and self.now < self.closes_at)


def window(session: Session, contact: Contact, now: datetime) -> Window:
    """Return the contact's messaging window at `now`, from the last text they sent us."""
    if contact.channel != "whatsapp" and not contact.address.startswith("whatsapp:"):
        return Window(whatsapp=False, closes_at=None, now=now)
    last = conversations.last_inbound_at(session, contact.id or 0)
    return Window(whatsapp=True, closes_at=last + WHATSAPP_WINDOW if last else None, now=now)


def enqueue_family_text(
    session: Session,
    message_id: int,
    report_id: int | None,
    now: datetime,
    content_sid: str | None = None,
    content_variables: str | None = None,
) -> Outbox:
    """Queue a stored outbound Message for sending (as an approved WhatsApp template when given its SID)."""
    item = Outbox(
        kind=FAMILY_TEXT,
        message_id=message_id,
        report_id=report_id,
        next_attempt_at=now,
        created_at=now,
        content_sid=content_sid,
        content_variables=content_variables,
    )
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


def error_codes(session: Session, message_ids: list[int]) -> dict[int, int]:
    """Return Twilio's error code for each of these family texts that got one."""
    if not message_ids:
        return {}
    statement = select(Outbox.message_id, Outbox.error_code).where(
        Outbox.message_id.in_(message_ids), Outbox.error_code.is_not(None)
    )
    return {message_id: code for message_id, code in session.execute(statement).all()}


def record_failure(session: Session, provider_sid: str, status: str, code: int | None, now: datetime) -> bool:
    """Mark a sent row (and its family text) failed, as Twilio's status callback reports; return whether found."""
    item = session.execute(select(Outbox).where(Outbox.provider_sid == provider_sid)).scalar_one_or_none()
    if item is None:
        return False
    item.status, item.error_code = "failed", code
    item.last_error = f"twilio status {status} code {code}"[:200]
    session.add(item)
    if item.kind == FAMILY_TEXT and item.message_id:
        found = conversations.outbound(session, item.message_id)
        if found is not None:
            found[0].status = "failed"
            session.add(found[0])
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
