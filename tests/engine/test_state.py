"""A conversation's state survives storage: the typed pending question reads and writes the stored form."""

from __future__ import annotations

import json

import pytest

from bot.engine.state import Pending, PendingKind, State

# A conversation as the database held it before `pending` was typed: a string and a loose value.
OLD_CONFIRM = {
    "flow": "report",
    "node": "ask_from_state",
    "answers": {"person_name": "Ana"},
    "shown": {"person_name": "Ana"},
    "stack": ["ask_person_name"],
    "misses": 1,
    "pending": "confirm",
    "pending_value": {"value": "IL", "shown": "Illinois"},
    "edit_queue": [],
    "return_to": None,
    "parked": None,
    "started": True,
    "turns": 4,
}


def test_an_old_confirm_loads_as_a_typed_pending_answer() -> None:
    state = State.from_dict(OLD_CONFIRM)
    assert state.pending == Pending(PendingKind.CONFIRM, value="IL", shown="Illinois")
    assert (state.flow, state.node, state.answers, state.stack, state.misses, state.turns) == (
        "report",
        "ask_from_state",
        {"person_name": "Ana"},
        ["ask_person_name"],
        1,
        4,
    )


@pytest.mark.parametrize("kind", ["resume", "delete", "language"])
def test_an_old_pending_name_loads_as_its_kind(kind: str) -> None:
    state = State.from_dict(OLD_CONFIRM | {"pending": kind, "pending_value": None})
    assert state.pending == Pending(PendingKind(kind))
    assert state.is_pending(PendingKind(kind))


def test_nothing_pending_and_unknown_names_load_as_none() -> None:
    assert State.from_dict(OLD_CONFIRM | {"pending": None, "pending_value": None}).pending is None
    assert State.from_dict(OLD_CONFIRM | {"pending": "from_a_later_version"}).pending is None
    assert State.from_dict({"turns": 2}).pending is None


def test_the_stored_form_is_unchanged_so_old_and_new_code_read_each_other() -> None:
    new_fields = {"filed": None, "skip_answered": False, "heard": {}}  # added later: old forms read with defaults
    assert State.from_dict(OLD_CONFIRM).to_dict() == {**OLD_CONFIRM, **new_fields}
    assert json.loads(json.dumps(State(pending=Pending(PendingKind.DELETE)).to_dict()))["pending"] == "delete"


def test_a_copy_keeps_the_pending_question() -> None:
    state = State(pending=Pending.confirm(["a.jpg"], "1 photo"))
    assert state.copy().pending == state.pending
    assert state.copy() is not state
