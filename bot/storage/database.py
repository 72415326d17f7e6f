"""Create the database engine and hand out short transactions, on SQLite or PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

# Every wait on the database is bounded, so that a webhook answers Twilio (which gives up at 15 s)
# in well under 10 s: what cannot finish in time goes to the journal (bot/sms/journal.py).
SQLITE_BUSY_TIMEOUT_MS = 5_000
PG_CONNECT_TIMEOUT_SECONDS = 3  # libpq: the whole connection set-up, including a frozen server's silence
PG_STATEMENT_TIMEOUT_MS = 5_000
PG_LOCK_TIMEOUT_MS = 4_000  # waiting for a sender's row lock
PG_IDLE_IN_TRANSACTION_MS = 30_000  # a worker frozen mid-transaction does not hold locks for ever
POOL_TIMEOUT_SECONDS = 3  # waiting for a free pooled connection
# The errors that mean "the database cannot be used now" (down, frozen, locked, timed out), as
# opposed to a bug: the hotline journals the text and answers later.
UNAVAILABLE: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, PoolTimeout, TimeoutError)


def make_engine(url: str) -> Engine:
    """Build an engine with bounded waits: SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE; PostgreSQL
    psycopg 3 with connect, statement and lock timeouts. No engine puts parameters in its errors."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            hide_parameters=True,
        )
        _serialise_sqlite_writes(engine)
        return engine
    options = (
        f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS} -c lock_timeout={PG_LOCK_TIMEOUT_MS}"
        f" -c idle_in_transaction_session_timeout={PG_IDLE_IN_TRANSACTION_MS}"
        # JIT compiling pays off for long analytic queries; for the queue's short ones over many rows it
        # added 50-250 ms at 100,000 reports (PostgreSQL 15, jit on by default)
        " -c jit=off"
    )
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_SECONDS, "options": options},
        hide_parameters=True,
    )


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
        cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten with zeros, not left in free pages
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
        self._pid = os.getpid()
        # SQLite takes one writer at a time and makes the others poll with growing sleeps, so under a crowd
        # some wait seconds while later ones go first. This process's threads queue here instead, in turn,
        # and only one of them at a time competes with other processes for the file's lock.
        self._sqlite_turn = threading.RLock() if self.is_sqlite else None

    def _after_fork(self) -> None:
        """In a process forked after the engine was made (gunicorn --preload), leave the parent's connections."""
        if self._pid != os.getpid():
            self.engine.dispose(close=False)
            self._pid = os.getpid()
            if self._sqlite_turn is not None:  # a lock held in the parent at the fork would never be released
                self._sqlite_turn = threading.RLock()

    @property
    def is_sqlite(self) -> bool:
        """Whether this database is SQLite (locking and a few queries differ)."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session whose work is committed on success and rolled back on any error."""
        self._after_fork()
        turn = self._sqlite_turn
        if turn is not None and not turn.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise TimeoutError("waited too long for this process's turn at the SQLite database")
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        finally:
            if turn is not None:
                turn.release()

    def after_commit(self, session: Session, action: Callable[[], None]) -> None:
        """Run `action` once the session's transaction has committed (not at all if it rolls back)."""
        event.listen(session, "after_commit", lambda _session: action(), once=True)

    def erase_traces(self) -> None:
        """After an erasure: on SQLite, copy the write-ahead log into the file and empty it (secure_delete
        has zeroed the rows there); PostgreSQL keeps dead rows until VACUUM (see the README)."""
        if not self.is_sqlite:
            return
        connection = self.engine.raw_connection()
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        finally:
            connection.close()

    def ping(self) -> None:
        """Run one trivial query (raises one of UNAVAILABLE when the database cannot answer)."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

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
