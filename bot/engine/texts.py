"""Every text a texter reads or types, each with its translation context: what the catalogs are made of."""

from __future__ import annotations

import string
from collections.abc import Iterator

from bot.engine.flow import Flow, FlowSet, Node, text_key

CONFIRM_NOTE = "Offers a value we already know; YES keeps it."
HEARD_NOTE = "Offers what the texter's first text already said; YES keeps it."
REVIEW_NOTE = (
    "One line of the summary; keep the {placeholders}. A part in [brackets] is left out when its answers "
    "were skipped: keep each [ ] around the same answers, with the words and commas that go with them."
)
CHOICE_NOTE = "Comma-separated words that pick this option."
LABEL_NOTE = "How this choice reads back in a summary."

Text = tuple[str, str | tuple[str, str], str | None]  # (context, English, translator note)


def node_texts(flow: Flow, node: Node) -> Iterator[tuple[str, str, str | None]]:
    """Yield (context, English text, translator note) for every text of one node."""
    if node.say:
        yield text_key(flow.name, node, "say"), node.say, node.note
    if node.ask and node.ask.hint:
        yield text_key(flow.name, node, "hint"), node.ask.hint, None
    if node.ask and node.ask.confirm:
        yield text_key(flow.name, node, "confirm"), node.ask.confirm, CONFIRM_NOTE
    if node.ask and node.ask.heard_confirm:
        yield text_key(flow.name, node, "heard_confirm"), node.ask.heard_confirm, HEARD_NOTE
    for choice in node.ask.choices if node.ask else ():
        yield text_key(flow.name, node, "choice", choice.value), choice.words, CHOICE_NOTE
        if choice.label:
            yield text_key(flow.name, node, "label", choice.value), choice.label, LABEL_NOTE
    for item in node.review:
        yield text_key(flow.name, node, "review", item.key), item.show, REVIEW_NOTE


def iter_texts(flows: FlowSet) -> Iterator[Text]:
    """Yield (context, English text, translator note) for every sendable or typeable text.

    A message with a count yields its text as (singular, plural).
    """
    for key, text in flows.messages.items():
        plural = flows.message_plurals.get(key)
        yield f"system.{key}", (text, plural) if plural else text, flows.message_notes.get(key)
    for name, words in flows.keywords.items():
        yield f"keyword.{name}", words.words, words.note
    for name, words in flows.answer_words.items():
        yield f"answer.{name}", words.words, words.note
    for flow in flows.flows.values():
        yield text_key(flow.name, None, "title"), flow.title, None
        for node in flow.nodes.values():
            yield from node_texts(flow, node)


def budgets(flows: FlowSet) -> dict[str, int]:
    """Return the segment budget declared for a text, by translation context (texts not listed keep the default)."""
    return {
        text_key(flow.name, node, "say"): node.segments
        for flow in flows.flows.values()
        for node in flow.nodes.values()
        if node.say and node.segments is not None
    }


def placeholders(text: str) -> set[str]:
    """Return the `{name}` placeholders used in a text."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}
