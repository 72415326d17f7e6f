"""Small queries tests use to look at what was stored."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, func, make_url, select, text

from bot.config import normalize_database_url
from bot.export import CSV_NOTICE_LINE, JSONL_NOTICE_KEY, PERSONAL_DATA_NOTICE
from bot.storage.crypto import blind_index
from bot.storage.database import Database
from bot.storage.models import Contact, Conversation, Message


def csv_export_rows(text: str) -> list[dict[str, str]]:
    """The rows of a CSV export, read as a reader would: check the notice line, skip it, read the rest."""
    lines = io.StringIO(text, newline="")
    assert lines.readline().rstrip("\r\n") == CSV_NOTICE_LINE
    return list(csv.DictReader(lines))


def jsonl_export_records(text: str) -> list[dict[str, object]]:
    """The records of a JSON Lines export: check the notice object first, then read one object a line."""
    first, *rest = text.splitlines()
    assert json.loads(first) == {JSONL_NOTICE_KEY: PERSONAL_DATA_NOTICE}
    return [json.loads(line) for line in rest]


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


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A PostgreSQL database made for one test on the local server (HOLDLINE_TEST_POSTGRES_URL), dropped after it."""
    from tests.conftest import POSTGRES_URL

    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests skipped: set HOLDLINE_TEST_POSTGRES_URL")
    admin = create_engine(normalize_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(normalize_database_url(POSTGRES_URL)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def whatsapp_buttons_made(twilio_url: str) -> str:
    """Make every WhatsApp button and list shape on the local Twilio stand-in, with twilio's Content API
    client as `flask whatsapp buttons` does; return the WHATSAPP_BUTTONS value naming them."""
    from bot.twilio.interactive import SHAPES
    from bot.twilio.rest import TwilioSender

    settings = SimpleNamespace(twilio_api_base=twilio_url, twilio_account_sid="AC" + "1" * 32)
    settings.twilio_auth_token, settings.twilio_timeout_seconds = "token", 5.0
    sender = TwilioSender(settings)  # type: ignore[arg-type]
    return ",".join(f"{shape}={sender.make_shape(shape)}" for shape in SHAPES)
