"""Break the database for real, the ways production sees it: refused connections, a server that never answers."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine

from bot.storage.database import Database, make_engine


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word, like a frozen (SIGSTOPped) PostgreSQL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@contextmanager
def database_down(db: Database, tmp_dir: str, frozen_port: int | None = None) -> Iterator[None]:
    """Make every connection of `db` fail (refused, or hanging on a silent server), then bring it back."""
    good = db.engine
    if db.is_sqlite and frozen_port is None:
        broken = create_engine(f"sqlite:///{tmp_dir}/no/such/dir/holdline.sqlite3")  # cannot be opened
    else:
        port = frozen_port or closed_port()
        broken = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/holdline")
    db.engine = broken
    try:
        yield
    finally:
        db.engine = good
        broken.dispose()
