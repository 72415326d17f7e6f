"""Create the database engine and hand out short transactions, on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """Build an engine: SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE; PostgreSQL psycopg 3."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
        _serialise_sqlite_writes(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _serialise_sqlite_writes(engine: Engine) -> None:
    """Make every SQLite transaction take the write lock up front, so writers queue instead of failing."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        """Set SQLite up for many writers: WAL, a busy timeout, foreign keys."""
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        """Start SQLite transactions with BEGIN IMMEDIATE, so writers queue instead of failing."""
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine and the way to open a transaction on it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    @property
    def is_sqlite(self) -> bool:
        """Whether this database is SQLite (locking and a few queries differ)."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session whose work is committed on success and rolled back on any error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def init_app(app: Flask, url: str) -> None:
    """Attach the database at `url` to the app and register the `flask db` commands."""
    app.extensions["holdline.db"] = Database(url)
    from bot.storage.migrate import db_cli

    app.cli.add_command(db_cli)


def get_db(app: Flask | None = None) -> Database:
    """Return the app's Database (the current app when none is given)."""
    return (app or current_app).extensions["holdline.db"]
