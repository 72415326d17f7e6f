"""A summary line's optional [parts]: left out when none of their answers was given, kept otherwise."""

from __future__ import annotations

import pytest

from bot.engine.optional import optional_parts, problem, without_unanswered

LINE = "[Arrested {arrested_on}. ][Booking/case: {booking_number}. ]Due out {release_due_at}, {release_reason}"


def test_a_part_whose_answers_were_skipped_is_left_out() -> None:
    assert (
        without_unanswered(LINE, {"booking_number"})
        == "Arrested {arrested_on}. Due out {release_due_at}, {release_reason}"
    )
    assert without_unanswered(LINE, {"arrested_on", "booking_number"}) == "Due out {release_due_at}, {release_reason}"


def test_a_part_is_kept_while_one_of_its_answers_was_given() -> None:
    line = "{name}[, born {dob} in {country}]"
    assert without_unanswered(line, {"dob"}) == "{name}, born {dob} in {country}"
    assert without_unanswered(line, {"dob", "country"}) == "{name}"
    assert without_unanswered(line, set()) == "{name}, born {dob} in {country}"


def test_words_outside_brackets_are_never_left_out() -> None:
    assert without_unanswered("Held now: {still_held}", {"still_held"}) == "Held now: {still_held}"


@pytest.mark.parametrize(
    ("line", "found"),
    [
        (LINE, None),
        ("{a}[ (also: {b})", "optional parts need one [ and one ] each, not nested"),
        ("{a}[ [also: {b}]]", "optional parts need one [ and one ] each, not nested"),
        ("{a}] and [{b}", "optional parts need one [ and one ] each, not nested"),
        ("{a}[ (see below)]", "an optional part [...] must hold at least one {answer}"),
    ],
)
def test_brackets_that_cannot_be_read_are_named(line: str, found: str | None) -> None:
    assert problem(line) == found


def test_parts_are_read_in_order() -> None:
    assert optional_parts(LINE) == ["Arrested {arrested_on}. ", "Booking/case: {booking_number}. "]
