"""The choices a reply offers (yes/no, a short menu): described by the engine, drawn by a channel.

SMS shows only the text, which lists the choices; WhatsApp can add buttons or a list. A tapped
choice comes back as its `id`: the question it belongs to (`tag`) and the word or number it
stands for, which the question's parser reads like a typed answer.
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = "|"


@dataclass(frozen=True)
class Choice:
    """One choice: what a tap sends back, and what it says."""

    id: str  # "<tag>|<token>"
    title: str


@dataclass(frozen=True)
class Choices:
    """The choices of the question the last reply asks, and the label of a list's button."""

    tag: str  # which question they answer: "<flow>.<node>", "<flow>.<node>.confirm" or "language"
    items: tuple[Choice, ...]
    button: str  # a list's button ("Choose"), in the texter's language


def choice_id(tag: str, token: str) -> str:
    """The id a tap sends back: the question's tag and the typed answer it stands for."""
    return f"{tag}{SEPARATOR}{token}"


def read_choice_id(payload: str) -> tuple[str, str] | None:
    """Split a tapped choice's id into (tag, token); None for a payload that is not one of ours."""
    tag, separator, token = payload.rpartition(SEPARATOR)
    if not separator or not tag or not token:
        return None
    return tag, token
