"""The inbound journal: texts that arrive while the database cannot take them, kept on disk until replayed.

An append-only file of lines (`inbound.jsonl` in JOURNAL_DIR), each a text encrypted like the database's
personal columns (bot/core/keys.py) and fsync'd before the webhook
answers, and a second append-only file of the MessageSids replayed (`replayed.jsonl`). Appends from
several processes are serialised by an exclusive lock on the journal file; one replayer at a time by
a lock on `replay.lock`. When every entry has been replayed both files are emptied. The files hold
numbers and words, so they are created readable by their owner only.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from bot.core.inbound import Inbound
from bot.core.keys import FORMAT, UndecryptableError, keyring

ENTRIES, REPLAYED, REPLAY_LOCK = "inbound.jsonl", "replayed.jsonl", "replay.lock"
JOURNAL_CONTEXT = "journal.inbound"  # what the entries' ciphertext is bound to (lines of older versions: plain JSON)


@dataclass(frozen=True)
class Entry:
    """One journaled text and when it arrived."""

    inbound: Inbound
    received_at: str  # ISO 8601, UTC


def _encode(inbound: Inbound, received_at: datetime) -> bytes:
    """One line: the text's JSON, encrypted like the database's personal columns (a number and a body)."""
    record = asdict(inbound)
    record["media"] = [list(pair) for pair in inbound.media]
    record["received_at"] = received_at.isoformat()
    # surrogatepass: a lone surrogate is written as is and read back unchanged.
    plain = json.dumps(record, ensure_ascii=True).encode("ascii")
    return (keyring().encrypt(plain, JOURNAL_CONTEXT) + "\n").encode("ascii")


def _decode(line: bytes) -> Entry | None:
    try:
        text = line.decode("ascii").strip()
        if text.startswith(FORMAT + "."):
            line = keyring().decrypt(text, JOURNAL_CONTEXT)
        record = json.loads(line)
        received_at = record.pop("received_at")
        record["media"] = tuple(tuple(pair) for pair in record.get("media", ()))
        return Entry(Inbound(**record), received_at)
    except (ValueError, TypeError, KeyError, UndecryptableError):
        return None  # only a line torn by a crash mid-append can fail; it was never answered as kept


class Journal:
    """Append texts durably and hand them back, in arrival order, until each is replayed."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _path(self, name: str) -> Path:
        return self.directory / name

    def _open(self, name: str) -> int:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return os.open(self._path(name), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    @contextmanager
    def _locked(self, name: str, blocking: bool = True) -> Iterator[int | None]:
        fd = self._open(name)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield None
                return
            yield fd
        finally:
            os.close(fd)  # closing releases the lock

    def append(self, inbound: Inbound, received_at: datetime) -> None:
        """Write one text and fsync it; raises OSError when it could not be kept."""
        data = _encode(inbound, received_at)
        with self._locked(ENTRIES) as fd:
            assert fd is not None
            os.write(fd, data)
            os.fsync(fd)

    def _read(self, name: str) -> list[bytes]:
        try:
            return self._path(name).read_bytes().splitlines()
        except OSError:
            return []

    def _replayed(self) -> set[str]:
        done = set()
        for line in self._read(REPLAYED):
            try:
                done.add(json.loads(line))
            except ValueError:
                continue  # torn by a crash: that text is replayed again, and the MessageSid makes it a no-op
        return done

    def entries(self) -> list[Entry]:
        """Every entry in arrival order, replayed or not."""
        return [entry for entry in map(_decode, self._read(ENTRIES)) if entry is not None]

    def waiting(self) -> list[Entry]:
        """The entries not yet replayed, in arrival order (a MessageSid journaled twice counts once)."""
        if not self.has_entries():
            return []
        done, seen, waiting = self._replayed(), set(), []
        for entry in self.entries():
            if entry.inbound.sid not in done and entry.inbound.sid not in seen:
                seen.add(entry.inbound.sid)
                waiting.append(entry)
        return waiting

    def has_entries(self) -> bool:
        """Whether the journal holds anything at all (one stat: cheap enough for every webhook)."""
        try:
            return self._path(ENTRIES).stat().st_size > 0
        except OSError:
            return False  # missing, or JOURNAL_DIR unusable: append() will say so when it matters

    def waits_for(self, address: str) -> bool:
        """Whether an earlier text from this sender still waits (a new one must queue behind it)."""
        return self.has_entries() and any(entry.inbound.address == address for entry in self.waiting())

    def mark_replayed(self, sid: str) -> None:
        """Record durably that a journaled text went through the normal path."""
        fd = self._open(REPLAYED)
        try:
            os.write(fd, (json.dumps(sid, ensure_ascii=True) + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)

    @contextmanager
    def replaying(self) -> Iterator[bool]:
        """Hold the replay lock; yields False when another process is replaying now."""
        with self._locked(REPLAY_LOCK, blocking=False) as fd:
            yield fd is not None

    def compact(self) -> bool:
        """Empty both files when every entry has been replayed; return whether it did."""
        with self._locked(ENTRIES) as fd:
            assert fd is not None
            if self.waiting():
                return False
            os.ftruncate(fd, 0)
            os.fsync(fd)
            path = self._path(REPLAYED)
            if path.exists():
                with path.open("r+b") as done:
                    done.truncate(0)
                    os.fsync(done.fileno())
            return True
