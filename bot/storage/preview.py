"""The phone preview's side of storage: the test contacts it texts from, their language and texts.

Only the fictional test numbers (bot/core/fictional.py) are accepted here, so the preview can never
read, change or erase a real texter's data.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from bot.core.fictional import is_test_number
from bot.storage import casework, conversations, reports
from bot.storage.crypto import blind_index
from bot.storage.models import Contact, Message, Outbox


class NotATestNumber(ValueError):
    """The address is not one of the fictional test numbers."""


def _checked(address: str) -> str:
    if not is_test_number(address):
        raise NotATestNumber("the phone preview texts from test numbers only")
    return address


def find(session: Session, address: str) -> Contact | None:
    """The test contact at this address, if it texted before."""
    return session.execute(
        select(Contact).where(Contact.address_index == blind_index(_checked(address)))
    ).scalar_one_or_none()


def choose_language(session: Session, address: str, channel: str, locale: str) -> Contact:
    """Make the test contact speak `locale` (as if the texter had chosen it), creating the contact if new."""
    contact = conversations.upsert_contact(session, _checked(address), channel)
    if contact.locale != locale or contact.locale_source != "chosen":
        conversations.set_locale(contact, locale, "chosen")
        session.add(contact)
    return contact


def texts(session: Session, address: str) -> list[Message]:
    """The test contact's texts in and out, oldest first (none when it never texted)."""
    contact = find(session, address)
    return casework.transcript(session, contact.id) if contact and contact.id else []


def newest_id(session: Session, address: str, direction: str | None = None) -> int:
    """The id of the test contact's newest text (in or out, or only `direction`), 0 when there is none."""
    contact = find(session, address)
    if contact is None:
        return 0
    newest = select(func.max(Message.id)).where(Message.contact_id == contact.id)
    if direction is not None:
        newest = newest.where(Message.direction == direction)
    return session.execute(newest).scalar() or 0


def drawn(session: Session, messages: list[Message]) -> dict[int, str]:
    """The ContentVariables of the texts among `messages` sent as WhatsApp buttons or a list, by message id."""
    ids = [m.id for m in messages if m.direction == "out" and m.id is not None]
    if not ids:
        return {}
    rows = session.execute(
        select(Outbox.message_id, Outbox.content_variables).where(
            Outbox.message_id.in_(ids), Outbox.content_sid.is_not(None)
        )
    )
    return {message_id: variables for message_id, variables in rows if message_id and variables}


def start_over(session: Session, address: str) -> None:
    """Erase the test contact's conversation, texts and new reports, so the next text starts afresh."""
    contact = find(session, address)
    if contact is not None:
        reports.erase_contact_data(session, contact)
        conversations.set_locale(contact, "en", "default")
        session.add(contact)
