"""Reference codes like R-7K3M: the one definition of how they are made, typed and searched."""

from __future__ import annotations

import re
import secrets

from bot.core.text import normalize

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, no 1/I: codes are read aloud
REF_PREFIX = "R-"
REF_LENGTH = 4  # new codes; longer ones are drawn when short ones get crowded
REF_MAX_LENGTH = 8
_TYPED = re.compile(rf"^r?\s*([{REF_ALPHABET.lower()}]{{{REF_LENGTH},{REF_MAX_LENGTH}}})$")
_STORED = re.compile(rf"^{REF_PREFIX}[{REF_ALPHABET}]{{{REF_LENGTH},{REF_MAX_LENGTH}}}$")
_SEARCHED = re.compile(rf"^(R[- ])?([{REF_ALPHABET}]{{{REF_LENGTH},{REF_MAX_LENGTH}}})$")


def new_ref(length: int = REF_LENGTH) -> str:
    """Return a random reference code like R-7K3M."""
    return REF_PREFIX + "".join(secrets.choice(REF_ALPHABET) for _ in range(length))


def normalize_ref(text: str) -> str | None:
    """Read a reference code as a texter types it ('r-7k3m', 'R7K3M', '7k3m') as 'R-7K3M'; None if it is not one."""
    found = _TYPED.match(normalize(text).replace(" ", "") if text else "")
    return f"{REF_PREFIX}{found.group(1).upper()}" if found else None


def is_ref(text: str) -> bool:
    """Whether a text is a stored code exactly as written ('R-7K3M'), e.g. in a dashboard URL."""
    return bool(_STORED.match(text))


def searched_ref(text: str) -> tuple[str, bool]:
    """Read a dashboard search as a code: ('R-7K3M', True when it can only be a code, not a name)."""
    typed = text.strip().upper()
    code = _SEARCHED.match(typed)
    ref = REF_PREFIX + (code.group(2) if code else typed)
    return ref, bool(code and (code.group(1) or any(ch.isdigit() for ch in typed)))
