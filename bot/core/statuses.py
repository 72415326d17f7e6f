"""A report's status in the staff workflow: the one list, in workflow order."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a report stands; stored as its value, shown to families by STATUS."""

    NEW = "new"
    IN_REVIEW = "in_review"
    LAWYER_CONTACTED = "lawyer_contacted"
    ESCALATED = "escalated"
    CLOSED = "closed"

    @property
    def acted_on(self) -> bool:
        """Whether staff have started on it (a texter's DELETE then keeps it)."""
        return self is not Status.NEW

    def next_step(self) -> Status:
        """The status the dashboard suggests next (a new report goes into review)."""
        order = list(Status)
        return order[order.index(self) + 1] if self not in (Status.NEW, Status.CLOSED) else Status.IN_REVIEW


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
STAFF_STATUSES: tuple[str, ...] = tuple(s.value for s in Status if s is not Status.NEW)  # staff never set "new"
