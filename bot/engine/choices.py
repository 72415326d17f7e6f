"""What the waiting question offers to tap (yes/no, a numbered menu), and reading a tap back as an answer.

The engine only describes the choices (bot/core/choices.py); a channel that can draw them
(WhatsApp's buttons and lists) does, and a tap comes back as the word or number it stands for,
read by the question's parser as if typed. A tap on an earlier question's choices is not an
answer to the question waiting now: it is asked again.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.choices import Choice, Choices, choice_id, read_choice_id
from bot.engine.flow import text_key
from bot.engine.state import PendingKind
from bot.engine.turn import Turn

LANGUAGE_TAG = "language"
MAX_CHOICES = 10  # more than a list can hold: the text alone
# "1 Know your rights", "2. Report…", "3) Find…": a menu line and its number
_NUMBERED_LINE = re.compile(r"^\s*(\d{1,2})[\s.):\-]+(\S.*?)\s*$", re.MULTILINE)
# the yes/no buttons: the system text of each title, and the answer word the tap sends back
YES_NO_BUTTONS = (("button_yes", "yes"), ("button_no", "no"))
DONT_KNOW_BUTTON = ("button_unknown", "dont_know")


def waiting_tag(turn: Turn) -> str | None:
    """The tag of the question the next text answers: its choices' ids carry it (None: no such question)."""
    st = turn.state
    if st.is_pending(PendingKind.LANGUAGE):
        return LANGUAGE_TAG
    if not st.waiting or (st.pending is not None and not st.is_pending(PendingKind.CONFIRM)):
        return None
    tag = f"{st.flow}.{st.node}"
    return f"{tag}.confirm" if st.is_pending(PendingKind.CONFIRM) else tag


def read_tap(turn: Turn) -> bool:
    """Turn a tapped choice into the answer it stands for; False when it answers an earlier question.

    A tap whose payload is not one of ours is read as the words it showed, as if typed.
    """
    payload = turn.inputs.button
    if not payload:
        return True
    read = read_choice_id(payload)
    if read is None:
        return True
    tag, token = read
    if tag != waiting_tag(turn):
        return False
    turn.inputs = replace(turn.inputs, text=token)
    return True


def offered(turn: Turn) -> Choices | None:
    """The choices of the question the turn ends on, or None when it asks for free text (a name, a date…)."""
    tag = waiting_tag(turn)
    if tag is None or not turn.replies:
        return None
    if tag == LANGUAGE_TAG:
        return _numbered(turn, tag, turn.replies[-1], None)
    st = turn.state
    node = turn.flows.flows[st.flow or ""].nodes[st.node or ""]
    if node.ask is None or node.review:
        return None
    if st.is_pending(PendingKind.CONFIRM):
        return _yes_no(turn, tag, dont_know=False)
    if node.ask.parser == "yes_no":
        return _yes_no(turn, tag, dont_know=bool(node.ask.options.get("dont_know")))
    if node.ask.parser == "choice" and node.say:
        numbers = {word.strip() for choice in node.ask.choices for word in choice.words.split(",")}
        return _numbered(turn, tag, turn.render(text_key(st.flow or "", node, "say"), node.say), numbers)
    return None


def _yes_no(turn: Turn, tag: str, *, dont_know: bool) -> Choices:
    buttons = YES_NO_BUTTONS + ((DONT_KNOW_BUTTON,) if dont_know else ())
    items = tuple(Choice(choice_id(tag, turn.answer_words(answer)[0]), turn.system(title)) for title, answer in buttons)
    return Choices(tag, items, turn.system("button_choose"))


def _numbered(turn: Turn, tag: str, text: str, numbers: set[str] | None) -> Choices | None:
    """A menu's numbered lines as choices (only the numbers the question reads, when it says which)."""
    items = tuple(
        Choice(choice_id(tag, match[1]), match[2])
        for match in _NUMBERED_LINE.finditer(text)
        if numbers is None or match[1] in numbers
    )
    if not 2 <= len(items) <= MAX_CHOICES:
        return None
    return Choices(tag, items, turn.system("button_choose"))
