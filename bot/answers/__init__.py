"""Parsers that read a texter's answer to a question; each is named in the flows by `parser:`."""

from __future__ import annotations

from bot.answers.a_number import parse_a_number
from bot.answers.base import ParseContext, Parsed, Parser
from bot.answers.callback import parse_callback
from bot.answers.choice import parse_choice, parse_yes_no
from bot.answers.dates import parse_date
from bot.answers.display import DISPLAYS
from bot.answers.first_text import FACTS as FIRST_TEXT_FACTS
from bot.answers.first_text import read_first_text
from bot.answers.freetext import parse_text
from bot.answers.media import parse_media
from bot.answers.moments import parse_datetime
from bot.answers.phone import parse_phone
from bot.answers.release import parse_release_time
from bot.answers.review import parse_review
from bot.answers.us_state import parse_us_state
from bot.engine.parsing import Answering, ParserRules

PARSERS: dict[str, Parser] = {
    "choice": parse_choice,
    "yes_no": parse_yes_no,
    "text": parse_text,
    "date": parse_date,
    "datetime": parse_datetime,
    "phone": parse_phone,
    "a_number": parse_a_number,
    "us_state": parse_us_state,
    "release_time": parse_release_time,
    "callback": parse_callback,
    "media": parse_media,
    "review": parse_review,
}

# What each parser accepts under `options:` in a flow, and the system messages it may send.
RULES: dict[str, ParserRules] = {
    "choice": ParserRules(options=frozenset({"contains", "dont_know", "precedence", "together"})),
    "yes_no": ParserRules(options=frozenset({"dont_know", "gone"})),
    "text": ParserRules(
        options=frozenset({"max_length", "dont_know", "name", "story"}), messages=("person_asked", "question_seen")
    ),
    "date": ParserRules(options=frozenset({"dont_know", "past_only", "prefer"}), messages=("date_future_hint",)),
    "datetime": ParserRules(options=frozenset({"dont_know", "prefer"})),
    "phone": ParserRules(options=frozenset({"dont_know", "region"})),
    "a_number": ParserRules(options=frozenset({"dont_know"})),
    "us_state": ParserRules(options=frozenset({"dont_know"}), messages=("confirm_state",)),
    "release_time": ParserRules(options=frozenset({"dont_know", "prefer", "zone_from"})),
    "callback": ParserRules(options=frozenset({"dont_know", "region"})),
    "media": ParserRules(messages=("photo_hint",)),
    "review": ParserRules(),
}

# What the engine is handed: every parser above and how their answers read back.
ANSWERING = Answering(parsers=PARSERS, displays=DISPLAYS, first_text=read_first_text)

__all__ = ["ANSWERING", "FIRST_TEXT_FACTS", "DISPLAYS", "PARSERS", "RULES", "ParseContext", "Parsed", "Parser"]
