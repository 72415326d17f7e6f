"""The engine as a pure function: texts in, replies, state and events out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.answers import ANSWERING
from bot.core.segments import pack_cheaper
from bot.engine.flow import FlowSet
from bot.engine.io import Inputs, Outcome, Policy
from bot.engine.runner import handle
from bot.engine.state import State

T0 = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
CONTEXT = {"org_name": "Holdline", "legal_help_phone": "(312) 555-0100", "family_support_phone": "1-800"}


class Chat:
    """Drive the engine like a texter: state carried from one text to the next."""

    def __init__(self, flows: FlowSet) -> None:
        self.flows = flows
        self.state = State()
        self.now = T0
        self.last_seen: datetime | None = None
        self.opted_out = False
        self.events: list[str] = []

    def send(self, text: str, after: timedelta = timedelta(seconds=30)) -> list[str]:
        self.now += after
        outcome: Outcome = handle(
            self.flows,
            self.state,
            Inputs(text=text, now=self.now, last_seen=self.last_seen, opted_out=self.opted_out),
            answering=ANSWERING,
            context=CONTEXT,
            policy=Policy(expire_after=timedelta(days=7), resume_after=timedelta(hours=1)),
        )
        self.state = outcome.state
        self.last_seen = self.now
        for event in outcome.events:
            self.events.append(event.name)
            if event.name == "opted_out":
                self.opted_out = True
            if event.name == "opted_in":
                self.opted_out = False
        return outcome.replies


@pytest.fixture
def chat(flows: FlowSet) -> Chat:
    return Chat(flows)


def test_first_text_gets_welcome_and_menu(chat: Chat) -> None:
    replies = chat.send("hello")
    assert replies[0].startswith("Welcome to Holdline.")
    assert replies[1] == "Reply 1 for the survey, 2 for info."


def test_first_text_that_is_a_menu_pick_goes_straight_there(chat: Chat) -> None:
    welcome = chat.flows.messages["welcome"].format(**CONTEXT)
    assert chat.send("2") == pack_cheaper([welcome, "Info one.", "Info two. Call (312) 555-0100."])


def test_handle_does_not_change_the_state_it_was_given(flows: FlowSet) -> None:
    before = State(flow="survey", node="name", answers={"x": 1})
    snapshot = before.to_dict()
    handle(flows, before, Inputs(text="Ana", now=T0), answering=ANSWERING, context=CONTEXT)
    assert before.to_dict() == snapshot


def test_answers_are_saved_and_routed_by_case(chat: Chat) -> None:
    chat.send("hi")
    assert chat.send("1") == ["What is their name?"]
    assert chat.send("  Ana   Lopez ") == ["A nickname? (SKIP is fine)"]
    assert chat.send("skip") == ["Is Ana Lopez still held? Reply YES or NO."]
    assert chat.send("yeah") == ["That is urgent.\nThanks, Ana Lopez."]  # one SMS segment, not two
    assert "survey_done" in chat.events
    assert chat.state.flow is None


def test_event_carries_the_answers(flows: FlowSet) -> None:
    state = State(flow="survey", node="held", answers={"name": "Ana", "nickname": None}, stack=["name", "nickname"])
    outcome = handle(flows, state, Inputs(text="nope", now=T0), answering=ANSWERING, context=CONTEXT)
    assert outcome.replies == ["Thanks, Ana."]
    (event,) = outcome.events
    assert event.name == "survey_done"
    assert event.data["answers"] == {"name": "Ana", "nickname": None, "held": "no"}


def test_a_required_question_cannot_be_skipped(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    assert chat.send("SKIP") == [chat.flows.messages["cannot_skip"] + "\nWhat is their name?"]


def test_unparsed_answer_gets_the_short_hint_not_the_question_then_a_way_out_on_the_third_miss(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    chat.send("Ana")
    chat.send("skip")
    assert chat.send("maybe") == ["Please reply YES or NO."]  # the hint alone: the question is not sent again
    assert chat.send("hmm") == ["Please reply YES or NO."]
    third = chat.send("what")
    (joined,) = third  # the hint and the way out, in one segment
    hint, way_out = joined.split("\n")
    assert hint == "Please reply YES or NO." and "Reply MENU" in way_out and "(312) 555-0100" in way_out
    assert chat.send("idk") == ["Thanks, Ana."]


def test_a_hint_that_points_at_the_question_is_followed_by_it(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    assert chat.send("can I talk to a lawyer?")[-1].endswith("\nWhat is their name?")


def test_back_returns_to_the_previous_question_and_the_answer_can_change(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    chat.send("Ana")
    assert chat.send("BACK") == ["What is their name?"]
    assert chat.send("Bea") == ["A nickname? (SKIP is fine)"]
    assert chat.state.answers["name"] == "Bea"


def test_back_on_the_first_question_says_so(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    assert chat.send("back") == [chat.flows.messages["no_back"] + "\nWhat is their name?"]


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        " stop ",
        "Stop!",
        "stop.",
        "QUIT",
        "Cancel",
        "unsubscribe",
        "opt out",
        "stop texting me",
        "Please stop",
        "STOP SENDING THESE",
        "stopall",
    ],
)
def test_opt_out_words_and_phrases(chat: Chat, text: str) -> None:
    chat.send("hi")
    assert chat.send(text) == ["You will get no more texts from Holdline. Reply START to get texts again."]
    assert chat.events[-1] == "opted_out"
    assert chat.send("hello?") == []
    assert chat.send("1") == []


def test_start_after_stop_opts_back_in_and_shows_the_menu(chat: Chat) -> None:
    chat.send("hi")
    chat.send("stop")
    assert chat.send("START") == ["You will get texts from Holdline again.\nReply 1 for the survey, 2 for info."]
    assert chat.events[-1] == "opted_in"


def test_long_text_that_mentions_stop_is_not_an_opt_out(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    assert chat.send("Stop and frisk then they took him to the county jail") == ["A nickname? (SKIP is fine)"]
    assert "opted_out" not in chat.events


@pytest.mark.parametrize("text", ["HELP", "help", " Help? ", "info"])
def test_help_anywhere_keeps_the_place(chat: Chat, text: str) -> None:
    chat.send("hi")
    chat.send("1")
    replies = chat.send(text)
    assert replies[0].startswith("Holdline: free help") and "STOP" in replies[0]
    assert chat.send("Ana") == ["A nickname? (SKIP is fine)"]


@pytest.mark.parametrize("text", ["MENU", "menú", "Menu!!", "EXIT", "exit."])
def test_menu_and_exit_leave_the_flow(chat: Chat, text: str) -> None:
    chat.send("hi")
    chat.send("1")
    assert chat.send(text) == ["Reply 1 for the survey, 2 for info."]


def test_exit_keeps_answers_and_coming_back_offers_to_continue(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    chat.send("Ana")
    chat.send("EXIT")
    offer = chat.send("1")
    assert offer == [
        "Welcome back. You started: Test survey. Reply 1 to continue where you left off, or 2 to start over."
    ]
    assert chat.send("1") == ["A nickname? (SKIP is fine)"]
    assert chat.state.answers == {"name": "Ana"}


def test_start_over_forgets_the_parked_answers(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    chat.send("Ana")
    chat.send("menu")
    chat.send("1")
    assert chat.send("start over") == ["What is their name?"]
    assert chat.state.answers == {}


def test_coming_back_after_a_while_mid_flow_offers_to_continue(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    chat.send("Ana")
    offer = chat.send("hello again", after=timedelta(hours=3))
    assert offer[0].startswith("Welcome back. You started: Test survey.")
    assert chat.send("continue") == ["A nickname? (SKIP is fine)"]


def test_an_unclear_answer_to_the_offer_repeats_it(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    chat.send("Ana", after=timedelta(minutes=1))
    chat.send("x", after=timedelta(hours=2))
    assert chat.send("banana")[0].startswith("Welcome back.")


def test_after_the_idle_time_the_conversation_starts_fresh(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    chat.send("Ana")
    replies = chat.send("hello", after=timedelta(days=8))
    assert replies[0].startswith("Welcome to Holdline.")
    assert replies[1] == "Reply 1 for the survey, 2 for info."
    assert chat.state.answers == {} and chat.state.parked is None
    assert "expired" in chat.events


def test_stop_is_honoured_even_while_an_offer_is_pending(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    chat.send("Ana")
    chat.send("hey", after=timedelta(hours=2))
    assert chat.send("stop")[0].startswith("You will get no more texts")


def test_turns_count_every_text(chat: Chat) -> None:
    for text in ["hi", "stop", "x", "start", "1"]:
        chat.send(text)
    assert chat.state.turns == 5


def test_carrier_opt_out_type_is_honoured_whatever_the_text(flows: FlowSet) -> None:
    outcome = handle(
        flows, State(), Inputs(text="arrêt", now=T0, carrier_keyword="stop"), answering=ANSWERING, context=CONTEXT
    )
    assert [e.name for e in outcome.events] == ["opted_out"]


def test_state_survives_a_json_round_trip(chat: Chat) -> None:
    import json

    chat.send("hi")
    chat.send("1")
    chat.send("Ana")
    chat.state = State.from_dict(json.loads(json.dumps(chat.state.to_dict())))
    assert chat.send("skip") == ["Is Ana still held? Reply YES or NO."]


def test_i_dont_know_to_an_optional_question_skips_it(chat: Chat) -> None:
    chat.send("hi")
    chat.send("1")
    chat.send("Ana")
    assert chat.send("idk") == ["Is Ana still held? Reply YES or NO."]
    assert chat.state.answers["nickname"] is None
