"""Key rotation: re-encrypt every encrypted value still under an older data key with the newest one.

Walks each table in primary key order, a batch per transaction; values already under the newest key
are left alone, so a rotation stopped part-way (or run with --max-batches) resumes where it left off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, Text, select, type_coerce, update
from sqlmodel import SQLModel

from bot.storage import crypto
from bot.storage.database import Database

DEFAULT_BATCH = 500


@dataclass
class Rotation:
    """What a rotation did, per table: rows read and values re-encrypted; whether it finished."""

    rows: dict[str, int] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)
    finished: bool = True


def encrypted_tables() -> list[tuple[Table, list[Any]]]:
    """Every table with encrypted columns, and those columns."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, crypto.Encrypted)]
        if columns:
            found.append((table, columns))
    return found


def rotate(
    db: Database,
    *,
    batch: int = DEFAULT_BATCH,
    max_batches: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Rotation:
    """Re-encrypt under the newest key; stop after max_batches batches when given (run again to go on)."""
    keyring = crypto.keyring()
    newest = f"{crypto.FORMAT}.{keyring.newest_id}."
    result = Rotation()
    batches = 0
    for table, columns in encrypted_tables():
        (key,) = table.primary_key.columns
        raw = [type_coerce(column, Text).label(column.name) for column in columns]
        last: Any = None
        result.rows[table.name] = result.values[table.name] = 0
        while True:
            if max_batches is not None and batches >= max_batches:
                result.finished = False
                return result
            with db.transaction() as session:
                query = select(key, *raw).order_by(key).limit(batch)
                if last is not None:
                    query = query.where(key > last)
                rows = session.execute(query).all()
                if not rows:
                    break
                for row in rows:
                    changed = {}
                    for column, value in zip(columns, row[1:], strict=True):
                        if value is None or value.startswith(newest):
                            continue
                        changed[column.name] = column.type.from_bytes(keyring.decrypt(value, column.type.context))
                    if changed:
                        session.execute(update(table).where(key == row[0]).values(**changed))
                        result.values[table.name] += len(changed)
                result.rows[table.name] += len(rows)
                last = rows[-1][0]
            batches += 1
            if progress is not None:
                progress(table.name, result.rows[table.name], result.values[table.name])
    return result
