"""Mark the dashboard's own words for translation: `_("Queue")`, `_("Page %(n)s", n=2)`.

Context-less `_()` texts are extracted into locales/dashboard.pot (bot/i18n/translate.py), apart from the
SMS catalog every locale must translate: the dashboard is English-only for now.
"""

from __future__ import annotations

from typing import Any


def _(message: str, **values: Any) -> str:
    """Return a dashboard text, with %(name)s values filled in (the hook for translating it later)."""
    return message % values if values else message
