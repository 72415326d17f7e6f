"""Turn a finished report conversation into a Report: fields, reference code, urgency, related reports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from bot.core.text import normalize
from bot.reports.urgency import Assessment, Facts, assess, end_of_day

SAME_FACILITY_WINDOW = timedelta(days=5)
KEY_LENGTH = 200  # the stored keys' column width
# Spellings that sound alike in the names families type (Spanish and English first): folded in the match key,
# in this order, then doubled letters are read as one ("Peres" = "Perez", "Castiyo" = "Castillo").
_SOUND_ALIKE = (("ll", "y"), ("z", "s"), ("v", "b"), ("y", "i"), ("k", "c"), ("ph", "f"))
_DOUBLED = re.compile(r"(.)\1+")
CITIZENSHIP = ("us_citizen", "permanent_resident", "other", "unknown")
RELEASE_REASONS = ("bail_posted", "charges_dropped", "sentence_finished", "judge_ordered", "other")
PAPERS = ("i247a", "ice_warrant", "both", "other", "none", "unknown")


def name_key(name: str) -> str:
    """Normalise a name for search: case, accents and word order do not matter."""
    return " ".join(sorted(normalize(name).split()))[:KEY_LENGTH]


def match_key(name: str) -> str:
    """The canonical key reports about the same person share: name_key, with sound-alike spellings folded.

    The one function that says which names are "the same name": linking compares it for equality only
    (an indexed column, which a blind index can stand in for), never by similarity. Empty for no name.
    """
    words = []
    for word in normalize(name).split():
        for spelling, sound in _SOUND_ALIKE:
            word = word.replace(spelling, sound)
        words.append(_DOUBLED.sub(r"\1", word))
    return " ".join(sorted(words))[:KEY_LENGTH]


def facility_key(facility: str) -> str:
    """The key a report's jail is matched on: case, accents, punctuation and spacing do not matter."""
    return normalize(facility)[:KEY_LENGTH]


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
