"""Load flows/ YAML into a FlowSet, and check it the way `flask flows check` does."""

from __future__ import annotations

import string
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.engine.flow import (
    END,
    WAIT_PREFIX,
    Ask,
    Choice,
    Flow,
    FlowSet,
    Node,
    ReviewItem,
    Wordlist,
    split_target,
    text_key,
)

SYSTEM_FILE = "system.yaml"
KEYWORDS_FILE = "keywords.yaml"
NODE_KEYS = {"say", "ask", "next", "cases", "event", "note", "review", "sources", "reviewed", "set", "facts"}
ASK_KEYS = {"parser", "save", "hint", "choices", "optional", "options", "prefill", "confirm", "known", "remember"}
REQUIRED_KEYWORDS = ("stop", "start", "help", "menu", "exit", "back", "skip", "status", "delete")
REQUIRED_MESSAGES = (
    "welcome", "help", "stopped", "started", "apology", "resume", "way_out", "no_back", "cannot_skip", "text_cut",
    "not_given", "label_yes", "label_no", "label_unknown", "status_none", "status_unknown", "status_new",
    "status_in_review", "status_lawyer_contacted", "status_escalated", "status_closed", "delete_confirm",
    "delete_kept", "erased", "erased_kept", "label_photos",
)  # fmt: skip
# Placeholders the engine fills itself, besides configuration and saved answers.
MESSAGE_PLACEHOLDERS = {"flow_title", "prefill", "answer", "review", "ref", "refs", "kept_refs", "count"}
CONFIRM_NOTE = "Offers a value we already know; YES keeps it."
REVIEW_NOTE = "One line of the summary; keep the {placeholders}."
REQUIRED_ANSWER_WORDS = ("yes", "no", "dont_know", "same", "continue", "start_over")


class FlowError(ValueError):
    """Raised when flow files cannot be read into flows at all."""


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FlowError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise FlowError(f"{path.name}: expected a mapping at the top level")
    return data


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise FlowError(f"{where}: expected text, got {type(value).__name__}")
    return value.strip()


def _mapping(raw: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    """Return raw as a mapping with only the allowed keys, or say precisely what is wrong."""
    if not isinstance(raw, dict):
        raise FlowError(f"{where}: expected a mapping")
    unknown = set(raw) - allowed
    if unknown:
        raise FlowError(f"{where}: unknown keys {sorted(unknown)}")
    return raw


def _ask(raw: Any, where: str) -> Ask:
    raw = _mapping(raw, f"{where}.ask", ASK_KEYS)
    choices_raw = raw.get("choices") or {}
    if not isinstance(choices_raw, dict):
        raise FlowError(f"{where}.ask.choices: expected value: words")
    choices = tuple(_choice(str(v), w, where) for v, w in choices_raw.items())
    return Ask(
        parser=str(raw.get("parser", "")),
        save=raw.get("save"),
        hint=_text(raw.get("hint"), f"{where}.hint"),
        choices=choices,
        optional=bool(raw.get("optional", False)),
        options=dict(raw.get("options") or {}),
        prefill=raw.get("prefill"),
        confirm=_text(raw.get("confirm"), f"{where}.confirm"),
        known=raw.get("known"),
        remember=bool(raw.get("remember", False)),
    )


def _choice(value: str, raw: Any, where: str) -> Choice:
    if isinstance(raw, dict):
        return Choice(value=value, words=str(raw.get("words", "")), label=_text(raw.get("label"), f"{where}.label"))
    return Choice(value=value, words=str(raw))


def _review(raw: Any, where: str) -> tuple[ReviewItem, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise FlowError(f"{where}.review: expected a list of items with show and edit")
    items = []
    for item in raw:
        if not isinstance(item, dict) or "show" not in item or "edit" not in item:
            raise FlowError(f"{where}.review: each item needs show and edit")
        edit = item["edit"] if isinstance(item["edit"], list) else [item["edit"]]
        items.append(ReviewItem(show=str(item["show"]).strip(), edit=tuple(str(e) for e in edit)))
    return tuple(items)


def _node(name: str, raw: Any, where: str) -> Node:
    raw = _mapping(raw, where, NODE_KEYS)
    cases = raw.get("cases") or {}
    if not isinstance(cases, dict):
        raise FlowError(f"{where}.cases: expected value: target")
    return Node(
        name=name,
        say=_text(raw.get("say"), f"{where}.say"),
        ask=_ask(raw["ask"], where) if "ask" in raw else None,
        next=raw.get("next"),
        cases={str(k): str(v) for k, v in cases.items()},
        event=raw.get("event"),
        note=_text(raw.get("note"), f"{where}.note"),
        review=_review(raw.get("review"), where),
        sources=tuple(str(source) for source in raw.get("sources") or ()),
        reviewed=str(raw["reviewed"]) if raw.get("reviewed") else None,
        set={str(k): str(v) for k, v in (raw.get("set") or {}).items()},
        facts=bool(raw.get("facts", True)),
    )


def _flow(path: Path, data: dict[str, Any]) -> Flow:
    name = data.get("flow")
    if not isinstance(name, str) or name != path.stem:
        raise FlowError(f"{path.name}: `flow:` must be the file's name ({path.stem!r})")
    nodes_raw = data.get("nodes")
    if not isinstance(nodes_raw, dict) or not nodes_raw:
        raise FlowError(f"{path.name}: `nodes:` must map node names to nodes")
    nodes = {str(k): _node(str(k), v, f"{name}.{k}") for k, v in nodes_raw.items()}
    return Flow(
        name=name,
        title=str(data.get("title", name)),
        start=str(data.get("start", next(iter(nodes)))),
        nodes=nodes,
        resumable=bool(data.get("resumable", False)),
        legal=bool(data.get("legal", False)),
    )


def _wordlists(raw: Any, where: str) -> dict[str, Wordlist]:
    if not isinstance(raw, dict):
        raise FlowError(f"{where}: expected name: words")
    lists = {}
    for name, value in raw.items():
        if isinstance(value, dict):
            lists[name] = Wordlist(
                name=name, words=str(value.get("words", "")), note=value.get("note"), flow=value.get("flow")
            )
        else:
            lists[name] = Wordlist(name=name, words=str(value))
    return lists


def load_flows(directory: str | Path) -> FlowSet:
    """Read every flow file, system messages and word lists from a flows/ directory."""
    root = Path(directory)
    if not root.is_dir():
        raise FlowError(f"flows directory {root} does not exist")
    flows: dict[str, Flow] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name in (SYSTEM_FILE, KEYWORDS_FILE):
            continue
        flow = _flow(path, _read_yaml(path))
        flows[flow.name] = flow
    system = _read_yaml(root / SYSTEM_FILE)
    messages, notes, plurals = {}, {}, {}
    for key, value in (system.get("messages") or {}).items():
        if isinstance(value, dict):
            messages[key] = str(value.get("text", "")).strip()
            if value.get("note"):
                notes[key] = str(value["note"])
            if value.get("plural"):
                plurals[key] = str(value["plural"]).strip()
        else:
            messages[key] = str(value).strip()
    words = _read_yaml(root / KEYWORDS_FILE)
    return FlowSet(
        flows=flows,
        messages=messages,
        message_notes=notes,
        message_plurals=plurals,
        keywords=_wordlists(words.get("keywords"), "keywords"),
        answer_words=_wordlists(words.get("answers"), "answers"),
    )


def placeholders(text: str) -> set[str]:
    """Return the `{name}` placeholders used in a text."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def iter_texts(flows: FlowSet) -> Iterable[tuple[str, str | tuple[str, str], str | None]]:
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
            if node.say:
                yield text_key(flow.name, node, "say"), node.say, node.note
            if node.ask and node.ask.hint:
                yield text_key(flow.name, node, "hint"), node.ask.hint, None
            if node.ask and node.ask.confirm:
                yield (
                    text_key(flow.name, node, "confirm"),
                    node.ask.confirm,
                    "Offers a value we already know; YES keeps it.",
                )
            for choice in node.ask.choices if node.ask else ():
                yield (
                    text_key(flow.name, node, "choice", choice.value),
                    choice.words,
                    "Comma-separated words that pick this option.",
                )
                if choice.label:
                    yield (
                        text_key(flow.name, node, "label", choice.value),
                        choice.label,
                        "How this choice reads back in a summary.",
                    )
            for number, item in enumerate(node.review, start=1):
                yield (
                    text_key(flow.name, node, "review", number),
                    item.show,
                    "One line of the summary; keep the {placeholders}.",
                )


def check_flows(flows: FlowSet, parsers: Iterable[str], context_keys: Iterable[str]) -> list[str]:
    """Return every problem found in the flows: targets, reachability, parsers, placeholders, words."""
    problems: list[str] = []
    known_parsers = set(parsers)
    saved = {n.ask.save for f in flows.flows.values() for n in f.nodes.values() if n.ask and n.ask.save}
    allowed = set(context_keys) | saved | MESSAGE_PLACEHOLDERS
    if flows.entry_flow not in flows.flows:
        problems.append(f"the entry flow {flows.entry_flow!r} is missing")
    for name in REQUIRED_KEYWORDS:
        if name not in flows.keywords:
            problems.append(f"keywords.yaml: keyword {name!r} is missing")
    for name, words in flows.keywords.items():
        if words.flow and words.flow not in flows.flows:
            problems.append(f"keywords.yaml: keyword {name!r} opens an unknown flow {words.flow!r}")
    for name in REQUIRED_MESSAGES:
        if name not in flows.messages:
            problems.append(f"system.yaml: message {name!r} is missing")
    for name in REQUIRED_ANSWER_WORDS:
        if name not in flows.answer_words:
            problems.append(f"keywords.yaml: answer words {name!r} are missing")
    for flow in flows.flows.values():
        if flow.start not in flow.nodes:
            problems.append(f"{flow.name}: start node {flow.start!r} does not exist")
        for node in flow.nodes.values():
            where = f"{flow.name}.{node.name}"
            if not node.say and not node.ask:
                problems.append(f"{where}: a node must say something or ask something")
            if node.ask:
                if node.ask.parser not in known_parsers:
                    problems.append(f"{where}: unknown parser {node.ask.parser!r}")
                if node.ask.parser == "choice" and not node.ask.choices:
                    problems.append(f"{where}: a choice question needs choices")
                if not node.ask.hint:
                    problems.append(f"{where}: a question needs a hint for answers that do not parse")
                for case in node.cases:
                    values = {c.value for c in node.ask.choices} | {"yes", "no", "unknown", "skip"}
                    if node.ask.choices and case not in values:
                        problems.append(f"{where}: case {case!r} is not one of its choices")
                if node.ask.prefill and not node.ask.confirm:
                    problems.append(f"{where}: a prefilled question needs a confirm text")
                if node.review and node.ask.parser != "review":
                    problems.append(f"{where}: a review node must use the review parser")
            elif node.cases:
                problems.append(f"{where}: cases need a question to choose between them")
            for item in node.review:
                for name in item.edit:
                    if name not in flow.nodes or not flow.nodes[name].ask:
                        problems.append(f"{where}: review edits {name!r}, which is not a question in {flow.name!r}")
            for target in node.targets():
                problem = _check_target(flows, flow, target)
                if problem:
                    problems.append(f"{where}: {problem}")
            if flow.legal and node.say and node.facts and (not node.sources or not node.reviewed):
                problems.append(f"{where}: legal information needs `sources` and a `reviewed` date")
            if node.reviewed and not _is_date(node.reviewed):
                problems.append(f"{where}: reviewed must be a date like 2026-11-27")
            for context, text in _node_texts(flow, node):
                for field in placeholders(text) - allowed:
                    problems.append(f"{context}: unknown placeholder {{{field}}}")
    for key, text in list(flows.messages.items()) + list(flows.message_plurals.items()):
        for field in placeholders(text) - allowed:
            problems.append(f"system.{key}: unknown placeholder {{{field}}}")
    if flows.entry_flow in flows.flows:
        entries = {(flows.entry_flow, flows.flows[flows.entry_flow].start)}
        entries |= {(w.flow, flows.flows[w.flow].start) for w in flows.keywords.values() if w.flow in flows.flows}
        problems.extend(_unreachable(flows, entries))
    return problems


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _node_texts(flow: Flow, node: Node) -> list[tuple[str, str]]:
    texts = [(text_key(flow.name, node, "review", n), item.show) for n, item in enumerate(node.review, start=1)]
    if node.say:
        texts.append((text_key(flow.name, node, "say"), node.say))
    if node.ask and node.ask.hint:
        texts.append((text_key(flow.name, node, "hint"), node.ask.hint))
    if node.ask and node.ask.confirm:
        texts.append((text_key(flow.name, node, "confirm"), node.ask.confirm))
    return texts


def _check_target(flows: FlowSet, flow: Flow, target: str) -> str | None:
    if target == END:
        return None
    name, node = split_target(target, flow.name)
    if name not in flows.flows:
        return f"target {target!r}: no flow {name!r}"
    if node is not None and node not in flows.flows[name].nodes:
        return f"target {target!r}: no node {node!r} in flow {name!r}"
    if target.startswith(WAIT_PREFIX) and (node is None or not flows.flows[name].nodes[node].ask):
        return f"target {target!r}: can only wait at a question"
    return None


def _unreachable(flows: FlowSet, entry_points: set[tuple[str, str]]) -> list[str]:
    """Walk from every entry point and report nodes nothing leads to."""
    seen: set[tuple[str, str]] = set()
    todo = [p for p in entry_points if p[0] in flows.flows and p[1] in flows.flows[p[0]].nodes]
    while todo:
        flow_name, node_name = todo.pop()
        if (flow_name, node_name) in seen:
            continue
        seen.add((flow_name, node_name))
        flow = flows.flows[flow_name]
        for target in flow.nodes[node_name].targets():
            if target == END or _check_target(flows, flow, target):
                continue
            tf, tn = split_target(target, flow_name)
            todo.append((tf, tn or flows.flows[tf].start))
    problems = []
    for flow in flows.flows.values():
        for node in flow.nodes:
            if (flow.name, node) not in seen:
                problems.append(f"{flow.name}.{node}: unreachable (no path from the main menu leads here)")
    return problems
