"""Urgency rules: each rule moves the score, the level and the reasons staff see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.reports.urgency import Facts, assess

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def codes(facts: Facts) -> list[str]:
    return [reason.code for reason in assess(facts, NOW).reasons]


def test_nothing_known_is_normal() -> None:
    result = assess(Facts(), NOW)
    assert (result.level, result.score, result.reasons) == ("normal", 0, ())


def test_still_held_past_release_is_high_and_grows_with_the_hours() -> None:
    two_hours = assess(Facts(still_held="yes", release_due_at=NOW - timedelta(hours=2)), NOW)
    two_days = assess(Facts(still_held="yes", release_due_at=NOW - timedelta(hours=48)), NOW)
    assert two_hours.level == "high" and two_hours.score == 40
    assert two_days.score == 52 and two_days.score > two_hours.score
    assert two_hours.reasons[0].detail == "still held 2 h past release time"


def test_released_people_are_not_held_past_release() -> None:
    assert codes(Facts(still_held="no", release_due_at=NOW - timedelta(hours=5))) == []


def test_a_release_time_still_to_come_is_not_past() -> None:
    assert codes(Facts(still_held="yes", release_due_at=NOW + timedelta(hours=5))) == []


def test_unsure_if_still_held_after_release_time() -> None:
    assert codes(Facts(still_held="unknown", release_due_at=NOW - timedelta(hours=1))) == ["maybe_held_past_release"]


@pytest.mark.parametrize(
    ("citizenship", "expected"),
    [("us_citizen", ["us_citizen_held"]), ("permanent_resident", ["permanent_resident_held"]), ("other", [])],
)
def test_citizens_and_residents_held(citizenship: str, expected: list[str]) -> None:
    assert codes(Facts(citizenship=citizenship, still_held="yes")) == expected


def test_illinois_hold_past_release_is_critical() -> None:
    result = assess(Facts(still_held="yes", release_due_at=NOW - timedelta(hours=3), state="IL"), NOW)
    assert [r.code for r in result.reasons] == ["held_past_release", "hold_forbidden_by_state_law"]
    assert result.score == 60 and result.level == "critical"
    elsewhere = assess(Facts(still_held="yes", release_due_at=NOW - timedelta(hours=3), state="IN"), NOW)
    assert elsewhere.level == "high"


def test_ice_mentioned_and_taken() -> None:
    assert codes(Facts(ice_mentioned="yes", ice_took_custody="yes")) == ["ice_mentioned", "ice_took_custody"]


@pytest.mark.parametrize(("dob", "minor"), [("2010-01-01", True), ("2008-11-27", False), ("2008-11-28", True)])
def test_minors(dob: str, minor: bool) -> None:
    assert ("minor" in codes(Facts(detained_dob=dob))) is minor


def test_a_citizen_held_past_release_in_illinois_with_ice_is_critical() -> None:
    result = assess(
        Facts(
            still_held="yes",
            release_due_at=NOW - timedelta(hours=8),
            citizenship="us_citizen",
            state="IL",
            ice_mentioned="yes",
        ),
        NOW,
    )
    assert result.level == "critical" and result.score == 42 + 40 + 20 + 10
