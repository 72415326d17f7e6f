"""A texter's side of storage: their contact, conversation state, profile and the texts in and out.

Addresses and message bodies are personal: they are read and written here (and in the rest of
bot/storage/) only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from bot.core.fictional import is_test_number
from bot.core.inbound import Inbound
from bot.core.segments import count_segments
from bot.core.text import from_raw_bytes, raw_bytes, storable
from bot.storage.crypto import blind_index
from bot.storage.models import Contact, Conversation, Message, Report, utcnow

log = logging.getLogger("holdline.storage")


def _insert(session: Session, model: type) -> Any:
    """Return an INSERT for the session's dialect that supports ON CONFLICT DO NOTHING."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


# Statements of every turn, built once: building one costs more than running it on SQLite.
_CONTACT_BY_INDEX = select(Contact).where(Contact.address_index == bindparam("index"))
_LOCK_CONTACT = select(Contact).where(Contact.id == bindparam("contact_id")).with_for_update()
_SET_STATUS = (
    update(Message.__table__)  # type: ignore[attr-defined]
    .where(Message.__table__.c.id == bindparam("message_id"))  # type: ignore[attr-defined]
    .values(status=bindparam("new_status"))
)


_KNOWN_ADDRESS = select(
    Contact.__table__.c.id,  # type: ignore[attr-defined]
    Contact.__table__.c.address,  # type: ignore[attr-defined]
).where(Contact.__table__.c.address_index == bindparam("index"))  # type: ignore[attr-defined]


def contact_id_of(session: Session, address: str, channel: str) -> int:
    """The id of the contact for an address, made on its first text; a known one is read without loading
    the whole contact (this runs for every text, before anything else)."""
    known = session.execute(_KNOWN_ADDRESS, {"index": blind_index(address)}).first()
    if known is not None and known.address:
        return known.id
    contact = upsert_contact(session, address, channel)
    assert contact.id is not None
    return contact.id


def upsert_contact(session: Session, address: str, channel: str) -> Contact:
    """Return the contact for an address, creating it if this is the first text from it (one query if not)."""
    index = blind_index(address)
    known = session.execute(_CONTACT_BY_INDEX, {"index": index}).scalar_one_or_none()
    if known is not None and known.address:
        return known
    session.execute(
        _insert(session, Contact)
        .values(
            address=address,
            address_index=index,
            channel=channel,
            locale="en",
            locale_source="default",
            opted_out=False,
            created_at=utcnow(),
            is_test=is_test_number(address),
        )
        .on_conflict_do_nothing(index_elements=["address_index"])
    )
    contact = session.execute(_CONTACT_BY_INDEX, {"index": index}).scalar_one()
    if not contact.address:  # erased by DELETE, and texting again: replies and staff texts need the number
        contact.address = address
        session.add(contact)
    return contact


def lock_contact(session: Session, contact_id: int) -> Contact:
    """Load a contact and hold its row lock until commit, so one number's texts run one at a time."""
    return session.execute(_LOCK_CONTACT, {"contact_id": contact_id}).scalar_one()


def contact_address(contact: Contact) -> str:
    """Return the address to reply to."""
    return contact.address


_inbound_inserts: dict[str, Any] = {}  # per dialect, built on first use


def _inbound_insert(session: Session, columns: Iterable[str]) -> Any:
    """The INSERT of an inbound text that skips a MessageSid already stored, built once per dialect."""
    dialect = session.get_bind().dialect.name
    statement = _inbound_inserts.get(dialect)
    if statement is None:
        values = {name: bindparam(f"in_{name}") for name in columns}
        statement = _insert(session, Message).values(values).on_conflict_do_nothing(index_elements=["sid"])
        statement = _inbound_inserts[dialect] = statement.returning(Message.id)
    return statement


def record_inbound(session: Session, contact_id: int, inbound: Inbound) -> tuple[int, bool]:
    """Store an inbound text once per MessageSid; return (message id, whether it is new)."""
    body = storable(inbound.body)
    values = {
        "sid": inbound.sid,
        "contact_id": contact_id,
        "direction": "in",
        "channel": inbound.channel,
        "body": body,
        "raw_body": raw_bytes(inbound.body),
        "media": [{"url": url, "content_type": kind} for url, kind in inbound.media],
        "segments": count_segments(body),
        "status": "received",
        "created_at": utcnow(),
    }
    result = session.execute(_inbound_insert(session, values), {f"in_{name}": value for name, value in values.items()})
    new_id = result.scalar_one_or_none()
    if new_id is not None:
        return new_id, True
    existing, owner = session.execute(select(Message.id, Message.contact_id).where(Message.sid == inbound.sid)).one()
    if owner != contact_id:
        return _refuse_foreign_sid(session, contact_id, inbound), False
    return existing, False


def _refuse_foreign_sid(session: Session, contact_id: int, inbound: Inbound) -> int:
    """Keep a text whose MessageSid another sender's text already has, marked refused and without the sid.

    Never a repeat delivery (Twilio's sids are unique), so it is not answered with the first texter's
    replies; its status `refused` means the hotline gives it no replies at all.
    """
    log.warning("inbound message %s refused: that MessageSid is stored for another sender", inbound.sid)
    message = Message(
        sid=None,
        contact_id=contact_id,
        direction="in",
        channel=inbound.channel,
        body=inbound.body,
        media=[{"url": url, "content_type": kind} for url, kind in inbound.media],
        segments=count_segments(inbound.body),
        status="refused",
        created_at=utcnow(),
    )
    session.add(message)
    session.flush()
    assert message.id is not None
    return message.id


@dataclass
class LockedTurn:
    """What a turn reads under the sender's lock, in one round trip."""

    contact: Contact
    status: str  # the inbound message's: received, handled…
    state: dict[str, Any]  # the stored engine state ({} for a new conversation)
    last_seen: datetime | None  # when it last changed (None: no stored state)
    received: int  # texts the contact sent since `inbound_since`, this one included
    spent: int  # SMS segments sent (or queued) to them since `outbound_since`
    filed: int  # reports this contact filed (their refs are read only when there are some)


def _turn_statement() -> Any:
    """The read of a turn, built once: the inbound text's status, the stored state, and the sender's counts."""
    contact_id, since_in, since_out = bindparam("contact_id"), bindparam("since_in"), bindparam("since_out")
    texts = Message.__table__  # type: ignore[attr-defined]
    received = (
        select(func.count())
        .where(texts.c.contact_id == contact_id, texts.c.direction == "in", texts.c.created_at >= since_in)
        .scalar_subquery()
    )
    spent = (
        select(func.coalesce(func.sum(texts.c.segments), 0))
        .where(texts.c.contact_id == contact_id, texts.c.direction == "out", texts.c.created_at >= since_out)
        .scalar_subquery()
    )
    reports = Report.__table__  # type: ignore[attr-defined]
    filed = select(func.count()).where(reports.c.contact_id == contact_id).scalar_subquery()
    state = Conversation.__table__  # type: ignore[attr-defined]
    return (
        select(texts.c.status, state.c.state, state.c.updated_at, received, spent, filed)
        .select_from(texts)
        .outerjoin(state, state.c.contact_id == contact_id)
        .where(texts.c.id == bindparam("message_id"))
    )


_TURN = _turn_statement()


def lock_turn(
    session: Session, contact_id: int, message_id: int, inbound_since: datetime, outbound_since: datetime
) -> LockedTurn:
    """Lock a contact's row until commit (one number's texts run one at a time), then read the inbound
    message's status, the contact's conversation and how much they texted and were sent, in one query.

    Read after the lock, not in the locking query: PostgreSQL re-reads only the locked row once the lock
    is granted, so a conversation joined into that query could be the one before the previous text's turn.
    """
    contact = lock_contact(session, contact_id)
    params = {
        "contact_id": contact_id,
        "message_id": message_id,
        "since_in": inbound_since,
        "since_out": outbound_since,
    }
    status, state, updated_at, received, spent, filed = session.execute(_TURN, params).one()
    seen = updated_at if state is not None else None
    return LockedTurn(contact, status, dict(state or {}), seen, received, spent, filed)


def inbound_status(session: Session, message_id: int) -> str:
    """Return an inbound message's status: received, handled or failed."""
    return session.execute(select(Message.status).where(Message.id == message_id)).scalar_one()


def set_inbound_status(session: Session, message_id: int, status: str) -> None:
    """Mark an inbound message handled or failed."""
    session.execute(_SET_STATUS, {"message_id": message_id, "new_status": status})


def replies_to(session: Session, message_id: int) -> list[str]:
    """Return the replies already given to an inbound message in the webhook's answer, in order.

    Replies queued for the outbox (a late answer, WhatsApp buttons) are not given again: they are sent."""
    rows = session.execute(
        select(Message.body).where(Message.reply_to_id == message_id, Message.status == "replied").order_by(Message.id)
    ).scalars()
    return list(rows)


def _outbound_values(contact: Contact, body: str, status: str, **extra: Any) -> dict[str, Any]:
    """The columns of a text to a contact on their channel, with its SMS cost."""
    return {
        "contact_id": contact.id,
        "direction": "out",
        "channel": contact.channel,
        "body": body,
        "segments": count_segments(body),
        "status": status,
        **extra,
    }


def record_replies(session: Session, contact: Contact, message_id: int, replies: list[str]) -> None:
    """Store the replies sent back in the webhook's TwiML (one Core statement: this runs for every text)."""
    if not replies:
        return
    now = utcnow()
    rows = [
        _outbound_values(contact, body, "replied", reply_to_id=message_id, media=[], created_at=now) for body in replies
    ]
    session.execute(insert(Message.__table__), rows)  # type: ignore[attr-defined]


def queue_text(session: Session, contact: Contact, body: str, now: datetime, reply_to_id: int | None = None) -> Message:
    """Store a text for a contact as queued (the outbox sends it); a late reply names the text it answers."""
    message = Message(**_outbound_values(contact, body, "queued", created_at=now, reply_to_id=reply_to_id))
    session.add(message)
    session.flush()
    return message


def outbound(session: Session, message_id: int) -> tuple[Message, Contact] | None:
    """Return a queued text and its contact (None when erased since)."""
    message = session.get(Message, message_id)
    if message is None:
        return None
    contact = session.get(Contact, message.contact_id)
    return (message, contact) if contact is not None else None


def load_conversation(session: Session, contact: Contact) -> tuple[dict[str, Any], datetime | None]:
    """Return a contact's stored engine state and when it last changed."""
    conversation = session.get(Conversation, contact.id)
    if conversation is None:
        return {}, None
    return dict(conversation.state), conversation.updated_at


def save_conversation(
    session: Session, contact: Contact, state: dict[str, Any], now: datetime, *, stored: bool
) -> None:
    """Store a contact's engine state; `stored`: whether it has a stored state already (as the turn read it)."""
    if not stored:
        session.add(Conversation(contact_id=contact.id, state=state, updated_at=now))
        return
    table = Conversation.__table__  # type: ignore[attr-defined]  # Core: no ORM bulk-update work
    session.execute(update(table).where(table.c.contact_id == contact.id).values(state=state, updated_at=now))


# Answers a texter gives once and we keep for next time: answer name -> Contact column.
PROFILE_COLUMNS = {"home_state": "home_state"}


def profile_of(contact: Contact) -> dict[str, str]:
    """Return the remembered answers of a contact (e.g. the state whose law applies)."""
    return {name: getattr(contact, column) for name, column in PROFILE_COLUMNS.items() if getattr(contact, column)}


def remember(contact: Contact, answers: dict[str, Any]) -> None:
    """Keep answers the flows mark `remember: true` on the contact."""
    for name, value in answers.items():
        if name in PROFILE_COLUMNS:
            setattr(contact, PROFILE_COLUMNS[name], str(value))


def set_locale(contact: Contact, locale: str, source: str) -> None:
    """Record the texter's language and how we know it (detected or chosen)."""
    contact.locale = locale
    contact.locale_source = source


def set_opted_out(contact: Contact, opted_out: bool, now: datetime) -> None:
    """Record that a number opted out (STOP) or back in (START)."""
    contact.opted_out = opted_out
    contact.opted_out_at = now if opted_out else None


def unhandled_inbound(session: Session, before: datetime, limit: int) -> list[Inbound]:
    """Texts stored but never handled (a process died or the database failed mid-way), oldest first."""
    rows = session.execute(
        select(Message, Contact)
        .join(Contact, Contact.id == Message.contact_id)
        .where(Message.direction == "in", Message.status == "received", Message.created_at < before)
        .order_by(Message.id)
        .limit(limit)
    ).all()
    return [
        Inbound(
            sid=message.sid or "",
            address=contact.address,
            channel=message.channel,
            body=from_raw_bytes(message.raw_body) if message.raw_body is not None else message.body,
            media=tuple((item.get("url", ""), item.get("content_type", "")) for item in message.media),
        )
        for message, contact in rows
    ]


def count_unhandled(session: Session) -> int:
    """How many stored texts wait to be handled."""
    statement = select(func.count()).select_from(Message).where(Message.direction == "in", Message.status == "received")
    return session.execute(statement).scalar_one()


def last_inbound_at(session: Session, contact_id: int) -> datetime | None:
    """When the contact's last text reached us (texts refused as another sender's do not count)."""
    statement = select(func.max(Message.created_at)).where(
        Message.contact_id == contact_id, Message.direction == "in", Message.status != "refused"
    )
    found = session.execute(statement).scalar_one()
    return _aware(found)


def _aware(value: datetime | None) -> datetime | None:
    """Read an aggregate's datetime as aware UTC (SQLite's MAX() skips the column type)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def count_inbound_since(session: Session, contact_id: int, since: datetime) -> int:
    """How many texts a contact sent since a moment (this one included once stored)."""
    statement = select(func.count()).where(
        Message.contact_id == contact_id, Message.direction == "in", Message.created_at >= since
    )
    return session.execute(statement).scalar_one()
