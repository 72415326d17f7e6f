"""The tables: who texts us, where their conversation stands, and every message in and out.

Personal columns (addresses, bodies, conversation answers) are read and written only through
bot/store.py, so that encrypting them at rest changes one module.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Text, TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store datetimes as UTC and always read them back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Contact(SQLModel, table=True):
    """One texter's address on one channel (`+1312…` for SMS, `whatsapp:+1312…` for WhatsApp)."""

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(max_length=64, unique=True, index=True)
    channel: str = Field(max_length=16)
    locale: str = Field(default="en", max_length=16)
    opted_out: bool = Field(default=False)
    opted_out_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Conversation(SQLModel, table=True):
    """Where a contact's conversation stands: flow, node, answers so far (the engine's state)."""

    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Message(SQLModel, table=True):
    """One text in or out. Inbound texts are stored before anything else happens to them."""

    id: int | None = Field(default=None, primary_key=True)
    sid: str | None = Field(default=None, max_length=64, unique=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    direction: str = Field(max_length=3)  # "in" or "out"
    channel: str = Field(max_length=16)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    media: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    segments: int = Field(default=0)
    # in: received -> handled | failed ; out: replied (sent in TwiML)
    status: str = Field(max_length=16)
    reply_to_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
