"""Read the queue's filters from a URL's query string, and write them back into links."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.statuses import STATUSES
from bot.storage.casework import OPEN, ReportFilter

URGENCIES = ("critical", "high", "normal")
STATUS_CHOICES = (OPEN, *STATUSES, "all")
PER_PAGE = 50
_STATE = re.compile(r"^[A-Za-z]{2}$")
_LOCALE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")


@dataclass(frozen=True)
class QueueQuery:
    """The queue's filters as the URL has them (strings), so forms and links show them back."""

    status: str = OPEN
    urgency: str = ""
    facility: str = ""
    state: str = ""
    locale: str = ""
    mine: str = ""
    date_from: str = ""
    date_to: str = ""
    q: str = ""
    test: str = ""  # "1": show test data too (reports filed through the phone preview)
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueQuery:
        """Read filters from a query string, dropping values that are not valid."""

        def pick(name: str, ok: bool) -> str:
            return (args.get(name) or "").strip() if ok else ""

        status = (args.get("status") or OPEN).strip()
        urgency = (args.get("urgency") or "").strip()
        state = (args.get("state") or "").strip()
        locale = (args.get("locale") or "").strip()
        page = args.get("page") or "1"
        return cls(
            status=status if status in STATUS_CHOICES else OPEN,
            urgency=urgency if urgency in URGENCIES else "",
            facility=(args.get("facility") or "").strip()[:100],
            state=state.upper() if _STATE.match(state) else "",
            locale=locale if _LOCALE.match(locale) else "",
            mine="1" if args.get("mine") in ("1", "on", "true") else "",
            date_from=pick("date_from", _is_date(args.get("date_from"))),
            date_to=pick("date_to", _is_date(args.get("date_to"))),
            q=(args.get("q") or "").strip()[:100],
            test="1" if args.get("test") in ("1", "on", "true") else "",
            page=min(int(page), 100_000) if page.isdigit() and int(page) > 0 else 1,
        )

    def to_filter(self, staff_id: int, timezone: str) -> ReportFilter:
        """Return the store's filter for these values (dates are whole days in the hotline's time zone)."""
        zone = ZoneInfo(timezone)
        start = _day_start(self.date_from, zone)
        end = _day_start(self.date_to, zone, days=1)
        return ReportFilter(
            status=None if self.status == "all" else self.status,
            urgency=self.urgency or None,
            facility=self.facility or None,
            state=self.state or None,
            locale=self.locale or None,
            assigned_to=staff_id if self.mine else None,
            submitted_from=start,
            submitted_before=end,
            search=self.q or None,
            include_test=bool(self.test),
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """Return the non-empty values as query arguments (for links), with changes applied."""
        values = asdict(replace(self, **changes))
        if values["page"] == 1:
            del values["page"]
        if values["status"] == OPEN:  # the default
            del values["status"]
        return {key: value for key, value in values.items() if value not in ("", None)}


def _is_date(value: str | None) -> bool:
    try:
        date.fromisoformat(value or "")
    except ValueError:
        return False
    return True


def _day_start(value: str, zone: ZoneInfo, days: int = 0) -> datetime | None:
    if not value:
        return None
    day = date.fromisoformat(value) + timedelta(days=days)
    return datetime.combine(day, time(0), tzinfo=zone)
