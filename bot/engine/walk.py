"""Walk a flow: enter it, send each node's text, ask its question, and read the answer to route on."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from bot.core.segments import split_to_budget
from bot.core.text import split_words
from bot.engine.flow import END, FILED_REF, SUBMIT_EVENT, WAIT_PREFIX, Flow, Node, split_target, text_key
from bot.engine.optional import without_unanswered
from bot.engine.parsing import FREE_TEXT_PARSER, MEDIA_PARSER, ParseContext, Parsed
from bot.engine.state import Pending
from bot.engine.turn import Turn

MISSES_BEFORE_WAY_OUT = 3
# Parser hints that point at the question ("answer the question below"), so it is sent again after them.
# Every other hint is the question's short form: re-sending the whole question would cost its segments again.
REVIEW_SLOT = "{review}"  # where a summary's numbered lines go
HINTS_BEFORE_QUESTION = frozenset({"question_seen", "person_asked"})
MAX_NODES_PER_TURN = 60  # a fast-lane report passes over every question answered before it


class FlowWalker:
    """Move one turn through the flows; `offer_resume(flow)` is called on entering a flow that was parked."""

    def __init__(self, turn: Turn, offer_resume: Callable[[str], None]) -> None:
        self.turn = turn
        self.offer_resume = offer_resume

    # --- moving between nodes ------------------------------------------------------------------

    def start(self, keyword: str | None) -> None:
        """With nothing in progress: welcome a new texter, and take a menu pick if the text is one."""
        turn = self.turn
        self.welcome_once()
        entry = turn.flows.flows[turn.flows.entry_flow]
        turn.state.reset_flow(entry.name)
        turn.state.node = entry.start
        node = entry.nodes[entry.start]
        if keyword is None and turn.inputs.text.strip():
            read = turn.answering.first_text  # the facts it already says, offered later instead of asked
            turn.state.heard = dict(read(turn.inputs.text, turn.locale)) if read else {}
        if keyword is None and node.ask and turn.inputs.text.strip():
            parsed = turn.answering.parsers[node.ask.parser](turn.inputs.text, self.parse_context(entry.name, node))
            if parsed.ok:
                self.accept(node, parsed)
                return
        self.visit(entry.start)

    def welcome_once(self) -> None:
        """Send the welcome (who we are, not legal advice, LANGUAGE, STOP) the first time only."""
        if not self.turn.state.started:
            self.turn.state.started = True
            self.turn.say_system("welcome")

    def enter_flow(self, flow_name: str) -> None:
        """Start a flow at its first node, or offer to resume it when it was left mid-way."""
        st = self.turn.state
        if st.parked and st.parked.get("flow") == flow_name:
            self.offer_resume(flow_name)
            return
        st.reset_flow(flow_name)
        self.visit(self.turn.flows.flows[flow_name].start)

    def leave_flow(self) -> None:
        """Leave the current flow; a resumable one with answers is parked so it can be picked up later."""
        st = self.turn.state
        if st.flow and self.turn.flows.flows[st.flow].resumable and st.answers:
            st.park()
        st.reset_flow(None)

    def go(self, target: str | None) -> None:
        """Follow a route: to a node, a node in another flow, another flow's start, or the end."""
        st = self.turn.state
        if st.return_to:  # editing from a summary: re-ask the item's questions, then show it again
            target = st.edit_queue.pop(0) if st.edit_queue else st.return_to
            if not st.edit_queue and target == st.return_to:
                st.return_to = None
        if target is None or target == END:
            st.reset_flow(None)
            return
        flow_name, node_name = split_target(target, st.flow or self.turn.flows.entry_flow)
        if node_name is None:
            st.reset_flow(None)
            self.enter_flow(flow_name)
            return
        if flow_name != st.flow:
            st.reset_flow(flow_name)
        if target.startswith(WAIT_PREFIX):
            st.node = node_name
        else:
            self.visit(node_name)

    def visit(self, node_name: str) -> None:
        """Send each node's text and follow `next` until a node asks a question or the flow ends."""
        turn, st = self.turn, self.turn.state
        for _ in range(MAX_NODES_PER_TURN):
            flow = turn.flows.flows[st.flow]
            node = flow.nodes[node_name]
            for name, value in node.set.items():
                st.answers[name] = value
            if node.event:
                self.emit_event(flow, node)
            if node.ask and self.passed_over(node):
                target = node.cases.get(str(st.answers[node.ask.save or ""]), node.next)
            elif node.ask:
                st.node = node.name
                self.prompt(node)
                return
            else:
                target = node.next
                if node.say:
                    turn.say(turn.render(text_key(flow.name, node, "say"), node.say))
            if target is None or target == END:
                st.reset_flow(None)
                return
            flow_name, next_node = split_target(target, flow.name)
            if next_node is None or flow_name != flow.name or target.startswith(WAIT_PREFIX):
                self.go(target)
                return
            node_name = next_node
        raise RuntimeError("flow loops without asking anything")

    def emit_event(self, flow: Flow, node: Node) -> None:
        """Tell the caller to act; a report's submit says which filed report it amends, and is kept for FIX."""
        st = self.turn.state
        data = {"flow": flow.name, "answers": dict(st.answers)}
        if node.event == SUBMIT_EVENT:
            st.heard = {}
            data["amends"] = st.answers.get(FILED_REF)
            st.filed = {"ref": data["amends"], "flow": flow.name, "answers": dict(st.answers), "shown": dict(st.shown)}
            if flow.fast_lane and node.name == flow.fast_lane.send:
                st.skip_answered = True
        self.turn.emit(node.event or "", data)

    def passed_over(self, node: Node) -> bool:
        """After a fast-lane report is sent, questions already answered are not asked again (until the summary)."""
        st = self.turn.state
        assert node.ask is not None
        if node.review:
            st.skip_answered = False
        return st.skip_answered and bool(node.ask.save) and node.ask.save in st.answers

    def fast_lane(self) -> bool:
        """URGENT: ask only the report's fast-lane questions not yet answered, send it, then ask the rest."""
        turn, st, flows = self.turn, self.turn.state, self.turn.flows.flows
        here = flows[st.flow] if st.flow else None
        flow = here if here and here.fast_lane else next((f for f in flows.values() if f.fast_lane), None)
        if flow is None or flow.fast_lane is None:
            return False
        lane = flow.fast_lane
        if st.flow != flow.name:
            self.welcome_once()
            self.leave_flow()
            st.reset_flow(flow.name)
        intro = flow.nodes[lane.intro]
        for name, value in intro.set.items():
            st.answers.setdefault(name, value)
        st.pending, st.skip_answered = None, False
        if intro.say:
            turn.say(turn.render(text_key(flow.name, intro, "say"), intro.say))
        todo = [q for q in lane.questions if flow.nodes[q].ask and flow.nodes[q].ask.save not in st.answers]
        st.return_to, st.edit_queue = (lane.send, todo[1:]) if todo else (None, [])
        self.visit(todo[0] if todo else lane.send)
        return True

    def fix_filed(self) -> None:
        """FIX: reopen the summary of the report this conversation filed; sending it again amends that report."""
        turn, st = self.turn, self.turn.state
        filed = st.filed or {}
        flow = turn.flows.flows.get(filed.get("flow") or "")
        if not filed.get("ref") or flow is None or not flow.correct_at:
            turn.say_system("fix_none")
            if st.waiting:
                self.reask()
            return
        self.leave_flow()
        st.reset_flow(flow.name)
        st.answers, st.shown = dict(filed.get("answers") or {}), dict(filed.get("shown") or {})
        st.answers[FILED_REF] = filed["ref"]
        self.visit(flow.correct_at)

    # --- asking ----------------------------------------------------------------------------------

    def prompt(self, node: Node) -> None:
        """Ask a node's question: offer a known value for a YES, show a summary, or just ask."""
        assert node.ask is not None
        turn, st, flow = self.turn, self.turn.state, self.turn.state.flow or ""
        parse = turn.answering.parsers[node.ask.parser]
        known_as = node.ask.known or ""
        remembered = st.answers.get(known_as) or turn.inputs.profile.get(known_as)
        if remembered:
            parsed = parse(remembered, self.parse_context(flow, node))
            if parsed.ok:
                self.accept(node, parsed, remember=False, record=False)
                return
        heard = st.heard.get(node.ask.heard or "")
        if heard and node.ask.heard_confirm and node.ask.save not in st.answers:
            if self.offer(node, heard, "heard_confirm", node.ask.heard_confirm, refused=(None, "unknown")):
                return
            st.heard.pop(node.ask.heard or "", None)  # it does not read as an answer here: just ask
        known = turn.inputs.prefill.get(node.ask.prefill or "") or self.inferred(flow, node)
        if known and node.ask.confirm and node.ask.save not in st.answers:
            if self.offer(node, known, "confirm", node.ask.confirm):
                return
        if node.review:
            unasked = {  # a report sent early (URGENT) and reopened with FIX: what it does not say yet
                n.ask.save: turn.system("not_given")
                for n in turn.flows.flows[flow].nodes.values()
                if n.ask and n.ask.save and n.ask.save not in st.shown
            }
            questions = [n.ask for n in turn.flows.flows[flow].nodes.values() if n.ask and n.ask.save]
            unanswered = {ask.save for ask in questions if ask.save and st.answers.get(ask.save) is None}
            shape = partial(without_unanswered, unanswered=unanswered)
            rendered = (
                turn.render(text_key(flow, node, "review", item.key), item.show, part=True, shape=shape, **unasked)
                for item in node.review
            )
            lines = [f"{n} {line.strip() or turn.own(turn.system('not_given'))}" for n, line in enumerate(rendered, 1)]
            # The frame ("Check your report: … Reply YES") is rendered on its own, so it is folded into GSM-7
            # even when a name in one line keeps that line's text UCS-2.
            frame = turn.render(text_key(flow, node, "say"), node.say or "", part=True, review=REVIEW_SLOT)
            summary = frame.replace(REVIEW_SLOT, "\n".join(lines))
            for part in split_to_budget(summary):  # long answers: two texts of 3 segments, not one of 5
                turn.say(part)
            return
        if node.say:
            turn.say(turn.render(text_key(flow, node, "say"), node.say))

    def offer(self, node: Node, known: str, kind: str, text: str, refused: tuple[object, ...] = ()) -> bool:
        """Read a known value back for a YES with the node's `kind` text; False when it is no answer here."""
        assert node.ask is not None
        turn, flow = self.turn, self.turn.state.flow or ""
        parsed = turn.answering.parsers[node.ask.parser](known, self.parse_context(flow, node))
        if not parsed.ok or parsed.value in refused:
            return False
        shown = self.display(node, parsed, full=True)
        self.turn.state.pending = Pending.confirm(parsed.value, shown)
        turn.say(turn.render(text_key(flow, node, kind), text, prefill=shown))
        return True

    def inferred(self, flow: str, node: Node) -> str | None:
        """An earlier answer the question can read its value from ('Cook County Jail': Illinois), offered for a YES."""
        assert node.ask is not None
        parse = self.turn.answering.parsers[node.ask.parser]
        for name in node.ask.infer_from:
            earlier = self.turn.state.answers.get(name)
            if isinstance(earlier, str) and earlier:
                parsed = parse(earlier, self.parse_context(flow, node))
                if parsed.ok and parsed.value not in (None, "unknown"):
                    return earlier
        return None

    def current(self) -> Node:
        """The node whose question is waiting for an answer."""
        st = self.turn.state
        return self.turn.flows.flows[st.flow].nodes[st.node]

    def clear_answer(self, text: str) -> bool:
        """Whether a text is plainly an answer to the waiting question (a pick, a date), so a late reply is kept.

        Free text is never plain: after a long pause 'hi' is a greeting, not a name.
        """
        node = self.current()
        if node.ask is None or node.ask.parser == FREE_TEXT_PARSER or self.turn.state.pending:
            return False
        parsed = self.turn.answering.parsers[node.ask.parser](
            text, self.parse_context(self.turn.state.flow or "", node)
        )
        return parsed.ok

    def keep_photos(self) -> None:
        """Photos sent at any point of a flow are kept for its photo question, whatever is being asked now."""
        turn, st = self.turn, self.turn.state
        if not turn.inputs.media or not st.flow:
            return
        for name, node in turn.flows.flows[st.flow].nodes.items():
            if node.ask and node.ask.parser == MEDIA_PARSER and node.ask.save and name != st.node:
                kept = list(st.answers.get(node.ask.save) or [])
                kept += [dict(item) for item in turn.inputs.media if dict(item) not in kept]
                st.answers[node.ask.save] = kept

    def reask(self) -> None:
        """Ask the waiting question again, forgetting any question of the hotline's own."""
        self.turn.state.pending = None
        self.prompt(self.current())

    # --- reading answers -------------------------------------------------------------------------

    def parse_context(self, flow_name: str, node: Node) -> ParseContext:
        """What the node's parser may know: its choices and the answer words, in the texter's language."""
        turn, ask = self.turn, node.ask
        assert ask is not None
        choices = {c.value: turn.words(text_key(flow_name, node, "choice", c.value), c.words) for c in ask.choices}
        if node.review:
            choices = {f"edit:{n}": [str(n)] for n in range(1, len(node.review) + 1)}
        return ParseContext(
            choices=choices,
            words={name: turn.answer_words(name) for name in turn.flows.answer_words},
            locale=turn.locale,
            now=turn.inputs.now,
            timezone=turn.inputs.timezone,
            options=ask.options,
            media=turn.inputs.media,
            sender=turn.inputs.sender,
            answers=dict(turn.state.answers),
        )

    def display(self, node: Node, parsed: Parsed, full: bool = False) -> str:
        """How an accepted answer reads back to the texter, in their language."""
        assert node.ask is not None
        turn = self.turn
        if parsed.display is not None:
            return parsed.display
        value = parsed.value
        # the bot's own words (labels, dates, states) may be folded into GSM-7; what the texter typed never is
        if value is None:
            return turn.own(turn.system("not_given"))
        for choice in node.ask.choices:
            if choice.value == value:
                source = choice.label or split_words(choice.words)[-1]
                return turn.own(turn.translate(text_key(turn.state.flow or "", node, "label", choice.value), source))
        if node.ask.parser == "yes_no" and value in ("yes", "no", "unknown"):
            return turn.own(turn.system(f"label_{value}"))
        if value == "unknown" and node.ask.options.get("dont_know"):  # "I don't know" to a date or a time
            return turn.own(turn.system("label_unknown"))
        if node.ask.parser == "media" and isinstance(value, list):
            return turn.own(turn.system_count("label_photos", len(value)))
        if node.ask.parser == FREE_TEXT_PARSER and (full or node.ask.options.get("name")):
            return str(value)  # names read back whole: a cut name is a wrong name
        shown = turn.answering.displays.get(node.ask.parser)
        if shown is None:
            return str(value)
        text = shown(value, turn.locale, turn.inputs.timezone)
        return text if node.ask.parser == FREE_TEXT_PARSER else turn.own(text)  # typed text stays as typed

    def answer(self, text: str) -> None:
        """Read an answer to the waiting question: keep it, read it back for a YES, or hint and ask again."""
        turn, st = self.turn, self.turn.state
        node = self.current()
        assert node.ask is not None
        # "I don't know" to an optional question is a SKIP, unless the question offers it as a choice
        context = self.parse_context(st.flow or "", node)
        dont_know = node.ask.optional and context.says("dont_know", text)
        parsed = turn.answering.parsers[node.ask.parser](text, context)
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
            st.pending = Pending.confirm(parsed.value, shown)
            turn.say_system(parsed.confirm, answer=shown)
            return
        self.accept(node, parsed)

    def missed(self, node: Node, parsed: Parsed) -> None:
        """An answer that did not parse: send the short hint (not the whole question), a way out after a few misses.

        The question is sent again only after a hint that points at it, or when the node asks for it
        (`repeat: true`).
        """
        turn, st = self.turn, self.turn.state
        assert node.ask is not None
        st.misses += 1
        if parsed.hint:
            turn.say_system(parsed.hint)
        else:
            turn.say(turn.render(text_key(st.flow or "", node, "hint"), node.ask.hint or ""))
        if st.misses >= MISSES_BEFORE_WAY_OUT:
            st.misses = 0
            turn.say_system("way_out")
        if node.ask.options.get("repeat", False) or parsed.hint in HINTS_BEFORE_QUESTION:
            self.reask()

    def accept(
        self, node: Node, parsed: Parsed, shown: str | None = None, remember: bool = True, record: bool = True
    ) -> None:
        """Keep an answer and move on; `record=False` for answers already known (BACK skips them)."""
        turn, st = self.turn, self.turn.state
        assert node.ask is not None
        if parsed.notice:
            turn.say_system(parsed.notice)
        if node.ask.save:
            value = parsed.value
            if node.ask.parser == MEDIA_PARSER:  # photos sent earlier stay, whatever is answered here
                earlier = [item for item in st.answers.get(node.ask.save) or [] if item not in (value or [])]
                value = [*earlier, *(value or [])] or None
            st.answers[node.ask.save] = value
            st.shown[node.ask.save] = shown if shown is not None else self.display(node, parsed)
            if node.ask.remember and remember and parsed.value is not None:
                turn.emit("remember", {node.ask.save: parsed.value})
        if record:
            st.stack.append(node.name)
        st.misses, st.pending = 0, None
        self.go(node.cases.get(str(parsed.value), node.next))

    def answer_confirm(self) -> None:
        """After reading an answer back: YES keeps it, NO asks again, anything else is a new answer."""
        turn, st, node = self.turn, self.turn.state, self.current()
        pending = st.pending
        words = {name: turn.answer_words(name) for name in ("yes", "no", "dont_know", "maybe")}
        said = turn.answering.yes_no(turn.inputs.text, ParseContext(words=words, locale=turn.locale))
        if said.ok and said.value == "yes":
            value, shown = (pending.value, pending.shown) if pending else (None, None)
            self.accept(node, Parsed(ok=True, value=value), shown=shown)
        elif said.ok and said.value == "no":
            st.pending = None
            assert node.ask is not None
            if st.heard.pop(node.ask.heard or "", None):  # not what the first text meant: ask as usual
                self.reask()
            elif node.ask.prefill:  # they said the known value is wrong: ask the plain question
                turn.say(turn.render(text_key(st.flow or "", node, "say"), node.say or ""))
            else:
                self.reask()
        else:  # a new answer; if it cannot be read either, the value read back still takes a YES after the hint
            st.pending = None
            misses, here = st.misses, (st.flow, st.node)
            self.answer(turn.inputs.text)
            if pending and st.pending is None and (st.flow, st.node) == here and st.misses != misses:
                st.pending = pending

    def answer_review(self, node: Node, parsed: Parsed) -> None:
        """On a summary: YES goes on (submits); an item's number re-asks that item's questions."""
        st = self.turn.state
        if str(parsed.value).startswith("edit:"):
            item = node.review[int(str(parsed.value).split(":", 1)[1]) - 1]
            st.return_to, st.edit_queue = node.name, list(item.edit[1:])
            st.misses = 0
            self.visit(item.edit[0])
            return
        st.misses = 0
        self.go(node.next)

    def skip(self) -> None:
        """SKIP: pass over an optional question (kept as not given); a required one is asked again."""
        node = self.current()
        assert node.ask is not None
        if not node.ask.optional:
            self.turn.say_system("cannot_skip")
            self.reask()
            return
        self.accept(node, Parsed(ok=True, value=None))

    def go_back(self) -> None:
        """BACK: ask the previous question of this flow again."""
        st = self.turn.state
        st.pending = None
        if not st.stack:
            self.turn.say_system("no_back")
            self.reask()
            return
        st.node = st.stack.pop()
        st.misses = 0
        self.reask()
