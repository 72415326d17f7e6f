"""Where to go after login: only a dashboard path on this site, never another site or a header-breaking value."""

from __future__ import annotations

from urllib.parse import urlsplit

PREFIX = "/staff/"


def safe_next(target: str | None, default: str) -> str:
    """Return `target` when it is a same-site dashboard path without control characters, else `default`."""
    if not target or len(target) > 2000:
        return default
    if any(ord(char) < 32 or ord(char) == 127 for char in target) or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith(PREFIX) or target.startswith("//"):
        return default
    if "/../" in parts.path or parts.path.endswith("/.."):
        return default
    return target.rstrip("?")
