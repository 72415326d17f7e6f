"""Which legal texts a lawyer must look at again: those never reviewed, reviewed by no one named, or too long ago."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from bot.engine.flow import FlowSet, Node


@dataclass(frozen=True)
class LegalText:
    """One text stating legal facts: where it is (`rights.hold_1`) and its node."""

    where: str
    node: Node


def legal_texts(flows: FlowSet) -> Iterator[LegalText]:
    """Yield every text of a legal flow that states facts, in file order."""
    for flow in flows.flows.values():
        if flow.legal:
            for node in flow.nodes.values():
                if node.say and node.facts:
                    yield LegalText(f"{flow.name}.{node.name}", node)


def review_date(node: Node) -> date | None:
    """The day the text was last reviewed, or None when it never was (or the date cannot be read)."""
    try:
        return date.fromisoformat(node.reviewed.on) if node.reviewed else None
    except ValueError:
        return None


def stale(flows: FlowSet, today: date, max_days: int) -> list[LegalText]:
    """Return the legal texts last reviewed more than `max_days` before `today`, or never."""
    limit = today - timedelta(days=max_days)
    return [text for text in legal_texts(flows) if (review_date(text.node) or date.min) < limit]
