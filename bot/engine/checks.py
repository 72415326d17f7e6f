"""`flows check`: every problem in a loaded FlowSet that would break the bot in front of a texter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.core.segments import LEGAL_SEGMENT_BUDGET, SEGMENT_BUDGET
from bot.engine import optional
from bot.engine.flow import END, SUBMIT_EVENT, WAIT_PREFIX, Flow, FlowSet, Node, split_target
from bot.engine.parsing import ParserRules
from bot.engine.texts import node_texts, placeholders

REQUIRED_KEYWORDS = (
    "stop", "stop_maybe", "start", "help", "menu", "exit", "back", "skip", "status", "delete", "urgent", "fix",
)  # fmt: skip
# Every system message the engine sends by name; tests/engine/test_checks.py keeps this list whole.
REQUIRED_MESSAGES = (
    "welcome", "help", "stopped", "started", "apology", "resume", "way_out", "no_back", "cannot_skip", "text_cut",
    "not_given", "label_yes", "label_no", "label_unknown", "status_none", "status_unknown", "status_new",
    "status_in_review", "status_lawyer_contacted", "status_escalated", "status_closed", "delete_confirm",
    "delete_kept", "erased", "erased_kept", "label_photos", "language_set", "language_unknown", "stop_how",
    "fix_none", "button_yes", "button_no", "button_unknown", "button_choose", "button_stale",
)  # fmt: skip
# Placeholders the engine fills itself, besides configuration and saved answers.
MESSAGE_PLACEHOLDERS = {"flow_title", "prefill", "answer", "review", "ref", "refs", "kept_refs", "count"}
REQUIRED_ANSWER_WORDS = ("yes", "no", "dont_know", "asks_person", "same", "continue", "start_over")
ENGINE_OPTIONS = frozenset({"repeat"})  # options the engine itself reads, for any parser
FIXED_CASES = {"yes", "no", "unknown", "skip"}  # values any question may route on


@dataclass(frozen=True)
class FlowRules:
    """What the running hotline provides to flows: parsers, configured placeholders and events."""

    parsers: Mapping[str, ParserRules]
    context_keys: frozenset[str] = frozenset()
    events: frozenset[str] = field(default_factory=frozenset)
    heard: frozenset[str] = frozenset()  # the facts a first text is read for ('jail', 'name', ...)
    production: bool = False  # legal texts must name their reviewer (no placeholder) before texters read them


def check_flows(flows: FlowSet, rules: FlowRules) -> list[str]:
    """Return every problem found in the flows: targets, reachability, parsers, placeholders, words, events."""
    problems = _check_words_and_messages(flows, rules)
    saved = {n.ask.save for f in flows.flows.values() for n in f.nodes.values() if n.ask and n.ask.save}
    allowed = rules.context_keys | saved | MESSAGE_PLACEHOLDERS
    for flow in flows.flows.values():
        if flow.start not in flow.nodes:
            problems.append(f"{flow.name}: start node {flow.start!r} does not exist")
        problems.extend(_check_entry_nodes(flow))
        for node in flow.nodes.values():
            problems.extend(_check_node(flows, flow, node.name, rules))
            for context, text, _note in node_texts(flow, node):
                for name in placeholders(text) - allowed:
                    problems.append(f"{context}: unknown placeholder {{{name}}}")
    for key, text in list(flows.messages.items()) + list(flows.message_plurals.items()):
        for name in placeholders(text) - allowed:
            problems.append(f"system.{key}: unknown placeholder {{{name}}}")
    if flows.entry_flow in flows.flows:
        entries = {(flows.entry_flow, flows.flows[flows.entry_flow].start)}
        entries |= {(w.flow, flows.flows[w.flow].start) for w in flows.keywords.values() if w.flow in flows.flows}
        entries |= {(f.name, node) for f in flows.flows.values() for node in f.entry_nodes() if node in f.nodes}
        problems.extend(_unreachable(flows, entries))
    return problems


def _check_entry_nodes(flow: Flow) -> list[str]:
    """The fast lane's and FIX's nodes exist; the lane asks questions and its `send` node files the report."""
    problems = [
        f"{flow.name}: fast_lane/correct_at names node {name!r}, which does not exist"
        for name in flow.entry_nodes()
        if name not in flow.nodes
    ]
    lane = flow.fast_lane
    if lane and not problems:
        silent = [q for q in lane.questions if not flow.nodes[q].ask]
        problems += [f"{flow.name}: fast_lane question {q!r} asks nothing" for q in silent]
        if flow.nodes[lane.send].event != SUBMIT_EVENT:
            problems.append(f"{flow.name}: fast_lane send node {lane.send!r} must have `event: {SUBMIT_EVENT}`")
    return problems


def _check_words_and_messages(flows: FlowSet, rules: FlowRules) -> list[str]:
    """The entry flow, keywords, answer words and system messages the engine and parsers need."""
    problems = []
    if flows.entry_flow not in flows.flows:
        problems.append(f"the entry flow {flows.entry_flow!r} is missing")
    for name in REQUIRED_KEYWORDS:
        if name not in flows.keywords:
            problems.append(f"keywords.yaml: keyword {name!r} is missing")
    for name, words in flows.keywords.items():
        if words.flow and words.flow not in flows.flows:
            problems.append(f"keywords.yaml: keyword {name!r} opens an unknown flow {words.flow!r}")
    for name in REQUIRED_ANSWER_WORDS:
        if name not in flows.answer_words:
            problems.append(f"keywords.yaml: answer words {name!r} are missing")
    for name in REQUIRED_MESSAGES:
        if name not in flows.messages:
            problems.append(f"system.yaml: message {name!r} is missing")
    used = {n.ask.parser for f in flows.flows.values() for n in f.nodes.values() if n.ask}
    for parser in sorted(used & set(rules.parsers)):
        for name in rules.parsers[parser].messages:
            if name not in flows.messages:
                problems.append(f"system.yaml: message {name!r} is missing (the {parser} parser sends it)")
    return problems


def _check_node(flows: FlowSet, flow: Flow, name: str, rules: FlowRules) -> list[str]:
    """Every problem of one node: its question, cases, summary, targets, event and legal sources."""
    node = flow.nodes[name]
    where = f"{flow.name}.{name}"
    problems = []
    if not node.say and not node.ask:
        problems.append(f"{where}: a node must say something or ask something")
    if node.ask:
        parser = rules.parsers.get(node.ask.parser)
        if parser is None:
            problems.append(f"{where}: unknown parser {node.ask.parser!r}")
        else:
            for option in sorted(set(node.ask.options) - parser.options - ENGINE_OPTIONS):
                known = ", ".join(sorted(parser.options | ENGINE_OPTIONS))
                problems.append(f"{where}: the {node.ask.parser} parser has no option {option!r} (it has: {known})")
        if node.ask.parser == "choice" and not node.ask.choices:
            problems.append(f"{where}: a choice question needs choices")
        if not node.ask.hint:
            problems.append(f"{where}: a question needs a hint for answers that do not parse")
        values = {c.value for c in node.ask.choices} | FIXED_CASES
        for case in node.cases:
            if node.ask.choices and case not in values:
                problems.append(f"{where}: case {case!r} is not one of its choices")
        if (node.ask.prefill or node.ask.infer_from) and not node.ask.confirm:
            problems.append(f"{where}: a prefilled question needs a confirm text")
        if node.ask.heard and node.ask.heard not in rules.heard:
            known = ", ".join(sorted(rules.heard)) or "none"
            problems.append(f"{where}: a first text is not read for {node.ask.heard!r} (it is read for: {known})")
        if node.ask.heard and not node.ask.heard_confirm:
            problems.append(f"{where}: a question that offers what the first text said needs a heard_confirm text")
        if node.review and node.ask.parser != "review":
            problems.append(f"{where}: a review node must use the review parser")
    elif node.cases:
        problems.append(f"{where}: cases need a question to choose between them")
    if node.event and node.event not in rules.events:
        problems.append(
            f"{where}: unknown event {node.event!r} (the hotline handles: {', '.join(sorted(rules.events))})"
        )
    for item in node.review:
        brackets = optional.problem(item.show)
        if brackets:
            problems.append(f"{where}: review line {item.key!r}: {brackets}")
        for edited in item.edit:
            if edited not in flow.nodes or not flow.nodes[edited].ask:
                problems.append(f"{where}: review edits {edited!r}, which is not a question in {flow.name!r}")
    for target in node.targets():
        problem = _check_target(flows, flow, target)
        if problem:
            problems.append(f"{where}: {problem}")
    if flow.legal and node.say and node.facts and (not node.sources or not node.reviewed):
        problems.append(f"{where}: legal information needs `sources` and a `reviewed` date")
    if node.segments is not None:
        problems.extend(_check_declared_budget(flow, node, where))
    if node.reviewed and not _is_date(node.reviewed.on):
        problems.append(f"{where}: reviewed must have a date like {{by: Jane Doe, on: 2026-11-27}}")
    if rules.production and flow.legal and node.say and node.facts and node.reviewed and not node.reviewed.named:
        who = f"{node.reviewed.by!r} is a placeholder" if node.reviewed.by else "no reviewer is named"
        problems.append(
            f"{where}: {who}; in production a lawyer's name or bar number must be in `reviewed: {{by: ...}}`"
        )
    return problems


def _check_declared_budget(flow: Flow, node: Node, where: str) -> list[str]:
    """A node may declare more segments only for legal information, and at most LEGAL_SEGMENT_BUDGET."""
    if not (flow.legal and node.facts and node.say):
        return [f"{where}: only legal information texts may declare `segments` (others keep {SEGMENT_BUDGET})"]
    if not SEGMENT_BUDGET <= node.segments <= LEGAL_SEGMENT_BUDGET:  # type: ignore[operator]
        return [f"{where}: segments must be from {SEGMENT_BUDGET} to {LEGAL_SEGMENT_BUDGET}, not {node.segments}"]
    return []


def _is_date(text: str) -> bool:
    """Whether a text is an ISO date (2026-11-27)."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_target(flows: FlowSet, flow: Flow, target: str) -> str | None:
    """The problem with one route target, or None when it leads somewhere real."""
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


def _unreachable(flows: FlowSet, entry_points: Iterable[tuple[str, str]]) -> list[str]:
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
