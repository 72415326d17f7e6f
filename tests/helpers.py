"""Small queries tests use to look at what was stored."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.storage.crypto import blind_index
from bot.storage.database import Database
from bot.storage.models import Contact, Conversation, Message


def count(db: Database, model: type, *where: object) -> int:
    """Count rows of a table (optionally filtered)."""
    with db.transaction() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def inbound_messages(db: Database) -> list[Message]:
    with db.transaction() as session:
        return list(session.execute(select(Message).where(Message.direction == "in").order_by(Message.id)).scalars())


def contact(db: Database, address: str) -> Contact:
    with db.transaction() as session:
        return session.execute(select(Contact).where(Contact.address_index == blind_index(address))).scalar_one()


def conversation_state(db: Database, address: str) -> dict:
    with db.transaction() as session:
        found = session.execute(select(Contact).where(Contact.address_index == blind_index(address))).scalar_one()
        return dict(session.get(Conversation, found.id).state)
