"""A conversation's state between two texts, stored as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class State:
    """Where a texter is: flow and node waiting for an answer, answers so far, and how they got here."""

    flow: str | None = None
    node: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # answers as they read back to the texter
    stack: list[str] = field(default_factory=list)  # questions answered in this flow, for BACK
    misses: int = 0  # answers in a row that did not parse
    pending: str | None = None  # "resume", "confirm" or "delete" while we wait for that answer
    pending_value: dict[str, Any] | None = None  # the value waiting for a YES ("confirm")
    edit_queue: list[str] = field(default_factory=list)  # questions left to re-ask from a summary
    return_to: str | None = None  # the summary node to come back to after editing
    parked: dict[str, Any] | None = None  # a flow left mid-way, kept for resuming
    started: bool = False  # the welcome has been sent
    turns: int = 0  # texts handled in this conversation

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready copy."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> State:
        """Rebuild a State from stored JSON, ignoring keys from older versions."""
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def copy(self) -> State:
        """Return an independent copy, so the caller's state is never changed in place."""
        return State.from_dict(self.to_dict())

    @property
    def waiting(self) -> bool:
        """Whether a question is waiting for an answer."""
        return self.flow is not None and self.node is not None
