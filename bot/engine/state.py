"""A conversation's state between two texts, stored as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.engine.flow import FILED_REF


def _copied(value: Any) -> Any:
    """A deep copy of JSON-like state (dicts, lists, scalars), much cheaper than copy.deepcopy."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_copied(item) for item in value]
    return value


class PendingKind(StrEnum):
    """A question of the hotline's own that the next text answers, instead of the flow's question."""

    RESUME = "resume"  # continue a parked flow or start over?
    CONFIRM = "confirm"  # is the answer read back right? (YES keeps it)
    DELETE = "delete"  # really erase your data?
    LANGUAGE = "language"  # which language? (the menu was sent)


@dataclass(frozen=True)
class Pending:
    """The hotline's own question waiting for an answer; a CONFIRM keeps the answer it reads back."""

    kind: PendingKind
    value: Any = None  # CONFIRM: the parsed answer waiting for a YES
    shown: str | None = None  # CONFIRM: that answer as it was read back

    @classmethod
    def confirm(cls, value: Any, shown: str | None) -> Pending:
        """Wait for a YES to an answer read back as `shown`."""
        return cls(PendingKind.CONFIRM, value, shown)

    def stored(self) -> tuple[str, dict[str, Any] | None]:
        """Return the stored form: the kind's name, and the CONFIRM value as {"value", "shown"}."""
        if self.kind is PendingKind.CONFIRM:
            return self.kind.value, {"value": self.value, "shown": self.shown}
        return self.kind.value, None

    @classmethod
    def from_stored(cls, kind: str | None, value: dict[str, Any] | None) -> Pending | None:
        """Read the stored form back; an unknown kind (from another version) is forgotten."""
        try:
            known = PendingKind(kind)
        except ValueError:
            return None
        if known is PendingKind.CONFIRM:
            return cls.confirm((value or {}).get("value"), (value or {}).get("shown"))
        return cls(known)


@dataclass
class State:
    """Where a texter is: flow and node waiting for an answer, answers so far, and how they got here."""

    flow: str | None = None
    node: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # answers as they read back to the texter
    stack: list[str] = field(default_factory=list)  # questions answered in this flow, for BACK
    misses: int = 0  # answers in a row that did not parse
    pending: Pending | None = None  # the hotline's own question, while we wait for its answer
    edit_queue: list[str] = field(default_factory=list)  # questions left to re-ask from a summary
    return_to: str | None = None  # the summary node to come back to after editing
    parked: dict[str, Any] | None = None  # a flow left mid-way, kept for resuming
    started: bool = False  # the welcome has been sent
    turns: int = 0  # texts handled in this conversation
    # The last report this conversation filed ({"ref", "flow", "answers", "shown"}), so FIX can reopen it.
    filed: dict[str, Any] | None = None
    skip_answered: bool = False  # after a fast-lane report is sent: go on, passing over questions answered
    heard: dict[str, str] = field(default_factory=dict)  # what the first text already said, offered for a YES

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready copy; `pending` is stored as a name and a `pending_value`, as it always was."""
        data = {name: _copied(getattr(self, name)) for name in self.__dataclass_fields__ if name != "pending"}
        data["pending"], data["pending_value"] = _copied(self.pending.stored()) if self.pending else (None, None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> State:
        """Rebuild a State from stored JSON, ignoring keys from older versions."""
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "pending"}
        return cls(**known, pending=Pending.from_stored(data.get("pending"), data.get("pending_value")))

    def copy(self) -> State:
        """Return an independent copy, so the caller's state is never changed in place."""
        return State.from_dict(self.to_dict())

    @property
    def waiting(self) -> bool:
        """Whether a question is waiting for an answer."""
        return self.flow is not None and self.node is not None

    def reset_flow(self, flow_name: str | None) -> None:
        """Begin a flow afresh (None: no flow), forgetting the last one's answers, pending question and edits."""
        self.flow, self.node, self.answers, self.shown, self.stack, self.misses = flow_name, None, {}, {}, [], 0
        self.pending, self.edit_queue, self.return_to, self.skip_answered = None, [], None, False

    def report_filed(self, ref: str) -> None:
        """The caller stored the report a submit asked for as `ref`: later submits of these answers amend it."""
        if self.filed is not None:
            self.filed["ref"] = ref
            self.filed["answers"][FILED_REF] = ref
            if self.flow == self.filed.get("flow"):  # still asking (the fast lane): the answers go on
                self.answers[FILED_REF] = ref

    def park(self) -> None:
        """Keep the current flow as it is, mid-way, so the texter can resume it later."""
        self.parked = {
            "flow": self.flow,
            "node": self.node,
            "answers": self.answers,
            "shown": self.shown,
            "stack": self.stack,
            "skip_answered": self.skip_answered,
        }

    def is_pending(self, kind: PendingKind) -> bool:
        """Whether the hotline's own question of this kind waits for the next text."""
        return self.pending is not None and self.pending.kind is kind
