"""Every message costs at most its budget in English (3 segments, legal texts as declared), even with long answers."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.answers import ANSWERING
from bot.config import CONTACT_DEFAULTS
from bot.core.segments import budget_for, count_segments, folded_if_cheaper, is_gsm7
from bot.engine.io import Inputs
from bot.engine.loader import load_flows
from bot.engine.runner import handle
from bot.engine.state import State
from bot.engine.texts import budgets, iter_texts, placeholders
from bot.i18n.gsm7 import FoldError, chosen_locales, folds, load_tables
from tests.engine.conftest import REPO_FLOWS

BUDGET = 3
_spec = importlib.util.spec_from_file_location("segments_bench", REPO_FLOWS.parent / "bench" / "segments.py")
assert _spec and _spec.loader
segments_bench = importlib.util.module_from_spec(_spec)
sys.modules["segments_bench"] = segments_bench  # dataclasses look their module up
_spec.loader.exec_module(segments_bench)
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


# --- issue 15: what a report costs in every language, re-asks, GSM-7 folding -------------------------

LOCALES_DIR = REPO_FLOWS.parent / "locales"


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, segments_bench.Tally]]:
    """bench/segments.py's conversations, with SMS_GSM7_LOCALES at its default."""
    return segments_bench.measure()


def test_no_text_of_any_conversation_goes_over_its_budget(measured: dict[str, dict[str, segments_bench.Tally]]) -> None:
    over = [f"{locale} {name}: {o}" for locale, row in measured.items() for name, t in row.items() for o in t.over]
    assert not over, over


def test_a_reask_costs_only_its_hint(measured: dict[str, dict[str, segments_bench.Tally]]) -> None:
    for locale, row in measured.items():
        clean, messy = row["clean"], row["messy"]
        assert messy.reasks == 9, locale
        # nine wrong answers: nine short hints and one way out, never the whole question again
        assert messy.total - clean.total <= 9 + 2, f"{locale}: re-asks cost {messy.total - clean.total} segments"


def test_a_clean_report_costs_no_more_than_measured(measured: dict[str, dict[str, segments_bench.Tally]]) -> None:
    """The figures after issue 15 (before: en 35, es 64, pl 66, zh 35, ar 58, fr 49, ht 40, pt 64); never worse."""
    ceiling = {"en": 30, "es": 33, "pl": 33, "zh_Hans": 32, "ar": 53, "fr": 34, "ht": 31, "pt_BR": 33}
    for locale, row in measured.items():
        assert row["clean"].total <= ceiling[locale], f"{locale}: {row['clean'].total} segments"


def test_folding_writes_the_bots_words_in_gsm7_but_never_a_name_the_family_typed(
    measured: dict[str, dict[str, segments_bench.Tally]],
) -> None:
    texts = measured["pl"]["clean"].texts
    name = segments_bench.TYPED["pl"]["name"]  # Łukasz Wójcik: Ł and ó are not GSM-7
    summary = [text for text in texts if name in text]
    assert summary, "the summary reads the name back whole, as typed"
    fold = segments_bench.Bench().speech.folds["pl"]
    typed = [segments_bench.TYPED["pl"][key] for key in ("name", "reporter")]
    for text in texts:  # a text left with its accents is one that folding would not have made cheaper
        if not is_gsm7(text) and not any(value in text for value in typed):
            assert count_segments(fold(text)) == count_segments(text), text
    plain = segments_bench.measure(("none",))["pl"]["clean"]
    assert plain.total > measured["pl"]["clean"].total, "folding Polish saves segments"
    assert any(not is_gsm7(text) for text in plain.texts if name not in text), "without folding, UCS-2 texts"


def test_fold_tables_fold_only_letters_gsm7_lacks_and_the_setting_is_checked() -> None:
    tables = load_tables(LOCALES_DIR)
    for locale, table in tables.items():
        for letter, into in table["fold"].items():
            assert not is_gsm7(letter) and is_gsm7(into), f"{locale}: {letter} -> {into}"
    assert chosen_locales(["none"], tables) == []
    assert chosen_locales(["fr"], tables) == ["fr"]
    with pytest.raises(FoldError, match="zh_Hans"):
        chosen_locales(["zh_Hans"], tables)  # no table: Chinese cannot be written in GSM-7


def test_translate_check_counts_a_text_as_it_is_sent_folded() -> None:
    fold = folds(LOCALES_DIR, ["fr"])["fr"]
    text = "Ê" + "ê" * 249  # 250 characters: 4 UCS-2 segments as written, 2 in GSM-7 once folded
    assert count_segments(text) == 4
    assert folded_if_cheaper(text, fold) == "E" + "e" * 249
    assert folded_if_cheaper("ça", fold) == "ça"  # one segment either way: the accent stays
    assert folded_if_cheaper("ça", fold, part=True) == "ca"  # a summary line is folded whenever it can be
