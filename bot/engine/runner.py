"""Run one inbound text through the flows: a pure function of (flows, state, text, locale) -> outcome.

No Flask and no database here: the webhook, the terminal chat and the tests all call `handle`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from bot.core.segments import pack_cheaper
from bot.engine import commands
from bot.engine.choices import offered, read_tap
from bot.engine.flow import FlowSet
from bot.engine.io import Inputs, Outcome, Policy, Speech, Translate, english
from bot.engine.parsing import Answering
from bot.engine.state import PendingKind, State
from bot.engine.turn import Turn
from bot.engine.walk import FlowWalker

DEFAULT_POLICY = Policy()


def handle(
    flows: FlowSet,
    state: State,
    inputs: Inputs,
    *,
    answering: Answering,
    translate: Translate = english,
    context: Mapping[str, str] | None = None,
    policy: Policy = DEFAULT_POLICY,
    speech: Speech | None = None,
) -> Outcome:
    """Return the replies, new state and events for one inbound text; `state` is not modified."""
    speech = speech or Speech(translators=lambda _locale: translate)
    turn = Turn(flows, state.copy(), inputs, answering=answering, speech=speech, context=context or {}, policy=policy)
    _Dispatch(turn).run()
    # SMS bills by the segment: short texts of one turn go together where that costs less. WhatsApp
    # does not, and its buttons belong to the last text as asked.
    replies = turn.replies if inputs.channel == "whatsapp" else pack_cheaper(turn.replies)
    return Outcome(replies=replies, state=turn.state, events=turn.events, choices=offered(turn))


class _Dispatch:
    """Decide what one text is: a rule for opted-out numbers, a hotline command, a keyword, or an answer."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn
        self.walker = FlowWalker(turn, offer_resume=partial(commands.offer_resume, turn))

    def run(self) -> None:
        """Answer the text; the order of the checks is the hotline's precedence, STOP first."""
        turn = self.turn
        turn.state.turns += 1
        current = read_tap(turn)  # a tapped choice reads as the answer it stands for
        keywords = turn.keyword_words()
        keyword = turn.inputs.carrier_keyword or turn.keyword_table().match(turn.inputs.text)
        if turn.inputs.opted_out:  # an opted-out number gets no reply at all until START
            commands.answer_opted_out(turn, self.walker, keyword)
            return
        if not current:  # a choice tapped under an earlier question answers nothing now
            self.ask_again()
            return
        commands.detect_language(turn, keyword)
        if keyword == "stop":
            commands.opt_out(turn)
            return
        if keyword == "stop_maybe":  # may mean "stop texting me": say how, and change nothing else
            turn.say_system("stop_how")
            return
        self.forget_if_idle()
        if commands.run_command(turn, self.walker, keyword, keywords.get("status", [])):
            return
        if keyword == "urgent" and self.walker.fast_lane():
            return
        if keyword == "fix":
            self.walker.fix_filed()
            return
        if self.follow_keyword(keyword):
            return
        if turn.state.is_pending(PendingKind.RESUME):
            commands.answer_resume(turn, self.walker)
        elif turn.state.is_pending(PendingKind.DELETE):
            commands.answer_delete(turn, self.walker)
        elif not turn.state.waiting:
            self.start(keyword)
        elif self.resume_due(keyword) and not self.walker.clear_answer(turn.inputs.text):
            commands.offer_resume(turn, turn.state.flow or "")
        else:
            self.answer(keyword)

    def ask_again(self) -> None:
        """Say that a tap answered an earlier question, and ask the one waiting now (or show the menu)."""
        turn = self.turn
        turn.say_system("button_stale")
        if turn.state.is_pending(PendingKind.LANGUAGE):
            commands.offer_languages(turn)
        elif turn.state.waiting:
            self.walker.reask()
        else:
            self.start(None)

    def forget_if_idle(self) -> None:
        """After the idle limit a conversation starts afresh (only its count of texts is kept)."""
        turn, last_seen = self.turn, self.turn.inputs.last_seen
        if last_seen and turn.inputs.now - last_seen > turn.policy.expire_after:
            turn.state = State(turns=turn.state.turns)
            turn.emit("expired")

    def follow_keyword(self, keyword: str | None) -> bool:
        """MENU, EXIT and START go to the main menu; a flow's keyword (REPORT) opens it. True if one did."""
        turn, walker = self.turn, self.walker
        if keyword in ("start", "menu", "exit"):
            walker.leave_flow()
            walker.enter_flow(turn.flows.entry_flow)
            return True
        opens = turn.flows.keywords[keyword].flow if keyword in turn.flows.keywords else None
        if opens:
            walker.welcome_once()
            walker.leave_flow()
            walker.enter_flow(opens)
            return True
        return False

    def start(self, keyword: str | None) -> None:
        """With nothing in progress: a new texter of unknown language gets the language menu, others the menu."""
        if commands.language_unknown(self.turn):
            commands.offer_languages(self.turn)
        else:
            self.walker.start(keyword)

    def resume_due(self, keyword: str | None) -> bool:
        """Whether a texter back after a pause, mid-way through a resumable flow, is asked to resume it."""
        turn, last_seen = self.turn, self.turn.inputs.last_seen
        return bool(
            last_seen
            and turn.inputs.now - last_seen > turn.policy.resume_after
            and turn.flows.flows[turn.state.flow].resumable
            and keyword is None
        )

    def answer(self, keyword: str | None) -> None:
        """The text answers the waiting question, unless it is BACK or SKIP; photos sent with it are kept."""
        self.walker.keep_photos()
        if keyword == "back":
            self.walker.go_back()
        elif keyword == "skip":
            self.walker.skip()
        elif self.turn.state.is_pending(PendingKind.CONFIRM):
            self.walker.answer_confirm()
        else:
            self.walker.answer(self.turn.inputs.text)
