"""Encrypted columns: personal values stored as AES-256-GCM ciphertext, seen plain by the code.

The keys, the key ring in use and the blind index live in bot/core/keys.py (re-exported here, so
storage code has one place to import them from).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Text, TypeDecorator
from sqlalchemy.sql import operators

from bot.core.keys import (
    DATA_KEYS_VARIABLE,
    DEV_KEYS_FILE,
    FORMAT,
    INDEX_KEY_VARIABLE,
    KEY_BYTES,
    MAKE_KEY,
    KeyProblem,
    Keyring,
    UndecryptableError,
    blind_index,
    configure,
    dev_keyring,
    dev_keys,
    key_id,
    keyring,
    new_key,
    using,
)
from bot.reports.fields import match_key, name_key

__all__ = [
    "DATA_KEYS_VARIABLE",
    "DEV_KEYS_FILE",
    "FORMAT",
    "INDEX_KEY_VARIABLE",
    "KEY_BYTES",
    "MAKE_KEY",
    "Keyring",
    "KeyProblem",
    "UndecryptableError",
    "blind_index",
    "configure",
    "dev_keyring",
    "dev_keys",
    "key_id",
    "keyring",
    "new_key",
    "using",
    "Encrypted",
    "EncryptedBytes",
    "EncryptedJSON",
    "EncryptedText",
    "match_index",
    "name_tokens",
    "word_token",
]

WORD_TOKEN = 16  # hex characters of a name word's blind index kept for staff's search: 64 bits


def match_index(name: str) -> str:
    """The same-person key (bot/reports/fields.py match_key) as a blind index: equal names, equal keys."""
    key = match_key(name)
    return blind_index(key) if key else ""


def word_token(word: str) -> str:
    """One normalised name word as staff's search finds it: a short blind index, never the word."""
    return blind_index(word)[:WORD_TOKEN]


def name_tokens(name: str) -> str:
    """A name's words (bot/reports/fields.py name_key) as blind-index tokens, so search matches whole words."""
    return " ".join(word_token(word) for word in name_key(name).split())[:200]


# --- columns ---------------------------------------------------------------------------------------


class Encrypted(TypeDecorator):
    """A column stored encrypted (text) and seen plain by the code; None stays NULL."""

    impl = Text
    cache_ok = True

    class comparator_factory(TypeDecorator.Comparator):  # noqa: N801 (SQLAlchemy's name)
        """Refuse SQL comparisons: ciphertext never equals a value (each encryption differs); only IS NULL works."""

        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            """Allow IS [NOT] NULL; refuse the rest, pointing to the blind index."""
            if op in (operators.is_, operators.is_not):
                return super().operate(op, *other, **kwargs)
            raise TypeError("an encrypted column cannot be compared or ordered in SQL; look it up by its blind index")

        def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
            """The same, with the column on the right."""
            raise TypeError("an encrypted column cannot be compared or ordered in SQL; look it up by its blind index")

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context  # "table.column": a value only decrypts in its own column

    def to_bytes(self, value: Any) -> bytes:
        """The plain value as bytes."""
        raise NotImplementedError

    def from_bytes(self, raw: bytes) -> Any:
        """The plain value from bytes."""
        raise NotImplementedError

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        """Encrypt a value on its way to the database."""
        if value is None:
            return None
        return keyring().encrypt(self.to_bytes(value), self.context)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        """Decrypt a value read back."""
        if value is None:
            return None
        return self.from_bytes(keyring().decrypt(value, self.context))


class EncryptedText(Encrypted):
    """Text encrypted at rest (lone surrogates survive, as texters' bodies may carry them)."""

    cache_ok = True

    def to_bytes(self, value: Any) -> bytes:
        """UTF-8, keeping lone surrogates."""
        return str(value).encode("utf-8", "surrogatepass")

    def from_bytes(self, raw: bytes) -> str:
        """Back to text."""
        return raw.decode("utf-8", "surrogatepass")


class EncryptedBytes(Encrypted):
    """Bytes encrypted at rest."""

    cache_ok = True

    def to_bytes(self, value: Any) -> bytes:
        """The bytes as given."""
        return bytes(value)

    def from_bytes(self, raw: bytes) -> bytes:
        """The bytes."""
        return raw


class EncryptedJSON(Encrypted):
    """A JSON value (answers, media lists) encrypted at rest."""

    cache_ok = True

    def to_bytes(self, value: Any) -> bytes:
        """Compact JSON, keeping non-ASCII as it is."""
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")

    def from_bytes(self, raw: bytes) -> Any:
        """The JSON value."""
        return json.loads(raw.decode("utf-8", "surrogatepass"))
