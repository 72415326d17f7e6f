"""How urgent a report is, as a litigator triages it: readable rules, each giving points and a reason staff can read.

The rules (documented for staff, with the reasons behind them, in docs/urgency.md):
- still held past the release time: 40, plus 1 for every 4 hours past (at most 12 more);
- past the release time and the family does not know whether they are still held: 15;
- held (or maybe held) 48 hours or more past release, anywhere: 20 more;
- held or maybe held past release in a state whose law forbids holding anyone for ICE: 20; when the jail
  did not mention ICE (usually paperwork), only after a grace period of GRACE_HOURS;
- an Illinois-type jail handed the person to ICE (a jail report, ICE took them, in such a state): 50;
- the release is due within 24 hours and the jail mentioned ICE: 20;
- ICE arrested the person (a street arrest) within 24 hours: 45; 24-48 hours: 30; 48-72 hours: 20;
- a jail in a state the family does not know, past release (as the state-law rule) or handed to ICE: 10;
- the jail mentioned ICE, an immigration hold or a detainer: 10; ICE has already taken the person: 15;
- only with an ICE context (ICE mentioned while held, or in ICE custody): a U.S. citizen 50, a permanent
  resident 30;
- the person is under 18: 50 in ICE custody, otherwise 30.
Critical from 60 points, high from 30, otherwise normal. A date-only arrest day counts from the end of
that day in the hotline's time zone; an approximate or date-only release time was anchored at the end
of its day when the report was filed; both are said in the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

# States whose law forbids keeping anyone in custody only because of an immigration detainer.
# Illinois: TRUST Act, 5 ILCS 805/15(a). Others are added only with a confirmed source.
DETAINER_HOLD_FORBIDDEN = {"IL": "Illinois TRUST Act (5 ILCS 805/15)"}

CRITICAL, HIGH = 60, 30
STATE_UNKNOWN_POINTS = 10  # half a state-law rule's: the state may forbid the hold, or not
GRACE_HOURS = 4  # past release with ICE not mentioned: usually paperwork for the first hours
LONG_PAST_HOURS = 48
SOON_HOURS = 24
# Points for a recent ICE arrest by whole days since it (the first 72 hours decide where a habeas is filed).
RECENT_ARREST_POINTS = (45, 30, 20)
RECENT_ARREST_WINDOW = timedelta(days=len(RECENT_ARREST_POINTS))


@dataclass(frozen=True)
class Facts:
    """What the urgency rules look at, taken from a report."""

    report_type: str = "jail_hold"  # jail_hold | street_arrest
    still_held: str = "unknown"  # yes | no | unknown
    release_due_at: datetime | None = None
    release_due_approximate: bool = False
    citizenship: str = "unknown"
    state: str | None = None
    ice_mentioned: str = "unknown"
    ice_took_custody: str = "unknown"
    detained_dob: str | None = None
    arrested_on: str | None = None  # YYYY-MM-DD


@dataclass(frozen=True)
class Reason:
    """One rule that applied: a stable code for filters and exports, points, and words for staff."""

    code: str
    points: int
    detail: str

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "points": self.points, "detail": self.detail}


@dataclass(frozen=True)
class Assessment:
    """The level (critical, high, normal), the score that orders the queue, and the reasons."""

    level: str
    score: int
    reasons: tuple[Reason, ...]


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _age(dob: str, today: date) -> int | None:
    born = _day(dob)
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def end_of_day(day: date, zone: tzinfo) -> datetime:
    """Return the last minute of a day in a time zone: where a date given without a time is counted from."""
    return datetime.combine(day, time(23, 59), tzinfo=zone)


def _release_rules(facts: Facts, now: datetime) -> list[Reason]:
    """Rules about the release time: held past it, long past it, past it in a state that forbids holds, soon."""
    due = facts.release_due_at
    if due is None:
        return []
    mark = " (time approximate: counted from the end of that day)" if facts.release_due_approximate else ""
    ice = facts.ice_mentioned == "yes"
    if due > now:
        hours_to = (due - now).total_seconds() / 3600
        if ice and hours_to <= SOON_HOURS and facts.still_held != "no":
            detail = f"release due in {int(hours_to)} h and the jail mentioned ICE{mark}"
            return [Reason("release_soon_ice", 20, detail)]
        return []
    hours = int((now - due).total_seconds() // 3600)
    reasons: list[Reason] = []
    if facts.still_held == "yes":
        detail = f"still held {hours} h past release{mark}"
        reasons.append(Reason("held_past_release", 40 + min(hours // 4, 12), detail))
    elif facts.still_held == "unknown":
        detail = f"{hours} h past release; family unsure if still held{mark}"
        reasons.append(Reason("maybe_held_past_release", 15, detail))
    else:
        return []
    if hours >= LONG_PAST_HOURS:
        reasons.append(Reason("past_48_hours", 20, f"{hours} h past release: beyond any detainer's 48 hours"))
    law = DETAINER_HOLD_FORBIDDEN.get(facts.state or "")
    if law and (ice or hours >= GRACE_HOURS):
        why = "" if ice else f" (ICE not mentioned, past the {GRACE_HOURS} h grace)"
        reasons.append(Reason("hold_forbidden_by_state_law", 20, f"held past release where {law} forbids it{why}"))
    return reasons


def _ice_arrest_rules(facts: Facts, now: datetime, zone: tzinfo) -> list[Reason]:
    """A recent ICE arrest: the most points on the first day, fewer each day, none after three days."""
    if facts.report_type != "street_arrest":
        return []
    day = _day(facts.arrested_on)
    if day is None:
        return []
    since = max(now - end_of_day(day, zone), timedelta(0))
    if since >= RECENT_ARREST_WINDOW:
        return []
    points = RECENT_ARREST_POINTS[since.days]
    return [Reason("recent_ice_arrest", points, f"ICE arrest on {day.isoformat()} (counted from the end of that day)")]


def _ice_custody_rules(facts: Facts) -> list[Reason]:
    """ICE mentioned or in custody, and a jail in a state that forbids it handing the person over."""
    reasons: list[Reason] = []
    if facts.ice_mentioned == "yes":
        reasons.append(Reason("ice_mentioned", 10, "jail mentioned ICE, a hold or a detainer"))
    if facts.ice_took_custody == "yes":
        reasons.append(Reason("ice_took_custody", 15, "ICE already took the person"))
        law = DETAINER_HOLD_FORBIDDEN.get(facts.state or "")
        if law and facts.report_type == "jail_hold":
            reasons.append(Reason("jail_handed_to_ice", 50, f"the jail handed the person to ICE; {law} forbids it"))
    return reasons


def _unknown_state_rules(facts: Facts, now: datetime) -> list[Reason]:
    """A jail in a state the family does not know may be one that forbids the hold: half its points, and ask."""
    if facts.report_type != "jail_hold" or facts.state:
        return []
    due, ice = facts.release_due_at, facts.ice_mentioned == "yes"
    past = due is not None and due <= now and facts.still_held != "no"
    hours = int((now - due).total_seconds() // 3600) if past and due else 0
    if past and (ice or hours >= GRACE_HOURS) or facts.ice_took_custody == "yes":
        detail = "state not known: it may forbid holding for ICE (Illinois does); ask the family"
        return [Reason("state_unknown", STATE_UNKNOWN_POINTS, detail)]
    return []


def _person_rules(facts: Facts, now: datetime) -> list[Reason]:
    """Who the person is: citizenship counts only with an ICE context; a minor counts more in ICE custody."""
    in_ice_custody = facts.ice_took_custody == "yes"
    ice_context = in_ice_custody or (facts.ice_mentioned == "yes" and facts.still_held != "no")
    reasons: list[Reason] = []
    if ice_context and facts.citizenship == "us_citizen":
        reasons.append(Reason("us_citizen_ice", 50, "a U.S. citizen held for or by ICE"))
    elif ice_context and facts.citizenship == "permanent_resident":
        reasons.append(Reason("permanent_resident_ice", 30, "a permanent resident held for or by ICE"))
    age = _age(facts.detained_dob, now.date()) if facts.detained_dob else None
    if age is not None and 0 <= age < 18:
        where = " in ICE custody" if in_ice_custody else ""
        reasons.append(Reason("minor", 50 if in_ice_custody else 30, f"a minor ({age}){where}"))
    return reasons


def assess(facts: Facts, now: datetime, zone: tzinfo = UTC) -> Assessment:
    """Apply every rule to the facts as they stand at `now`; dates without a time are read in `zone`."""
    reasons = [
        *_release_rules(facts, now),
        *_ice_arrest_rules(facts, now, zone),
        *_ice_custody_rules(facts),
        *_unknown_state_rules(facts, now),
        *_person_rules(facts, now),
    ]
    score = sum(r.points for r in reasons)
    level = "critical" if score >= CRITICAL else "high" if score >= HIGH else "normal"
    return Assessment(level=level, score=score, reasons=tuple(reasons))
