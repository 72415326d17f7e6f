"""Keys for personal data at rest: AES-256-GCM field encryption (a key id in every value), the blind index.

Keys come from HOLDLINE_DATA_KEYS (comma-separated, newest first: the newest encrypts, every one
decrypts) and HOLDLINE_INDEX_KEY (its own key, for lookups by phone number or reference code).
Each key is 32 random bytes written in URL-safe base64; MAKE_KEY is the command that makes one.
A stored value is `h1.<key id>.<base64(nonce + ciphertext + tag)>`, bound to its table and column,
so a value copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

DATA_KEYS_VARIABLE = "HOLDLINE_DATA_KEYS"
INDEX_KEY_VARIABLE = "HOLDLINE_INDEX_KEY"
MAKE_KEY = 'python -c "import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"'
KEY_BYTES = 32
MIN_DISTINCT_BYTES = 16  # 32 random bytes have about 28 distinct values; "a" * 32 or a repeated word far fewer
FORMAT = "h1"
NONCE_BYTES = 12
DEV_KEYS_FILE = "dev-data-keys.json"  # under instance/: random per machine, made on first debug or test run


class KeyProblem(ValueError):
    """A key that is missing, malformed or too weak to protect anything."""


class UndecryptableError(ValueError):
    """A stored value no configured key opens (wrong keys, or a damaged or moved value)."""


def _decode_key(name: str, text: str) -> bytes:
    """Decode one base64 key, refusing wrong lengths and guessable bytes (the message names no key material)."""
    try:
        typed = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
        raw = base64.b64decode(typed + "=" * (-len(typed) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise KeyProblem(f"{name} is not URL-safe base64. Make a key with: {MAKE_KEY}") from exc
    if len(raw) != KEY_BYTES:
        raise KeyProblem(f"{name} must be {KEY_BYTES} bytes (44 base64 characters). Make a key with: {MAKE_KEY}")
    if len(set(raw)) < MIN_DISTINCT_BYTES:
        raise KeyProblem(f"{name} is too easy to guess (not random). Make a key with: {MAKE_KEY}")
    return raw


def key_id(key: bytes) -> str:
    """A short public name for a data key: the first 8 hex digits of its SHA-256."""
    return hashlib.sha256(b"holdline-key-id\x00" + key).hexdigest()[:8]


@dataclass(frozen=True)
class Keyring:
    """The data keys (newest first) and the index key."""

    data_keys: tuple[bytes, ...]
    index_key: bytes

    @classmethod
    def from_strings(cls, data_keys: Sequence[str] | str, index_key: str) -> Keyring:
        """Build a keyring from the environment's text forms, refusing missing, weak or reused keys."""
        parts = data_keys.split(",") if isinstance(data_keys, str) else list(data_keys)
        texts = [part.strip() for part in parts if part.strip()]
        if not texts:
            raise KeyProblem(f"{DATA_KEYS_VARIABLE} is not set. Make a key with: {MAKE_KEY}")
        if not index_key.strip():
            raise KeyProblem(f"{INDEX_KEY_VARIABLE} is not set. Make a key with: {MAKE_KEY}")
        keys = tuple(_decode_key(f"{DATA_KEYS_VARIABLE} (key {n + 1})", text) for n, text in enumerate(texts))
        index = _decode_key(INDEX_KEY_VARIABLE, index_key)
        if len(set(keys)) != len(keys):
            raise KeyProblem(f"{DATA_KEYS_VARIABLE} lists the same key twice. Make a new key with: {MAKE_KEY}")
        if index in keys:
            raise KeyProblem(
                f"{INDEX_KEY_VARIABLE} must be its own key, not one of {DATA_KEYS_VARIABLE}. Make one with: {MAKE_KEY}"
            )
        return cls(data_keys=keys, index_key=index)

    @property
    def newest_id(self) -> str:
        """The key id new values are encrypted under."""
        return key_id(self.data_keys[0])

    def _ciphers(self) -> dict[str, AESGCM]:
        cached = _CIPHERS.get(self)
        if cached is None:
            cached = _CIPHERS[self] = {key_id(key): AESGCM(key) for key in self.data_keys}
        return cached

    def encrypt(self, plain: bytes, context: str) -> str:
        """Encrypt bytes under the newest key, bound to `context` (table.column)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers()[self.newest_id].encrypt(nonce, plain, context.encode())
        return f"{FORMAT}.{self.newest_id}.{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, stored: str, context: str) -> bytes:
        """Decrypt a stored value with whichever configured key made it."""
        try:
            version, kid, body = stored.split(".", 2)
        except ValueError as exc:
            raise UndecryptableError("a stored value is not encrypted (run `flask db upgrade`)") from exc
        cipher = self._ciphers().get(kid)
        if version != FORMAT or cipher is None:
            raise UndecryptableError(f"no configured key opens a value under key {kid!r}")
        raw = base64.urlsafe_b64decode(body.encode("ascii"))
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except InvalidTag as exc:
            raise UndecryptableError(f"a value under key {kid!r} failed its integrity check") from exc

    def blind_index(self, value: str) -> str:
        """HMAC-SHA256 of a value under the index key, as 64 hex digits: equal values, equal indexes."""
        return hmac.new(self.index_key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


_CIPHERS: dict[Keyring, dict[str, AESGCM]] = {}
_current: Keyring | None = None


def configure(keyring: Keyring) -> Keyring | None:
    """Make `keyring` the one every encrypted column uses; return the one it replaces."""
    global _current
    previous, _current = _current, keyring
    return previous


def keyring() -> Keyring:
    """The configured keyring (create_app and the test set-up configure it)."""
    if _current is None:
        raise RuntimeError(f"encryption keys are not configured: set {DATA_KEYS_VARIABLE} and {INDEX_KEY_VARIABLE}")
    return _current


@contextmanager
def using(other: Keyring) -> Iterator[Keyring]:
    """Use another keyring for a while (key rotation, tests), then the one before."""
    previous = configure(other)
    try:
        yield other
    finally:
        if previous is not None:
            configure(previous)


def blind_index(value: str) -> str:
    """The blind index of a value under the configured index key (for phone numbers, codes, name keys)."""
    return keyring().blind_index(value)


def new_key() -> str:
    """A fresh random key in the environment's text form."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def dev_keys(instance: Path) -> dict[str, str]:
    """This machine's development keys, made (random, readable only by its owner) on first use."""
    path = instance / DEV_KEYS_FILE
    saved = _read_dev_keys(path)
    if saved:
        return saved
    made = {DATA_KEYS_VARIABLE: new_key(), INDEX_KEY_VARIABLE: new_key()}
    instance.mkdir(parents=True, exist_ok=True)
    draft = instance / f".{DEV_KEYS_FILE}.{os.getpid()}"
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(made, out)
    try:
        os.link(draft, path)  # atomic, and never over a file another process made first
    except FileExistsError:
        saved = _read_dev_keys(path)
        if saved:
            made = saved
        else:
            os.replace(draft, path)
    finally:
        draft.unlink(missing_ok=True)
    return made


def _read_dev_keys(path: Path) -> dict[str, str] | None:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    names = (DATA_KEYS_VARIABLE, INDEX_KEY_VARIABLE)
    return saved if isinstance(saved, dict) and all(isinstance(saved.get(n), str) for n in names) else None


def dev_keyring(instance: Path) -> Keyring:
    """The keyring of this machine's development keys."""
    keys = dev_keys(instance)
    return Keyring.from_strings(keys[DATA_KEYS_VARIABLE], keys[INDEX_KEY_VARIABLE])
