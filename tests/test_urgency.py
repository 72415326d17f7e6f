"""Urgency rules as a litigator triages: a table of scenarios with the level each must get, and the rules' edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reports.fields import fields_from_answers, urgency_of
from bot.reports.urgency import Facts, assess

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 9:00 in Chicago
TODAY = "2026-11-27"


def hours(n: float) -> datetime:
    """A moment n hours from NOW (negative: in the past)."""
    return NOW + timedelta(hours=n)


def day(n: int) -> str:
    """The date n days before today in Chicago."""
    return (datetime(2026, 11, 27) - timedelta(days=n)).date().isoformat()


# (scenario, facts, expected level). Each line is a case a family may text about; the level is what an
# Illinois practitioner expects on-call staff to see.
SCENARIOS = [
    ("nothing known", Facts(), "normal"),
    ("released, ICE not mentioned", Facts(still_held="no", release_due_at=hours(-5), ice_mentioned="no"), "normal"),
    (
        "Illinois jail handed the person to ICE, ICE not mentioned before",
        Facts(state="IL", still_held="no", ice_took_custody="yes", ice_mentioned="no"),
        "critical",
    ),
    (
        "Illinois jail handed the person to ICE after mentioning a detainer",
        Facts(state="IL", ice_took_custody="yes", ice_mentioned="yes", release_due_at=hours(-2), still_held="no"),
        "critical",
    ),
    ("Indiana jail handed the person to ICE", Facts(state="IN", ice_took_custody="yes", still_held="no"), "normal"),
    (
        "Indiana jail handed a U.S. citizen to ICE",
        Facts(state="IN", ice_took_custody="yes", citizenship="us_citizen"),
        "critical",
    ),
    ("street arrest today", Facts(report_type="street_arrest", ice_took_custody="yes", arrested_on=TODAY), "critical"),
    (
        "street arrest yesterday (counted from the end of yesterday)",
        Facts(report_type="street_arrest", ice_took_custody="yes", arrested_on=day(1)),
        "critical",
    ),
    (
        "street arrest two days ago",
        Facts(report_type="street_arrest", ice_took_custody="yes", arrested_on=day(2)),
        "high",
    ),
    (
        "street arrest three days ago",
        Facts(report_type="street_arrest", ice_took_custody="yes", arrested_on=day(3)),
        "high",
    ),
    (
        "street arrest a week ago",
        Facts(report_type="street_arrest", ice_took_custody="yes", arrested_on=day(7)),
        "normal",
    ),
    (
        "street arrest, day unknown",
        Facts(report_type="street_arrest", ice_took_custody="yes", arrested_on=None),
        "normal",
    ),
    (
        "street arrest of a minor a week ago",
        Facts(report_type="street_arrest", ice_took_custody="yes", arrested_on=day(7), detained_dob="2011-05-01"),
        "critical",
    ),
    ("release due in 3 hours with an ICE hold", Facts(release_due_at=hours(3), ice_mentioned="yes"), "high"),
    ("release due in 30 hours with an ICE hold", Facts(release_due_at=hours(30), ice_mentioned="yes"), "normal"),
    ("release due in 3 hours, no ICE", Facts(release_due_at=hours(3), ice_mentioned="no"), "normal"),
    (
        "Illinois, 1 hour past release, ICE not mentioned (usually paperwork)",
        Facts(state="IL", still_held="yes", release_due_at=hours(-1), ice_mentioned="no"),
        "high",
    ),
    (
        "Illinois, 5 hours past release, ICE not mentioned (grace over)",
        Facts(state="IL", still_held="yes", release_due_at=hours(-5), ice_mentioned="no"),
        "critical",
    ),
    (
        "Illinois, 1 hour past release, ICE mentioned",
        Facts(state="IL", still_held="yes", release_due_at=hours(-1), ice_mentioned="yes"),
        "critical",
    ),
    (
        "Illinois, past release, unknown if still held, ICE mentioned",
        Facts(state="IL", still_held="unknown", release_due_at=hours(-2), ice_mentioned="yes"),
        "high",
    ),
    (
        "Illinois, 50 hours past release, unknown if still held",
        Facts(state="IL", still_held="unknown", release_due_at=hours(-50)),
        "high",
    ),
    (
        "Indiana, held 8 hours past release with a detainer",
        Facts(state="IN", still_held="yes", release_due_at=hours(-8), ice_mentioned="yes"),
        "high",
    ),
    (
        "Indiana, held 50 hours past release with a detainer",
        Facts(state="IN", still_held="yes", release_due_at=hours(-50), ice_mentioned="yes"),
        "critical",
    ),
    (
        "Texas, unknown if held, 49 hours past release",
        Facts(state="TX", still_held="unknown", release_due_at=hours(-49)),
        "high",
    ),
    (
        "U.S. citizen held on a detainer",
        Facts(citizenship="us_citizen", still_held="yes", ice_mentioned="yes"),
        "critical",
    ),
    ("U.S. citizen in jail, no ICE context", Facts(citizenship="us_citizen", still_held="yes"), "normal"),
    (
        "permanent resident in ICE custody",
        Facts(citizenship="permanent_resident", ice_took_custody="yes"),
        "high",
    ),
    ("permanent resident, no ICE context", Facts(citizenship="permanent_resident", still_held="yes"), "normal"),
    ("minor in ICE custody", Facts(detained_dob="2010-01-01", ice_took_custody="yes"), "critical"),
    ("minor in jail, no ICE", Facts(detained_dob="2010-01-01", still_held="yes"), "high"),
]


@pytest.mark.parametrize(("facts", "level"), [(f, lv) for _, f, lv in SCENARIOS], ids=[s for s, _, _ in SCENARIOS])
def test_scenario_levels(facts: Facts, level: str) -> None:
    assert assess(facts, NOW, CHICAGO).level == level


def test_the_table_covers_at_least_twenty_scenarios_of_each_kind() -> None:
    assert len(SCENARIOS) >= 20
    assert {level for _, _, level in SCENARIOS} == {"critical", "high", "normal"}


def codes(facts: Facts) -> list[str]:
    return [reason.code for reason in assess(facts, NOW, CHICAGO).reasons]


def test_held_past_release_grows_with_the_hours_and_jumps_at_48() -> None:
    two_hours = assess(Facts(state="TX", still_held="yes", release_due_at=hours(-2)), NOW)
    a_day = assess(Facts(state="TX", still_held="yes", release_due_at=hours(-24)), NOW)
    two_days = assess(Facts(state="TX", still_held="yes", release_due_at=hours(-48)), NOW)
    assert (two_hours.score, a_day.score, two_days.score) == (40, 46, 52 + 20)
    assert two_hours.reasons[0].detail == "still held 2 h past release"
    assert [r.code for r in two_days.reasons] == ["held_past_release", "past_48_hours"]


def test_illinois_grace_ends_after_four_hours_when_ice_is_not_mentioned() -> None:
    def illinois(past: float) -> list[str]:
        return codes(Facts(state="IL", still_held="yes", release_due_at=hours(-past), ice_mentioned="unknown"))

    assert "hold_forbidden_by_state_law" not in illinois(3.9)
    assert "hold_forbidden_by_state_law" in illinois(4)


def test_a_recent_ice_arrest_decays_day_by_day() -> None:
    facts = Facts(report_type="street_arrest", ice_took_custody="yes", arrested_on="2026-11-26")
    end_of_arrest_day = datetime(2026, 11, 26, 23, 59, tzinfo=CHICAGO)
    scores = [assess(facts, end_of_arrest_day + timedelta(hours=h), CHICAGO).score for h in (1, 25, 49, 73)]
    assert scores == [15 + 45, 15 + 30, 15 + 20, 15]


def test_an_arrest_day_is_read_in_the_hotlines_time_zone() -> None:
    facts = Facts(report_type="street_arrest", ice_took_custody="yes", arrested_on="2026-11-24")
    # 2026-11-28 04:00 UTC is still 22:00 on the 27th in Chicago: 70 h after the end of the 24th there.
    late = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    assert "recent_ice_arrest" in [r.code for r in assess(facts, late, CHICAGO).reasons]
    assert "recent_ice_arrest" not in [r.code for r in assess(facts, late, UTC).reasons]


def test_a_date_only_release_counts_from_the_end_of_that_day_and_says_so() -> None:
    answers = {
        "state": "IL",
        "still_held": "yes",
        "ice_mentioned": "no",
        "release_due_at": {"at": "2026-11-27T00:00:00-06:00", "date_only": True, "approximate": False},
    }
    fields = fields_from_answers(answers)
    assert fields.values["release_due_at"] == datetime(2026, 11, 27, 23, 59, tzinfo=CHICAGO)
    assert fields.values["release_due_approximate"] is True
    # 9:00 on the day itself: not yet past a release due "today".
    assert urgency_of(fields, NOW, CHICAGO).level == "normal"
    next_morning = urgency_of(fields, datetime(2026, 11, 28, 15, 0, tzinfo=UTC), CHICAGO)
    assert next_morning.level == "critical"
    assert "time approximate" in next_morning.reasons[0].detail


def test_i_dont_know_for_an_arrest_day_is_stored_as_unknown() -> None:
    fields = fields_from_answers({"report_type": "street_arrest", "arrested_on": "unknown"})
    assert fields.values["arrested_on"] is None


def test_citizenship_counts_only_with_an_ice_context() -> None:
    assert codes(Facts(citizenship="us_citizen", still_held="yes")) == []
    assert codes(Facts(citizenship="us_citizen", still_held="no", ice_mentioned="yes")) == ["ice_mentioned"]
    assert "us_citizen_ice" in codes(Facts(citizenship="us_citizen", still_held="no", ice_took_custody="yes"))


@pytest.mark.parametrize(("dob", "minor"), [("2010-01-01", True), ("2008-11-27", False), ("2008-11-28", True)])
def test_minors(dob: str, minor: bool) -> None:
    assert ("minor" in codes(Facts(detained_dob=dob))) is minor


def test_an_unknown_state_is_not_scored_as_a_state_that_allows_the_hold() -> None:
    """'I don't know' to the state: half the state-law points and a reason telling staff to ask, never the full rule."""
    unknown = codes(Facts(state=None, still_held="yes", release_due_at=hours(-2), ice_mentioned="yes"))
    assert "state_unknown" in unknown and "hold_forbidden_by_state_law" not in unknown
    for state in ("IL", "TX"):
        assert "state_unknown" not in codes(
            Facts(state=state, still_held="yes", release_due_at=hours(-2), ice_mentioned="yes")
        )
    assert "state_unknown" not in codes(Facts(state=None, still_held="yes", release_due_at=hours(-1)))  # the grace
    assert "state_unknown" in codes(Facts(state=None, still_held="yes", release_due_at=hours(-5)))
    assert "state_unknown" in codes(Facts(state=None, still_held="no", ice_took_custody="yes"))
    assert "state_unknown" not in codes(Facts(state=None, still_held="no", release_due_at=hours(-5)))
    assert "state_unknown" not in codes(Facts(state=None, report_type="street_arrest", ice_took_custody="yes"))
