"""The hotline's own commands, whatever the flow: STOP and START, STATUS, HELP, LANGUAGE, DELETE and resume."""

from __future__ import annotations

from bot.core.refs import normalize_ref
from bot.core.text import normalize, split_words
from bot.engine.parsing import ParseContext
from bot.engine.state import Pending, PendingKind, State
from bot.engine.turn import Turn
from bot.engine.walk import FlowWalker

# --- opting out and in -----------------------------------------------------------------------------


def answer_opted_out(turn: Turn, walker: FlowWalker, keyword: str | None) -> None:
    """While a number is opted out only START gets an answer: it opts back in and picks up where it was.

    An opt-out in the middle of a report (perhaps by accident) keeps the answers, so START offers to
    continue it; otherwise START shows the menu.
    """
    if keyword != "start":
        return
    turn.emit("opted_in")
    turn.say_system("started")
    unfinished = unfinished_flow(turn)
    if unfinished:
        offer_resume(turn, unfinished)
    else:
        walker.enter_flow(turn.flows.entry_flow)


def unfinished_flow(turn: Turn) -> str | None:
    """The resumable flow with answers that was in progress or parked, if there is one."""
    st, flows = turn.state, turn.flows.flows
    if st.flow in flows and flows[st.flow].resumable and st.waiting and st.answers:
        return st.flow
    parked = (st.parked or {}).get("flow")
    return parked if parked in flows else None


def opt_out(turn: Turn) -> None:
    """STOP: tell the caller to stop texting this number, and say so once."""
    turn.emit("opted_out")
    turn.say_system("stopped")


def run_command(turn: Turn, walker: FlowWalker, keyword: str | None, status_words: list[str]) -> bool:
    """Answer STATUS, HELP, LANGUAGE (or a language's name) or DELETE; True if the text was one."""
    status_ref = status_request(turn, status_words)
    if status_ref is not None:
        answer_status(turn, status_ref)
        return True
    if keyword == "help":
        turn.say_system("help")
        return True
    if choose_language(turn, walker, keyword):
        return True
    if keyword == "delete":
        ask_delete(turn)
        return True
    return False


# --- STATUS ----------------------------------------------------------------------------------------


def status_request(turn: Turn, status_words: list[str]) -> str | None:
    """Return '' for a bare STATUS, the typed code for 'STATUS R-7K3M', None when it is not STATUS."""
    said = normalize(turn.inputs.text)
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


def answer_status(turn: Turn, ref: str) -> None:
    """Tell the status of one of this number's own reports; any other code learns nothing."""
    reports = turn.inputs.reports
    if not reports:
        turn.say_system("status_none")
        return
    found = reports[-1] if ref == "" else next((r for r in reports if r.ref == ref), None)
    if found is None:
        turn.say_system("status_unknown", ref=ref[:12])
        return
    turn.say_system(f"status_{found.status}", ref=found.ref)


# --- DELETE ----------------------------------------------------------------------------------------


def ask_delete(turn: Turn) -> None:
    """DELETE: ask for a YES before erasing anything."""
    turn.state.pending = Pending(PendingKind.DELETE)
    turn.say_system("delete_confirm")


def answer_delete(turn: Turn, walker: FlowWalker) -> None:
    """After DELETE: YES erases the conversation (reports staff acted on are kept); anything else keeps it."""
    st = turn.state
    st.pending = None
    if normalize(turn.inputs.text) not in turn.answer_words("yes"):
        turn.say_system("delete_kept")
        if st.waiting:
            walker.reask()
        return
    kept = [r.ref for r in turn.inputs.reports if r.acted]
    turn.emit("erase", {"kept": kept})
    turn.state = State(started=True, turns=st.turns)
    if kept:
        turn.say_system("erased_kept", kept_refs=", ".join(kept))
    else:
        turn.say_system("erased")


# --- LANGUAGE --------------------------------------------------------------------------------------


def detect_language(turn: Turn, keyword: str | None) -> None:
    """Until the texter's language is known, answer in the one their text is in (even a first HELP or STOP)."""
    if turn.inputs.locale_known:
        return
    spoken = turn.inputs.detected or keyword_language(turn, keyword)
    if spoken:
        turn.set_locale(spoken, "detected")


def keyword_language(turn: Turn, keyword: str | None) -> str | None:
    """The language whose own word for a keyword the text is ('HELP' is English, 'AYUDA' Spanish)."""
    languages = turn.speech.languages
    if keyword is None or keyword not in turn.flows.keywords or languages is None:
        return None
    said, source = normalize(turn.inputs.text), turn.flows.keywords[keyword].words
    for code in languages.codes:
        translated = turn.speech.translators(code)(f"keyword.{keyword}", source)
        if said in split_words(source if code == "en" else translated):
            return code
    return None


def language_unknown(turn: Turn) -> bool:
    """Whether a new texter must pick a language before the welcome (several are offered, none is known)."""
    locale_known = turn.inputs.locale_known or any(e.name == "locale" for e in turn.events)
    return not turn.state.started and not locale_known and turn.speech.languages is not None


def offer_languages(turn: Turn) -> None:
    """Send the language menu and wait for a pick."""
    assert turn.speech.languages is not None
    turn.state.pending = Pending(PendingKind.LANGUAGE)
    turn.say(turn.speech.languages.menu())


def choose_language(turn: Turn, walker: FlowWalker, keyword: str | None) -> bool:
    """Handle LANGUAGE, a language's name, or an answer to the language menu; True if it was one."""
    languages = turn.speech.languages
    if languages is None:
        return False
    if keyword == "language":
        offer_languages(turn)
        return True
    picked = languages.pick(turn.inputs.text)
    choosing = turn.state.is_pending(PendingKind.LANGUAGE)
    if picked and turn.state.waiting and not choosing and languages.named(turn.inputs.text) is None:
        picked = None  # at a question 'Frances', 'Chino' or 'haitian' is an answer; a language's own name switches
    if picked is None and choosing:
        picked = languages.by_number(turn.inputs.text)
        if picked is None:
            turn.say(turn.system("language_unknown") + "\n" + languages.menu())
            return True
    if picked is None:
        return False
    turn.state.pending = None
    turn.set_locale(picked, "chosen")
    turn.say_system("language_set")
    st = turn.state
    if st.waiting:
        walker.reask()
    elif st.started:
        walker.enter_flow(turn.flows.entry_flow)
    else:
        walker.start("language")
    return True


# --- resuming a parked flow ------------------------------------------------------------------------


def offer_resume(turn: Turn, flow_name: str) -> None:
    """Park the flow (if it is the one in progress) and ask whether to continue it or start over."""
    st = turn.state
    if st.flow == flow_name and st.waiting and not st.parked:
        st.park()
    parked = st.parked
    st.reset_flow(None)
    st.parked, st.pending = parked, Pending(PendingKind.RESUME)
    turn.say_system("resume", flow_title=turn.flow_title(flow_name))


def answer_resume(turn: Turn, walker: FlowWalker) -> None:
    """After the resume question: CONTINUE picks up where the texter left, START OVER begins afresh."""
    st, flows = turn.state, turn.flows
    parked = st.parked or {}
    flow_name = parked.get("flow")
    words = {name: turn.answer_words(name) for name in ("continue", "start_over")}
    parsed = turn.answering.choice(turn.inputs.text, ParseContext(choices=words))
    if not flow_name or flow_name not in flows.flows:
        st.pending, st.parked = None, None
        walker.enter_flow(flows.entry_flow)
        return
    if not parsed.ok:
        turn.say_system("resume", flow_title=turn.flow_title(flow_name))
        return
    st.pending, st.parked = None, None
    if parsed.value == "continue" and parked.get("node") in flows.flows[flow_name].nodes:
        st.reset_flow(flow_name)
        st.node = parked["node"]
        st.answers, st.shown = dict(parked.get("answers") or {}), dict(parked.get("shown") or {})
        st.stack = list(parked.get("stack") or [])
        st.skip_answered = bool(parked.get("skip_answered"))
        walker.reask()
    else:
        walker.enter_flow(flow_name)
