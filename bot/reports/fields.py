"""Turn a finished report conversation into a Report: fields, reference code, urgency, related reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from rapidfuzz import fuzz

from bot.core.text import normalize
from bot.reports.urgency import Assessment, Facts, assess, end_of_day

SAME_FACILITY_WINDOW = timedelta(days=5)
NAME_MATCH = 90  # rapidfuzz token_sort_ratio: "Perez Juan" == "Juan Perez", "Juan Peres" close enough
FACILITY_MATCH = 85
CITIZENSHIP = ("us_citizen", "permanent_resident", "other", "unknown")
RELEASE_REASONS = ("bail_posted", "charges_dropped", "sentence_finished", "judge_ordered", "other")
PAPERS = ("i247a", "ice_warrant", "both", "other", "none", "unknown")


def name_key(name: str) -> str:
    """Normalise a name for matching: case, accents and word order do not matter."""
    return " ".join(sorted(normalize(name).split()))


@dataclass(frozen=True)
class ReportFields:
    """The report's fields as read from the flow's answers (names match the export schema)."""

    values: dict[str, Any]

    @property
    def facts(self) -> Facts:
        return Facts(**{k: self.values.get(k) for k in Facts.__dataclass_fields__ if self.values.get(k) is not None})


def fields_from_answers(answers: dict[str, Any]) -> ReportFields:
    """Map the report flow's saved answers to report fields, with safe defaults for skipped ones."""
    release = answers.get("release_due_at")
    due, approximate = None, False
    if isinstance(release, dict) and release.get("at"):
        due = datetime.fromisoformat(release["at"])
        approximate = bool(release.get("approximate") or release.get("date_only"))
        if release.get("date_only"):  # "today" means by the end of today, not since midnight
            due = end_of_day(due.date(), due.tzinfo or UTC)
    media = answers.get("media") or []
    values: dict[str, Any] = {
        "report_type": answers.get("report_type") or "jail_hold",
        "detained_name": answers.get("detained_name") or "",
        "detained_dob": answers.get("detained_dob"),
        "citizenship": answers.get("citizenship") if answers.get("citizenship") in CITIZENSHIP else "unknown",
        "facility": answers.get("facility") or "",
        "city_or_county": answers.get("city_or_county") or "",
        "state": _known(answers.get("state")),
        "arrested_on": _known(answers.get("arrested_on")),
        "release_due_at": due,
        "release_due_approximate": approximate,
        "release_reason": answers.get("release_reason"),
        "still_held": answers.get("still_held") or "unknown",
        "ice_mentioned": answers.get("ice_mentioned") or "unknown",
        "ice_took_custody": answers.get("ice_took_custody") or "unknown",
        "a_number": answers.get("a_number"),
        "other_names": answers.get("other_names") or "",
        "birth_country": answers.get("birth_country") or "",
        "booking_number": answers.get("booking_number") or "",
        "defense_lawyer": answers.get("defense_lawyer") or "",
        "papers_received": answers.get("papers_received") if answers.get("papers_received") in PAPERS else None,
        "warrant_shown": answers.get("warrant_shown") if answers.get("report_type") == "street_arrest" else None,
        "arrest_details": answers.get("arrest_details") or "",
        "reporter_name": answers.get("reporter_name") or "",
        "reporter_relationship": answers.get("reporter_relationship") or "",
        "callback_number": answers.get("callback_number"),
        "consent_to_contact": answers.get("consent_to_contact") == "yes",
        "media": list(media) if isinstance(media, list) else [],
    }
    return ReportFields(values)


def _known(value: Any) -> Any:
    """Return an answer, or None when the texter said they do not know."""
    return None if value == "unknown" else value


def urgency_of(fields: ReportFields, now: datetime, zone: tzinfo = UTC) -> Assessment:
    """Assess a report's urgency at `now`, reading dates without a time in the hotline's `zone`."""
    return assess(fields.facts, now, zone)


@dataclass(frozen=True)
class Candidate:
    """An earlier report that might be about the same person."""

    id: int
    name_key: str
    detained_dob: str | None
    facility: str
    submitted_at: datetime


def same_person(new: Candidate, other: Candidate) -> bool:
    """Same name and date of birth, or same name and facility within a few days."""
    if not new.name_key or not other.name_key:
        return False
    if fuzz.token_sort_ratio(new.name_key, other.name_key) < NAME_MATCH:
        return False
    if new.detained_dob and other.detained_dob:
        return new.detained_dob == other.detained_dob
    close_in_time = abs(new.submitted_at - other.submitted_at) <= SAME_FACILITY_WINDOW
    same_place = fuzz.token_sort_ratio(normalize(new.facility), normalize(other.facility)) >= FACILITY_MATCH
    return close_in_time and bool(new.facility) and same_place
