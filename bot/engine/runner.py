"""Run one inbound text through the flows: a pure function of (flows, state, text, locale) -> outcome.

No Flask and no database here: the webhook, the terminal chat and the tests all call `handle`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.answers import PARSERS, ParseContext, Parser
from bot.answers.choice import parse_choice
from bot.engine.flow import END, FlowSet, Node, split_target
from bot.engine.keywords import match_keyword
from bot.engine.state import State
from bot.engine.text import split_words

# Translate(context, English source) -> text in the texter's language.
Translate = Callable[[str, str], str]
MISSES_BEFORE_WAY_OUT = 3
MAX_NODES_PER_TURN = 25


def english(_context: str, source: str) -> str:
    """The identity translation: English source text as written in flows/."""
    return source


@dataclass(frozen=True)
class Inputs:
    """One inbound text and what is known about its sender."""

    text: str
    now: datetime
    last_seen: datetime | None = None
    locale: str = "en"
    opted_out: bool = False
    carrier_keyword: str | None = None  # "stop" / "start" / "help" from Twilio's OptOutType
    timezone: str = "America/Chicago"


@dataclass(frozen=True)
class Policy:
    """Timing rules: when a conversation is forgotten, and when a returning texter is asked to resume."""

    expire_after: timedelta = timedelta(days=7)
    resume_after: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Event:
    """Something the caller must act on: an opt-out, an opt-in, a completed flow…"""

    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What one text produced: the replies to send, the new state, and events."""

    replies: list[str]
    state: State
    events: list[Event]


def handle(
    flows: FlowSet,
    state: State,
    inputs: Inputs,
    *,
    translate: Translate = english,
    context: Mapping[str, str] | None = None,
    policy: Policy = Policy(),
    parsers: Mapping[str, Parser] = PARSERS,
) -> Outcome:
    """Return the replies, new state and events for one inbound text; `state` is not modified."""
    turn = _Turn(flows, state.copy(), inputs, translate, dict(context or {}), policy, parsers)
    turn.run()
    return Outcome(replies=turn.replies, state=turn.state, events=turn.events)


class _SafeFormat(dict):
    def __missing__(self, key: str) -> str:
        return ""


class _Turn:
    """The work of one inbound text; keeps the replies and events it produces."""

    def __init__(
        self,
        flows: FlowSet,
        state: State,
        inputs: Inputs,
        translate: Translate,
        context: dict[str, str],
        policy: Policy,
        parsers: Mapping[str, Parser],
    ) -> None:
        self.flows = flows
        self.state = state
        self.inputs = inputs
        self.translate = translate
        self.context = context
        self.policy = policy
        self.parsers = parsers
        self.replies: list[str] = []
        self.events: list[Event] = []

    # --- texts ---------------------------------------------------------------------------------

    def words(self, context: str, source: str) -> list[str]:
        """English words and their translation, normalised: both always work."""
        found = split_words(source)
        for phrase in split_words(self.translate(context, source)):
            if phrase not in found:
                found.append(phrase)
        return found

    def render(self, context: str, source: str, **extra: str) -> str:
        values = _SafeFormat(self.context)
        values.update({k: "" if v is None else str(v) for k, v in self.state.answers.items()})
        values.update(extra)
        return self.translate(context, source).format_map(values)

    def say_system(self, key: str, **extra: str) -> None:
        self.replies.append(self.render(f"system.{key}", self.flows.messages[key], **extra))

    def flow_title(self, flow_name: str) -> str:
        return self.translate(f"{flow_name}.title", self.flows.flows[flow_name].title)

    # --- the turn --------------------------------------------------------------------------------

    def run(self) -> None:
        st, inputs = self.state, self.inputs
        st.turns += 1
        keywords = {name: self.words(f"keyword.{name}", w.words) for name, w in self.flows.keywords.items()}
        keyword = inputs.carrier_keyword or match_keyword(inputs.text, keywords)
        if inputs.opted_out:
            if keyword == "start":
                self.events.append(Event("opted_in"))
                self.say_system("started")
                self.enter_flow(self.flows.entry_flow)
            return  # an opted-out number gets no reply at all until START
        if keyword == "stop":
            self.events.append(Event("opted_out"))
            self.say_system("stopped")
            return
        if inputs.last_seen and inputs.now - inputs.last_seen > self.policy.expire_after:
            self.state = st = State(turns=st.turns)
            self.events.append(Event("expired"))
        if keyword == "help":
            self.say_system("help")
            return
        if keyword in ("start", "menu", "exit"):
            self.leave_flow()
            self.enter_flow(self.flows.entry_flow)
            return
        if st.pending == "resume":
            self.answer_resume()
            return
        if not st.waiting:
            self.start_or_pick(keyword)
            return
        if (
            inputs.last_seen
            and inputs.now - inputs.last_seen > self.policy.resume_after
            and self.flows.flows[st.flow].resumable
            and keyword is None
        ):
            self.offer_resume(st.flow)
            return
        if keyword == "back":
            self.go_back()
        elif keyword == "skip":
            self.skip()
        else:
            self.answer(inputs.text)

    def start_or_pick(self, keyword: str | None) -> None:
        """With nothing in progress: welcome a new texter, and take a menu pick if the text is one."""
        if not self.state.started:
            self.state.started = True
            self.say_system("welcome")
        entry = self.flows.flows[self.flows.entry_flow]
        self.state.flow, self.state.node = entry.name, entry.start
        self.state.answers, self.state.stack, self.state.misses = {}, [], 0
        node = entry.nodes[entry.start]
        if keyword is None and node.ask:
            parsed = self.parse(entry.name, node, self.inputs.text)
            if parsed is not None:
                self.accept(entry.name, node, parsed)
                return
        self.visit(entry.start)

    # --- moving between nodes ------------------------------------------------------------------

    def enter_flow(self, flow_name: str) -> None:
        st = self.state
        if st.parked and st.parked.get("flow") == flow_name:
            self.offer_resume(flow_name)
            return
        flow = self.flows.flows[flow_name]
        st.flow, st.node, st.answers, st.stack, st.misses, st.pending = flow_name, None, {}, [], 0, None
        self.visit(flow.start)

    def leave_flow(self) -> None:
        """Leave the current flow; a resumable one with answers is parked so it can be picked up later."""
        st = self.state
        if st.flow and self.flows.flows[st.flow].resumable and st.answers:
            st.parked = {"flow": st.flow, "node": st.node, "answers": st.answers, "stack": st.stack}
        st.flow, st.node, st.answers, st.stack, st.misses, st.pending = None, None, {}, [], 0, None

    def end_flow(self) -> None:
        st = self.state
        st.flow, st.node, st.answers, st.stack, st.misses = None, None, {}, [], 0

    def go(self, target: str | None) -> None:
        if target is None or target == END:
            self.end_flow()
            return
        flow_name, node_name = split_target(target, self.state.flow or self.flows.entry_flow)
        if node_name is None:
            self.end_flow()
            self.enter_flow(flow_name)
        else:
            self.visit(node_name)

    def visit(self, node_name: str) -> None:
        """Send each node's text and follow `next` until a node asks a question or the flow ends."""
        for _ in range(MAX_NODES_PER_TURN):
            flow = self.flows.flows[self.state.flow]
            node = flow.nodes[node_name]
            if node.say:
                self.replies.append(self.render(f"{flow.name}.{node.name}.say", node.say))
            if node.event:
                self.events.append(Event(node.event, {"flow": flow.name, "answers": dict(self.state.answers)}))
            if node.ask:
                self.state.node = node.name
                return
            if node.next is None or node.next == END:
                self.end_flow()
                return
            flow_name, next_node = split_target(node.next, flow.name)
            if next_node is None:
                self.end_flow()
                self.enter_flow(flow_name)
                return
            node_name = next_node
        raise RuntimeError("flow loops without asking anything")

    def current(self) -> Node:
        return self.flows.flows[self.state.flow].nodes[self.state.node]

    def reask(self) -> None:
        node = self.current()
        if node.say:
            self.replies.append(self.render(f"{self.state.flow}.{node.name}.say", node.say))

    # --- answers -------------------------------------------------------------------------------

    def parse_context(self, flow_name: str, node: Node) -> ParseContext:
        ask = node.ask
        assert ask is not None
        choices = {c.value: self.words(f"{flow_name}.{node.name}.choice.{c.value}", c.words) for c in ask.choices}
        words = {name: self.words(f"answer.{name}", w.words) for name, w in self.flows.answer_words.items()}
        return ParseContext(
            choices=choices,
            words=words,
            locale=self.inputs.locale,
            now=self.inputs.now,
            timezone=self.inputs.timezone,
            options=ask.options,
        )

    def parse(self, flow_name: str, node: Node, text: str) -> Any:
        assert node.ask is not None
        parsed = self.parsers[node.ask.parser](text, self.parse_context(flow_name, node))
        return parsed if parsed.ok else None

    def answer(self, text: str) -> None:
        st = self.state
        node = self.current()
        assert node.ask is not None
        parsed = self.parsers[node.ask.parser](text, self.parse_context(st.flow, node))
        if not parsed.ok:
            st.misses += 1
            if parsed.hint:
                self.say_system(parsed.hint)
            else:
                self.replies.append(self.render(f"{st.flow}.{node.name}.hint", node.ask.hint or ""))
            if st.misses >= MISSES_BEFORE_WAY_OUT:
                st.misses = 0
                self.say_system("way_out")
            self.reask()
            return
        self.accept(st.flow, node, parsed)

    def accept(self, flow_name: str, node: Node, parsed: Any) -> None:
        st = self.state
        assert node.ask is not None
        if parsed.notice:
            self.say_system(parsed.notice)
        if node.ask.save:
            st.answers[node.ask.save] = parsed.value
        st.stack.append(node.name)
        st.misses = 0
        self.go(node.cases.get(str(parsed.value), node.next))

    def skip(self) -> None:
        st = self.state
        node = self.current()
        assert node.ask is not None
        if not node.ask.optional:
            self.say_system("cannot_skip")
            self.reask()
            return
        if node.ask.save:
            st.answers[node.ask.save] = None
        st.stack.append(node.name)
        st.misses = 0
        self.go(node.cases.get("skip", node.next))

    def go_back(self) -> None:
        st = self.state
        if not st.stack:
            self.say_system("no_back")
            self.reask()
            return
        st.node = st.stack.pop()
        st.misses = 0
        self.reask()

    # --- resuming --------------------------------------------------------------------------------

    def offer_resume(self, flow_name: str) -> None:
        st = self.state
        if st.flow == flow_name and st.waiting and not st.parked:
            st.parked = {"flow": st.flow, "node": st.node, "answers": st.answers, "stack": st.stack}
        st.flow, st.node, st.answers, st.stack, st.misses = None, None, {}, [], 0
        st.pending = "resume"
        self.say_system("resume", flow_title=self.flow_title(flow_name))

    def answer_resume(self) -> None:
        st = self.state
        parked = st.parked or {}
        flow_name = parked.get("flow")
        words = {
            name: self.words(f"answer.{name}", self.flows.answer_words[name].words)
            for name in ("continue", "start_over")
        }
        parsed = parse_choice(self.inputs.text, ParseContext(choices=words))
        if not flow_name or flow_name not in self.flows.flows:
            st.pending, st.parked = None, None
            self.enter_flow(self.flows.entry_flow)
            return
        if not parsed.ok:
            self.say_system("resume", flow_title=self.flow_title(flow_name))
            return
        st.pending, st.parked = None, None
        if parsed.value == "continue" and parked.get("node") in self.flows.flows[flow_name].nodes:
            st.flow, st.node = flow_name, parked["node"]
            st.answers, st.stack, st.misses = dict(parked.get("answers") or {}), list(parked.get("stack") or []), 0
            self.reask()
        else:
            self.enter_flow(flow_name)
