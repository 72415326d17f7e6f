"""The shape of conversation content once loaded: flows of named nodes, system messages, keywords."""

from __future__ import annotations

from dataclasses import dataclass, field

END = "end"
FLOW_PREFIX = "flow:"
WAIT_PREFIX = "wait:"  # go to a question without asking it again (its text was just sent or is known)
SUBMIT_EVENT = "submit_report"  # the event that files a report; the hotline stores it (or amends the one filed)
FILED_REF = "filed_ref"  # the answer naming the report these answers were filed as: submitting again amends it


@dataclass(frozen=True)
class Choice:
    """One option of a `choice` question: the value saved and the words (comma-separated) that pick it."""

    value: str
    words: str
    label: str | None = None  # how the choice reads back in a summary ("U.S. citizen")


@dataclass(frozen=True)
class Ask:
    """What a node waits for: the parser that reads the answer and where the answer is saved."""

    parser: str
    save: str | None = None
    hint: str | None = None
    choices: tuple[Choice, ...] = ()
    optional: bool = False
    options: dict[str, object] = field(default_factory=dict)
    prefill: str | None = None  # a known value (e.g. Twilio's FromState) offered for confirmation
    confirm: str | None = None  # the question that offers the prefilled value: "Is the jail in {prefill}?"
    known: str | None = None  # a remembered value (e.g. home_state): when known, the question is not asked
    remember: bool = False  # keep the answer for this texter beyond this conversation
    infer_from: tuple[str, ...] = ()  # earlier answers (the jail, the city) this question may read its value from
    heard: str | None = None  # a fact the first text may already say ('jail', 'name'), offered for a YES
    heard_confirm: str | None = None  # the question that offers it: "Is the jail {prefill}, as you wrote?"


@dataclass(frozen=True)
class ReviewItem:
    """One numbered line of a summary: what it shows and the questions that change it."""

    show: str
    edit: tuple[str, ...]
    key: str  # the stable name of this line in the catalogs, kept when lines are reordered


# A reviewer name the organisation must replace: content ships reviewed by no one it can name.
PLACEHOLDER_REVIEWER = "PLACEHOLDER"
SHIPPED_REVIEWER = "PLACEHOLDER (the attorney's name or bar number)"  # as flows/ ships


@dataclass(frozen=True)
class Review:
    """Who last checked a legal text (a name or bar number) and when (YYYY-MM-DD)."""

    on: str
    by: str | None = None  # None: the old plain-date form, which names no one

    @property
    def named(self) -> bool:
        """Whether a real reviewer is named: not missing, not the shipped placeholder."""
        return bool(self.by) and not str(self.by).upper().startswith(PLACEHOLDER_REVIEWER)


@dataclass(frozen=True)
class Node:
    """One step of a flow: text to send, an optional question, and where to go next."""

    name: str
    key: str  # the stable name of this node's texts in the catalogs, kept when the node is renamed
    say: str | None = None
    ask: Ask | None = None
    next: str | None = None
    cases: dict[str, str] = field(default_factory=dict)
    event: str | None = None
    note: str | None = None
    review: tuple[ReviewItem, ...] = ()
    sources: tuple[str, ...] = ()  # where the facts in `say` come from (never sent)
    reviewed: Review | None = None  # who last checked this text, and when
    set: dict[str, str] = field(default_factory=dict)  # fixed answers recorded on arrival
    facts: bool = True  # in a legal flow, False marks a menu or question that states no legal facts
    segments: int | None = None  # the SMS segment budget of `say` when it is not the default (legal texts)

    def targets(self) -> list[str]:
        """Every target this node can route to."""
        found = list(self.cases.values()) + [name for item in self.review for name in item.edit]
        if self.next:
            found.append(self.next)
        return found


@dataclass(frozen=True)
class FastLane:
    """URGENT in a report: the few questions it cannot go without, sent at once, the rest asked after."""

    intro: str  # the node whose text says what happens (its `set` answers are recorded too)
    questions: tuple[str, ...]  # asked in this order, those not yet answered
    send: str  # the node that files the report; from there on the questions already answered are passed over


@dataclass(frozen=True)
class Flow:
    """A named conversation (menu, rights, report…) made of nodes, entered at `start`."""

    name: str
    title: str
    start: str
    nodes: dict[str, Node]
    resumable: bool = False
    legal: bool = False  # legal information: every text must carry sources and a review date
    fast_lane: FastLane | None = None
    correct_at: str | None = None  # where FIX reopens the report this conversation filed (its summary)

    def entry_nodes(self) -> list[str]:
        """Nodes the engine itself goes to, besides `start`: the fast lane's and where FIX reopens a report."""
        lane = [self.fast_lane.intro, self.fast_lane.send, *self.fast_lane.questions] if self.fast_lane else []
        return lane + ([self.correct_at] if self.correct_at else [])


@dataclass(frozen=True)
class Wordlist:
    """A translatable list of words a texter may type (keywords, yes/no), with a translator note."""

    name: str
    words: str
    note: str | None = None
    flow: str | None = None  # a keyword that opens a flow (REPORT)


@dataclass(frozen=True)
class FlowSet:
    """Everything the engine runs on: the flows, system messages and word lists."""

    flows: dict[str, Flow]
    messages: dict[str, str]
    message_notes: dict[str, str]
    message_plurals: dict[str, str]  # system messages with a count: key -> plural English text
    keywords: dict[str, Wordlist]
    answer_words: dict[str, Wordlist]
    entry_flow: str = "menu"


def split_target(target: str, current_flow: str) -> tuple[str, str | None]:
    """Return (flow, node) for a target: `node`, `wait:node`, `flow:name` (its start) or `flow:name.node`."""
    target = target.removeprefix(WAIT_PREFIX)
    if target.startswith(FLOW_PREFIX):
        flow, _, node = target[len(FLOW_PREFIX) :].partition(".")
        return flow, node or None
    return current_flow, target


def text_key(flow: str, node: Node | None, part: str, item: str | None = None) -> str:
    """Return the translation context of one text: `report.ask_name.say`, `report.title`, `….choice.yes`.

    The one rule for naming texts in the catalogs: the engine, the checks and the extractor all use it.
    It uses the keys declared in the flow files, never a node's name or position, so renaming a node
    or reordering a summary keeps every translation.
    """
    if node is None:
        return f"{flow}.{part}"
    key = f"{flow}.{node.key}.{part}"
    return key if item is None else f"{key}.{item}"
