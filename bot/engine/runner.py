"""Run one inbound text through the flows: a pure function of (flows, state, text, locale) -> outcome.

No Flask and no database here: the webhook, the terminal chat and the tests all call `handle`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.answers import PARSERS, ParseContext, Parsed, Parser
from bot.answers.choice import parse_choice
from bot.answers.display import DISPLAYS
from bot.core.refs import normalize_ref
from bot.core.text import normalize, split_words
from bot.engine.flow import END, WAIT_PREFIX, FlowSet, Node, split_target, text_key
from bot.engine.keywords import match_keyword
from bot.engine.state import State
from bot.languages import Languages

# Translate(context, English source) -> text in the texter's language.
Translate = Callable[[str, str], str]
MISSES_BEFORE_WAY_OUT = 3
MAX_NODES_PER_TURN = 25


def english(_context: str, source: str) -> str:
    """The identity translation: English source text as written in flows/."""
    return source


@dataclass(frozen=True)
class ReportInfo:
    """What the engine may know of a report this same texter filed: for STATUS and DELETE."""

    ref: str
    status: str
    acted: bool  # staff have started on it, so DELETE keeps it


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
    media: tuple[dict[str, str], ...] = ()
    sender: str = ""  # E.164
    prefill: dict[str, str] = field(default_factory=dict)  # e.g. {"from_state": "IL"}, offered for a YES
    profile: dict[str, str] = field(default_factory=dict)  # remembered answers, e.g. {"home_state": "IL"}
    reports: tuple[ReportInfo, ...] = ()  # this texter's own reports, oldest first
    locale_known: bool = True  # False until the language was detected or chosen
    detected: str | None = None  # the language a first text is clearly in, when the locale is not known


@dataclass(frozen=True)
class Policy:
    """Timing rules: when a conversation is forgotten, and when a returning texter is asked to resume."""

    expire_after: timedelta = timedelta(days=7)
    resume_after: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Event:
    """Something the caller must act on: an opt-out, an opt-in, a completed flow, an erasure…"""

    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What one text produced: the replies to send, the new state, and events."""

    replies: list[str]
    state: State
    events: list[Event]


@dataclass(frozen=True)
class Speech:
    """The languages the bot can answer in: a translator per locale and the language menu."""

    translators: Callable[[str], Translate]
    languages: Languages | None = None
    everywhere: Mapping[str, list[str]] = field(default_factory=dict)  # keyword words in every language
    opt_out_leads: frozenset[str] = frozenset()  # each language's first STOP word, which may start an opt-out


def handle(
    flows: FlowSet,
    state: State,
    inputs: Inputs,
    *,
    translate: Translate = english,
    context: Mapping[str, str] | None = None,
    policy: Policy = Policy(),
    parsers: Mapping[str, Parser] = PARSERS,
    speech: Speech | None = None,
) -> Outcome:
    """Return the replies, new state and events for one inbound text; `state` is not modified."""
    speech = speech or Speech(translators=lambda _locale: translate)
    turn = _Turn(flows, state.copy(), inputs, speech, dict(context or {}), policy, parsers)
    turn.run()
    return Outcome(replies=turn.replies, state=turn.state, events=turn.events)


# Placeholders the caller fills after the turn (a report's code exists only once it is stored).
DEFERRED_PLACEHOLDERS = ("ref",)


class _SafeFormat(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}" if key in DEFERRED_PLACEHOLDERS else ""


class _Turn:
    """The work of one inbound text; keeps the replies and events it produces."""

    def __init__(
        self,
        flows: FlowSet,
        state: State,
        inputs: Inputs,
        speech: Speech,
        context: dict[str, str],
        policy: Policy,
        parsers: Mapping[str, Parser],
    ) -> None:
        self.flows = flows
        self.state = state
        self.inputs = inputs
        self.speech = speech
        self.locale = inputs.locale
        self.context = context
        self.policy = policy
        self.parsers = parsers
        self.replies: list[str] = []
        self.events: list[Event] = []

    # --- texts ---------------------------------------------------------------------------------

    @property
    def translate(self) -> Translate:
        return self.speech.translators(self.locale)

    def words(self, context: str, source: str) -> list[str]:
        """English words and their translation, normalised: both always work."""
        found = split_words(source)
        for phrase in split_words(self.translate(context, source)):
            if phrase not in found:
                found.append(phrase)
        return found

    def answer_words(self, name: str) -> list[str]:
        return self.words(f"answer.{name}", self.flows.answer_words[name].words)

    def render(self, context: str, source: str, **extra: str) -> str:
        values = _SafeFormat(self.context)
        values.update({k: str(v) for k, v in self.state.answers.items() if v is not None})
        values.update(self.state.shown)
        values.update(extra)
        return self.translate(context, source).format_map(values)

    def say_system(self, key: str, **extra: str) -> None:
        self.replies.append(self.system(key, **extra))

    def system(self, key: str, **extra: str) -> str:
        return self.render(f"system.{key}", self.flows.messages[key], **extra)

    def system_count(self, key: str, count: int) -> str:
        """A system message with a count, in the plural form the texter's language needs."""
        singular, plural = self.flows.messages[key], self.flows.message_plurals.get(key, self.flows.messages[key])
        translate_plural = getattr(self.translate, "plural", None)
        if translate_plural is not None:
            text = translate_plural(f"system.{key}", singular, plural, count)
        else:
            text = singular if count == 1 else plural
        return text.format_map(_SafeFormat(self.context) | {"count": str(count)})

    def flow_title(self, flow_name: str) -> str:
        return self.translate(text_key(flow_name, None, "title"), self.flows.flows[flow_name].title)

    # --- the turn --------------------------------------------------------------------------------

    def run(self) -> None:
        st, inputs = self.state, self.inputs
        st.turns += 1
        keywords = {name: self.words(f"keyword.{name}", w.words) for name, w in self.flows.keywords.items()}
        for name, words in self.speech.everywhere.items():  # STOP and LANGUAGE work in every language
            keywords[name] = keywords.get(name, []) + [w for w in words if w not in keywords.get(name, [])]
        keyword = inputs.carrier_keyword or match_keyword(inputs.text, keywords, self.speech.opt_out_leads)
        if inputs.opted_out:
            if keyword == "start":
                self.events.append(Event("opted_in"))
                self.say_system("started")
                self.enter_flow(self.flows.entry_flow)
            return  # an opted-out number gets no reply at all until START
        if not inputs.locale_known:  # even a first HELP or STOP is answered in kind
            spoken = inputs.detected or self.keyword_language(keyword)
            if spoken:
                self.set_locale(spoken, "detected")
        if keyword == "stop":
            self.events.append(Event("opted_out"))
            self.say_system("stopped")
            return
        if inputs.last_seen and inputs.now - inputs.last_seen > self.policy.expire_after:
            self.state = st = State(turns=st.turns)
            self.events.append(Event("expired"))
        status_ref = self.status_request(keywords.get("status", []))
        if status_ref is not None:
            self.answer_status(status_ref)
            return
        if keyword == "help":
            self.say_system("help")
            return
        if self.choose_language(keyword):
            return
        if keyword == "delete":
            st.pending, st.pending_value = "delete", None
            self.say_system("delete_confirm")
            return
        if keyword in ("start", "menu", "exit"):
            self.leave_flow()
            self.enter_flow(self.flows.entry_flow)
            return
        opens = self.flows.keywords[keyword].flow if keyword in self.flows.keywords else None
        if opens:
            self.welcome_once()
            self.leave_flow()
            self.enter_flow(opens)
            return
        if st.pending == "resume":
            self.answer_resume()
            return
        if st.pending == "delete":
            self.answer_delete()
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
        elif st.pending == "confirm":
            self.answer_confirm()
        else:
            self.answer(inputs.text)

    def start_or_pick(self, keyword: str | None) -> None:
        """With nothing in progress: welcome a new texter, and take a menu pick if the text is one."""
        locale_known = self.inputs.locale_known or any(e.name == "locale" for e in self.events)
        if not self.state.started and not locale_known and self.speech.languages:
            self.offer_languages()
            return
        self.welcome_once()
        entry = self.flows.flows[self.flows.entry_flow]
        self.reset_flow(entry.name)
        self.state.node = entry.start
        node = entry.nodes[entry.start]
        if keyword is None and node.ask and self.inputs.text.strip():
            parsed = self.parsers[node.ask.parser](self.inputs.text, self.parse_context(entry.name, node))
            if parsed.ok:
                self.accept(node, parsed)
                return
        self.visit(entry.start)

    def welcome_once(self) -> None:
        """Send the welcome (who we are, not legal advice, LANGUAGE, STOP) the first time only."""
        if not self.state.started:
            self.state.started = True
            self.say_system("welcome")

    # --- moving between nodes ------------------------------------------------------------------

    def reset_flow(self, flow_name: str | None) -> None:
        st = self.state
        st.flow, st.node, st.answers, st.shown, st.stack, st.misses = flow_name, None, {}, {}, [], 0
        st.pending, st.pending_value, st.edit_queue, st.return_to = None, None, [], None

    def enter_flow(self, flow_name: str) -> None:
        st = self.state
        if st.parked and st.parked.get("flow") == flow_name:
            self.offer_resume(flow_name)
            return
        self.reset_flow(flow_name)
        self.visit(self.flows.flows[flow_name].start)

    def park(self) -> None:
        st = self.state
        st.parked = {"flow": st.flow, "node": st.node, "answers": st.answers, "shown": st.shown, "stack": st.stack}

    def leave_flow(self) -> None:
        """Leave the current flow; a resumable one with answers is parked so it can be picked up later."""
        st = self.state
        if st.flow and self.flows.flows[st.flow].resumable and st.answers:
            self.park()
        self.reset_flow(None)

    def go(self, target: str | None) -> None:
        st = self.state
        if st.return_to:  # editing from a summary: re-ask the item's questions, then show it again
            target = st.edit_queue.pop(0) if st.edit_queue else st.return_to
            if not st.edit_queue and target == st.return_to:
                st.return_to = None
        if target is None or target == END:
            self.reset_flow(None)
            return
        flow_name, node_name = split_target(target, st.flow or self.flows.entry_flow)
        if node_name is None:
            self.reset_flow(None)
            self.enter_flow(flow_name)
            return
        if flow_name != st.flow:
            self.reset_flow(flow_name)
        if target.startswith(WAIT_PREFIX):
            st.node = node_name
        else:
            self.visit(node_name)

    def visit(self, node_name: str) -> None:
        """Send each node's text and follow `next` until a node asks a question or the flow ends."""
        for _ in range(MAX_NODES_PER_TURN):
            flow = self.flows.flows[self.state.flow]
            node = flow.nodes[node_name]
            for name, value in node.set.items():
                self.state.answers[name] = value
            if node.event:
                self.events.append(Event(node.event, {"flow": flow.name, "answers": dict(self.state.answers)}))
            if node.ask:
                self.state.node = node.name
                self.prompt(node)
                return
            if node.say:
                self.replies.append(self.render(text_key(flow.name, node, "say"), node.say))
            if node.next is None or node.next == END:
                self.reset_flow(None)
                return
            flow_name, next_node = split_target(node.next, flow.name)
            if next_node is None or flow_name != flow.name or node.next.startswith(WAIT_PREFIX):
                self.go(node.next)
                return
            node_name = next_node
        raise RuntimeError("flow loops without asking anything")

    def prompt(self, node: Node) -> None:
        """Ask a node's question: offer a known value for a YES, show a summary, or just ask."""
        assert node.ask is not None
        st, flow = self.state, self.state.flow or ""
        known_as = node.ask.known or ""
        remembered = st.answers.get(known_as) or self.inputs.profile.get(known_as)
        if remembered:
            parsed = self.parsers[node.ask.parser](remembered, self.parse_context(st.flow, node))
            if parsed.ok:
                self.accept(node, parsed, remember=False, record=False)
                return
        known = self.inputs.prefill.get(node.ask.prefill or "")
        if known and node.ask.confirm and node.ask.save not in st.answers:
            parsed = self.parsers[node.ask.parser](known, self.parse_context(st.flow, node))
            if parsed.ok:
                shown = self.display(node, parsed)
                st.pending, st.pending_value = "confirm", {"value": parsed.value, "shown": shown}
                self.replies.append(self.render(text_key(flow, node, "confirm"), node.ask.confirm, prefill=shown))
                return
        if node.review:
            lines = [
                f"{n} {self.render(text_key(flow, node, 'review', item.key), item.show)}"
                for n, item in enumerate(node.review, start=1)
            ]
            self.replies.append(self.render(text_key(flow, node, "say"), node.say or "", review="\n".join(lines)))
            return
        if node.say:
            self.replies.append(self.render(text_key(flow, node, "say"), node.say))

    def current(self) -> Node:
        return self.flows.flows[self.state.flow].nodes[self.state.node]

    def reask(self) -> None:
        self.state.pending, self.state.pending_value = None, None
        self.prompt(self.current())

    # --- answers -------------------------------------------------------------------------------

    def parse_context(self, flow_name: str, node: Node) -> ParseContext:
        ask = node.ask
        assert ask is not None
        choices = {c.value: self.words(text_key(flow_name, node, "choice", c.value), c.words) for c in ask.choices}
        if node.review:
            choices = {f"edit:{n}": [str(n)] for n in range(1, len(node.review) + 1)}
        return ParseContext(
            choices=choices,
            words={name: self.answer_words(name) for name in self.flows.answer_words},
            locale=self.locale,
            now=self.inputs.now,
            timezone=self.inputs.timezone,
            options=ask.options,
            media=self.inputs.media,
            sender=self.inputs.sender,
        )

    def display(self, node: Node, parsed: Parsed) -> str:
        """How an accepted answer reads back to the texter, in their language."""
        assert node.ask is not None
        if parsed.display is not None:
            return parsed.display
        value = parsed.value
        if value is None:
            return self.system("not_given")
        for choice in node.ask.choices:
            if choice.value == value:
                source = choice.label or split_words(choice.words)[-1]
                return self.translate(text_key(self.state.flow or "", node, "label", choice.value), source)
        if node.ask.parser == "yes_no" and value in ("yes", "no", "unknown"):
            return self.system(f"label_{value}")
        if node.ask.parser == "media" and isinstance(value, list):
            return self.system_count("label_photos", len(value))
        shown = DISPLAYS.get(node.ask.parser)
        return shown(value, self.locale, self.inputs.timezone) if shown else str(value)

    def answer(self, text: str) -> None:
        st = self.state
        node = self.current()
        assert node.ask is not None
        # "I don't know" to an optional question is a SKIP, unless the question offers it as a choice
        dont_know = node.ask.optional and normalize(text) in self.answer_words("dont_know")
        parsed = self.parsers[node.ask.parser](text, self.parse_context(st.flow, node))
        if dont_know and (not parsed.ok or node.ask.parser == "text"):
            self.skip()
            return
        if not parsed.ok:
            self.missed(node, parsed)
            return
        if node.review:
            self.answer_review(node, parsed)
            return
        if parsed.confirm:
            shown = self.display(node, parsed)
            st.pending, st.pending_value = "confirm", {"value": parsed.value, "shown": shown}
            self.say_system(parsed.confirm, answer=shown)
            return
        self.accept(node, parsed)

    def missed(self, node: Node, parsed: Parsed) -> None:
        st = self.state
        assert node.ask is not None
        st.misses += 1
        if parsed.hint:
            self.say_system(parsed.hint)
        else:
            self.replies.append(self.render(text_key(st.flow or "", node, "hint"), node.ask.hint or ""))
        if st.misses >= MISSES_BEFORE_WAY_OUT:
            st.misses = 0
            self.say_system("way_out")
        if node.ask.options.get("repeat", True):
            self.reask()

    def accept(
        self, node: Node, parsed: Parsed, shown: str | None = None, remember: bool = True, record: bool = True
    ) -> None:
        """Keep an answer and move on; `record=False` for answers already known (BACK skips them)."""
        st = self.state
        assert node.ask is not None
        if parsed.notice:
            self.say_system(parsed.notice)
        if node.ask.save:
            st.answers[node.ask.save] = parsed.value
            st.shown[node.ask.save] = shown if shown is not None else self.display(node, parsed)
            if node.ask.remember and remember and parsed.value is not None:
                self.events.append(Event("remember", {node.ask.save: parsed.value}))
        if record:
            st.stack.append(node.name)
        st.misses, st.pending, st.pending_value = 0, None, None
        self.go(node.cases.get(str(parsed.value), node.next))

    def answer_confirm(self) -> None:
        """After reading an answer back: YES keeps it, NO asks again, anything else is a new answer."""
        st, node = self.state, self.current()
        pending = st.pending_value or {}
        said = normalize(self.inputs.text)
        if said in self.answer_words("yes"):
            self.accept(node, Parsed(ok=True, value=pending.get("value")), shown=pending.get("shown"))
        elif said in self.answer_words("no"):
            st.pending, st.pending_value = None, None
            assert node.ask is not None
            if node.ask.prefill:  # they said the known value is wrong: ask the plain question
                self.replies.append(self.render(text_key(st.flow or "", node, "say"), node.say or ""))
            else:
                self.reask()
        else:
            st.pending, st.pending_value = None, None
            self.answer(self.inputs.text)

    def answer_review(self, node: Node, parsed: Parsed) -> None:
        """On a summary: YES goes on (submits); an item's number re-asks that item's questions."""
        st = self.state
        if str(parsed.value).startswith("edit:"):
            item = node.review[int(str(parsed.value).split(":", 1)[1]) - 1]
            st.return_to, st.edit_queue = node.name, list(item.edit[1:])
            st.misses = 0
            self.visit(item.edit[0])
            return
        st.misses = 0
        self.go(node.next)

    def skip(self) -> None:
        node = self.current()
        assert node.ask is not None
        if not node.ask.optional:
            self.say_system("cannot_skip")
            self.reask()
            return
        self.accept(node, Parsed(ok=True, value=None))

    def go_back(self) -> None:
        st = self.state
        st.pending, st.pending_value = None, None
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
            self.park()
        parked = st.parked
        self.reset_flow(None)
        st.parked, st.pending = parked, "resume"
        self.say_system("resume", flow_title=self.flow_title(flow_name))

    def answer_resume(self) -> None:
        st = self.state
        parked = st.parked or {}
        flow_name = parked.get("flow")
        words = {name: self.answer_words(name) for name in ("continue", "start_over")}
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
            self.reset_flow(flow_name)
            st.node = parked["node"]
            st.answers, st.shown = dict(parked.get("answers") or {}), dict(parked.get("shown") or {})
            st.stack = list(parked.get("stack") or [])
            self.reask()
        else:
            self.enter_flow(flow_name)

    # --- languages ---------------------------------------------------------------------------------

    def choose_language(self, keyword: str | None) -> bool:
        """Handle LANGUAGE, a language's name, or an answer to the language menu; True if it was one."""
        languages = self.speech.languages
        if languages is None:
            return False
        if keyword == "language":
            self.offer_languages()
            return True
        picked = languages.pick(self.inputs.text)
        if picked is None and self.state.pending == "language":
            picked = languages.by_number(self.inputs.text)
            if picked is None:
                self.replies.append(self.system("language_unknown") + "\n" + languages.menu())
                return True
        if picked is None:
            return False
        self.state.pending = None
        self.set_locale(picked, "chosen")
        self.say_system("language_set")
        st = self.state
        if st.waiting:
            self.reask()
        elif st.started:
            self.enter_flow(self.flows.entry_flow)
        else:
            self.start_or_pick("language")
        return True

    def keyword_language(self, keyword: str | None) -> str | None:
        """The language whose own word for a keyword the text is ('HELP' is English, 'AYUDA' Spanish)."""
        if keyword is None or keyword not in self.flows.keywords or self.speech.languages is None:
            return None
        said, source = normalize(self.inputs.text), self.flows.keywords[keyword].words
        for code in self.speech.languages.codes:
            translated = self.speech.translators(code)(f"keyword.{keyword}", source)
            if said in split_words(source if code == "en" else translated):
                return code
        return None

    def offer_languages(self) -> None:
        assert self.speech.languages is not None
        self.state.pending = "language"
        self.replies.append(self.speech.languages.menu())

    def set_locale(self, locale: str, source: str) -> None:
        self.locale = locale
        self.events.append(Event("locale", {"locale": locale, "source": source}))

    # --- reports: STATUS and DELETE ----------------------------------------------------------

    def status_request(self, status_words: list[str]) -> str | None:
        """Return '' for a bare STATUS, the typed code for 'STATUS R-7K3M', None when it is not STATUS."""
        said = normalize(self.inputs.text)
        for word in sorted(status_words, key=len, reverse=True):
            if said == word:
                return ""
            if said.startswith(word):
                rest = said[len(word) :].strip()
                ref = normalize_ref(rest)
                if ref:  # 'STATUS R-7K3M', and '状态R-7K3M' typed without a space
                    return ref
                if said.startswith(word + " "):
                    return rest.upper()
        return None

    def answer_status(self, ref: str) -> None:
        """Tell the status of one of this number's own reports; any other code learns nothing."""
        reports = self.inputs.reports
        if not reports:
            self.say_system("status_none")
            return
        found = reports[-1] if ref == "" else next((r for r in reports if r.ref == ref), None)
        if found is None:
            self.say_system("status_unknown", ref=ref[:12])
            return
        self.say_system(f"status_{found.status}", ref=found.ref)

    def answer_delete(self) -> None:
        st = self.state
        st.pending = None
        if normalize(self.inputs.text) not in self.answer_words("yes"):
            self.say_system("delete_kept")
            if st.waiting:
                self.reask()
            return
        kept = [r.ref for r in self.inputs.reports if r.acted]
        self.events.append(Event("erase", {"kept": kept}))
        self.state = State(started=True, turns=st.turns)
        if kept:
            self.say_system("erased_kept", kept_refs=", ".join(kept))
        else:
            self.say_system("erased")
