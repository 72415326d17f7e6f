"""How urgent a report is: readable rules in one place, each giving points and a reason staff can read.

The rules (documented for staff in docs/urgency.md):
- still held past the release time: 40 points, plus 1 for every 4 hours past (at most 12 more);
- past the release time and the family does not know whether they are still held: 15;
- a U.S. citizen held (not known to be released): 40; a permanent resident: 30;
- held past release in a state whose law forbids holding anyone for ICE (Illinois): 20;
- the jail mentioned ICE, an immigration hold or a detainer: 10;
- ICE has already taken the person: 15 (a lawyer must find them before a transfer);
- the person is under 18: 30.
Critical from 60 points, high from 30, otherwise normal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# States whose law forbids keeping anyone in custody only because of an immigration detainer.
# Illinois: TRUST Act, 5 ILCS 805/15(a). Others are added only with a confirmed source.
DETAINER_HOLD_FORBIDDEN = {"IL": "Illinois TRUST Act (5 ILCS 805/15)"}

CRITICAL, HIGH = 60, 30


@dataclass(frozen=True)
class Facts:
    """What the urgency rules look at, taken from a report."""

    still_held: str = "unknown"  # yes | no | unknown
    release_due_at: datetime | None = None
    citizenship: str = "unknown"
    state: str | None = None
    ice_mentioned: str = "unknown"
    ice_took_custody: str = "unknown"
    detained_dob: str | None = None


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


def _age(dob: str, today: date) -> int | None:
    try:
        born = date.fromisoformat(dob)
    except ValueError:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def assess(facts: Facts, now: datetime) -> Assessment:
    """Apply every rule to the facts as they stand at `now`."""
    reasons: list[Reason] = []
    past_due = facts.release_due_at is not None and facts.release_due_at < now
    held_past = past_due and facts.still_held == "yes"
    if held_past:
        assert facts.release_due_at is not None
        hours = int((now - facts.release_due_at).total_seconds() // 3600)
        reasons.append(Reason("held_past_release", 40 + min(hours // 4, 12), f"still held {hours} h past release time"))
    elif past_due and facts.still_held == "unknown":
        reasons.append(Reason("maybe_held_past_release", 15, "past release time; family unsure if still held"))
    if facts.still_held != "no":
        if facts.citizenship == "us_citizen":
            reasons.append(Reason("us_citizen_held", 40, "U.S. citizen held"))
        elif facts.citizenship == "permanent_resident":
            reasons.append(Reason("permanent_resident_held", 30, "permanent resident held"))
    if held_past and facts.state in DETAINER_HOLD_FORBIDDEN:
        law = DETAINER_HOLD_FORBIDDEN[facts.state]
        reasons.append(Reason("hold_forbidden_by_state_law", 20, f"held past release where {law} forbids it"))
    if facts.ice_mentioned == "yes":
        reasons.append(Reason("ice_mentioned", 10, "jail mentioned ICE, a hold or a detainer"))
    if facts.ice_took_custody == "yes":
        reasons.append(Reason("ice_took_custody", 15, "ICE already took the person"))
    age = _age(facts.detained_dob, now.date()) if facts.detained_dob else None
    if age is not None and 0 <= age < 18:
        reasons.append(Reason("minor", 30, f"a minor ({age})"))
    score = sum(r.points for r in reasons)
    level = "critical" if score >= CRITICAL else "high" if score >= HIGH else "normal"
    return Assessment(level=level, score=score, reasons=tuple(reasons))
