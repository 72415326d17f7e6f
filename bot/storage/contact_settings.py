"""The numbers and links texters are given (LEGAL_HELP_PHONE…), as staff saved them on the Contacts page.

Also the approved WhatsApp templates' Content SIDs, one per staff template and locale, under the keys
`WHATSAPP_TEMPLATE.<template>.<locale>`.

Named apart from the app's settings (bot/config.py): these are rows staff change, not the environment.
"""

from __future__ import annotations

import threading
import time
import weakref
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from bot.storage.models import ContactSetting

WHATSAPP_TEMPLATE = "WHATSAPP_TEMPLATE."
# Every text reads the saved contact values; they change a few times a year. Read at most this often per
# database and process: a change saved in this process is seen at once, one saved in another within this.
VALUES_MAX_AGE_SECONDS = 2.0
_values: weakref.WeakKeyDictionary[Any, tuple[float, int, dict[str, str]]] = weakref.WeakKeyDictionary()
# ^ engine -> (read at, generation, values)
_generation = [0]  # bumped by every save or forget in this process
_values_lock = threading.Lock()


def template_key(template: str, locale: str) -> str:
    """Return the setting's key for one staff template's WhatsApp SID in one locale."""
    return f"{WHATSAPP_TEMPLATE}{template}.{locale}"


def saved_template_sids(session: Session) -> dict[str, str]:
    """Return the WhatsApp template SIDs staff saved, by `<template>.<locale>`."""
    rows = session.execute(select(ContactSetting).where(ContactSetting.key.startswith(WHATSAPP_TEMPLATE)))
    return {row.key.removeprefix(WHATSAPP_TEMPLATE): row.value for row in rows.scalars()}


def forget(session: Session, key: str) -> None:
    """Remove a saved setting (the configured value applies again)."""
    _changed()
    row = session.get(ContactSetting, key)
    if row is not None:
        session.delete(row)


def saved(session: Session) -> dict[str, ContactSetting]:
    """Return the contact settings staff have saved, by key (keys not saved use the configured default)."""
    return {row.key: row for row in session.execute(select(ContactSetting)).scalars()}


def saved_values(session: Session) -> dict[str, str]:
    """The saved values by key, as `saved` has them, read from the database at most every VALUES_MAX_AGE_SECONDS."""
    key, now = session.get_bind(), time.monotonic()
    with _values_lock:
        cached, generation = _values.get(key), _generation[0]
    if cached is not None and cached[1] == generation and now - cached[0] < VALUES_MAX_AGE_SECONDS:
        return cached[2]
    values = {row.key: row.value for row in saved(session).values()}
    with _values_lock:
        _values[key] = (now, generation, values)
    return values


def _changed() -> None:
    with _values_lock:
        _generation[0] += 1


def save(session: Session, key: str, value: str, *, verified: bool, staff_id: int, now: datetime) -> ContactSetting:
    """Save one contact setting, recording who changed it, and when it was verified (now, or not since this save)."""
    _changed()
    row = session.get(ContactSetting, key) or ContactSetting(key=key, value=value)
    row.value, row.verified, row.updated_by_id, row.updated_at = value, verified, staff_id, now
    row.verified_at = now if verified else None
    session.add(row)
    return row
