"""Every message costs at most its budget in English (3 segments, legal texts as declared), even with long answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.answers import ANSWERING
from bot.config import CONTACT_DEFAULTS
from bot.core.segments import budget_for, count_segments
from bot.engine.io import Inputs
from bot.engine.loader import load_flows
from bot.engine.runner import handle
from bot.engine.state import State
from bot.engine.texts import budgets, iter_texts, placeholders
from tests.engine.conftest import REPO_FLOWS

BUDGET = 3
FLOWS = load_flows(REPO_FLOWS)
DECLARED = budgets(FLOWS)
CONTEXT = {key.lower(): value for key, value in CONTACT_DEFAULTS.items()}
SENT = [
    (context, form)
    for context, text, _ in iter_texts(FLOWS)
    if not context.startswith(("keyword.", "answer.")) and ".choice." not in context and not context.endswith(".title")
    for form in (text if isinstance(text, tuple) else (text,))
]


@pytest.mark.parametrize(("context", "text"), SENT, ids=[c for c, _ in SENT])
def test_each_text_fits_with_long_placeholder_values(context: str, text: str) -> None:
    filled = text.format_map({name: CONTEXT.get(name, "X" * 40) for name in placeholders(text)})
    assert count_segments(filled) <= budget_for(DECLARED.get(context)), f"{context}: {count_segments(filled)} segments"


def test_a_whole_report_with_the_longest_answers_stays_within_budget() -> None:
    long_name = "Maria de los Angeles Guadalupe Hernandez-Rodriguez " * 4
    texts = [
        "hi", "2", long_name, long_name, "3/4/1990", "Saint Vincent and the Grenadines", "2",
        "Metropolitan Correctional Center " * 6, "Unincorporated " * 7, "District of Columbia", "11/20/2026",
        "CR-2026-000123456-BOOKING-0099887766", "yesterday 3pm", "5", "idk", "idk", "idk",
        "Assistant Public Defender Maria Guadalupe Hernandez, Office of the Cook County Public Defender " * 2,
        "A123456789", "3", "skip", long_name, "second cousin on my mother's side " * 3, "+52 55 1234 5678", "yes",
    ]  # fmt: skip
    state, now = State(), datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    sent = []
    for text in texts:
        now += timedelta(seconds=20)
        outcome = handle(FLOWS, state, Inputs(text=text, now=now, last_seen=now), answering=ANSWERING, context=CONTEXT)
        state = outcome.state
        sent.extend(outcome.replies)
    assert any(reply.startswith("Check your report:") for reply in sent), "the summary was reached"
    for reply in sent:
        assert count_segments(reply) <= BUDGET, f"{count_segments(reply)} segments: {reply!r}"
