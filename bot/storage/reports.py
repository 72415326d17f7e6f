"""Reports as texters file them: reference codes, storing a report and linking it, STATUS and DELETE.

The detained person's and reporter's details are personal: they are written here and read through
bot/storage/ only.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlmodel import Session

from bot.core.refs import REF_LENGTH, new_ref
from bot.core.statuses import Status
from bot.engine.io import ReportInfo
from bot.reports.fields import SAME_FACILITY_WINDOW, facility_key, fields_from_answers, urgency_of
from bot.storage import outbox_rows
from bot.storage.casework import add_report_event
from bot.storage.crypto import blind_index, match_index, name_tokens
from bot.storage.models import Contact, Conversation, Message, Report, ReportLink, ReportNameWord, utcnow


def unused_ref(session: Session) -> str:
    """Return a reference code no report has yet (longer codes once short ones get crowded)."""
    for attempt in range(20):
        ref = new_ref(REF_LENGTH + attempt // 10)
        if session.execute(select(Report.id).where(Report.ref_index == blind_index(ref))).first() is None:
            return ref
    raise RuntimeError("could not find an unused reference code")


def report_infos(session: Session, contact: Contact) -> tuple[ReportInfo, ...]:
    """Return ref and status of the reports this contact filed, oldest first (for STATUS and DELETE)."""
    rows = session.execute(
        select(Report.ref, Report.status)
        .where(Report.contact_id == contact.id)
        .order_by(Report.submitted_at, Report.id)
    ).all()
    return tuple(ReportInfo(ref=ref, status=status, acted=Status(status).acted_on) for ref, status in rows)


# What a second report from the same number may reuse from the last one, offered for a YES.
REUSED_DETAILS = {
    "last_reporter_name": "reporter_name",
    "last_callback": "callback_number",
    "last_facility": "facility",
}


def last_details(session: Session, contact: Contact) -> dict[str, str]:
    """The reporter's name, callback number and jail of this contact's last report, to offer again."""
    last = (
        session.execute(
            select(Report).where(Report.contact_id == contact.id).order_by(Report.submitted_at.desc(), Report.id.desc())
        )
        .scalars()
        .first()
    )
    if last is None:
        return {}
    values = {name: getattr(last, column) for name, column in REUSED_DETAILS.items()}
    return {name: str(value) for name, value in values.items() if value}


def create_report(
    session: Session,
    contact: Contact,
    answers: dict[str, Any],
    *,
    ref: str,
    locale: str,
    now: datetime,
    zone: tzinfo = UTC,
) -> Report:
    """Store a submitted report with its urgency, and link it to earlier reports about the same person."""
    fields = fields_from_answers(answers)
    assessment = urgency_of(fields, now, zone)
    report = Report(
        ref=ref,
        contact_id=contact.id,
        locale=locale,
        channel=contact.channel,
        submitted_at=now,
        urgency=assessment.level,
        urgency_score=assessment.score,
        is_test=contact.is_test,
        urgency_reasons=[r.to_dict() for r in assessment.reasons],
        name_key=name_tokens(fields.values["detained_name"]),
        match_key=match_index(fields.values["detained_name"]),
        facility_key=facility_key(fields.values["facility"]),
        **fields.values,
    )
    session.add(report)
    session.flush()
    index_name_words(session, report)
    _link_same_person(session, report)
    return report


def index_name_words(session: Session, report: Report) -> None:
    """Keep the report's name-word tokens (staff's search) in step with its name; none for no name."""
    assert report.id is not None
    session.execute(delete(ReportNameWord).where(ReportNameWord.report_id == report.id))
    tokens = sorted(set(report.name_key.split()))
    if tokens:
        session.execute(insert(ReportNameWord), [{"token": t, "report_id": report.id} for t in tokens])


def amend_report(
    session: Session, contact: Contact, ref: str | None, answers: dict[str, Any], *, now: datetime, zone: tzinfo = UTC
) -> Report | None:
    """Apply a texter's later answers to the report they filed as `ref` (a fast-lane report, or FIX).

    Each changed field goes to the audit trail as a correction by the family, with its old and new
    value, so staff see what changed and when. None when there is no such report of theirs (erased).
    """
    report = None
    if ref:
        report = session.execute(
            select(Report).where(Report.ref_index == blind_index(ref), Report.contact_id == contact.id)
        ).scalar_one_or_none()
    if report is None:
        return None
    fields = fields_from_answers(answers)
    changed = {
        name: (getattr(report, name), value) for name, value in fields.values.items() if getattr(report, name) != value
    }
    if not changed:
        return report
    for name, (_old, new) in changed.items():
        setattr(report, name, new)
    if "detained_name" in changed:
        report.name_key, report.match_key = name_tokens(report.detained_name), match_index(report.detained_name)
    if "facility" in changed:
        report.facility_key = facility_key(report.facility)
    assessment = urgency_of(fields, report.submitted_at, zone)
    before = report.urgency
    report.urgency, report.urgency_score = assessment.level, assessment.score
    report.urgency_reasons = [r.to_dict() for r in assessment.reasons]
    detail: dict[str, Any] = {"fields": sorted(changed), "by": "texter"}
    if before != report.urgency:
        detail["urgency"] = {"from": before, "to": report.urgency}
    lines = [f"{name}: {_shown(old)} → {_shown(new)}" for name, (old, new) in sorted(changed.items())]
    session.add(report)
    session.flush()
    add_report_event(session, report, None, "corrected", now, detail=detail, body="\n".join(lines))
    if "detained_name" in changed:
        index_name_words(session, report)
    if {"detained_name", "detained_dob", "facility"} & set(changed):
        _link_same_person(session, report)
    return report


def _shown(value: Any) -> str:
    """A field's value as staff read it in a correction (empty as a dash)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return str(len(value))
    return str(value)


# A report links to at most this many others about the same person, the newest: each of them links on to
# older ones, so staff reach every report about a family, and a name in 3,000 reports costs no more to file.
MAX_LINKED = 20


def _link_same_person(session: Session, report: Report) -> None:
    """Link a report to earlier ones about the same person: same match key and birth date (when both have
    one), or same match key and jail within SAME_FACILITY_WINDOW. Equality on indexed keys only, so the
    cost does not grow with the reports stored."""
    assert report.id is not None
    if not report.match_key:
        return
    already = select(ReportLink.related_id).where(ReportLink.report_id == report.id)
    mine = (
        Report.match_key == report.match_key,
        Report.id != report.id,
        Report.id.not_in(already),
        Report.is_test == report.is_test,  # a preview's made-up person is never linked to a real report
    )
    found: list[tuple[int, Any]] = []
    if report.detained_dob:
        same_birth = Report.dob_index == blind_index(report.detained_dob)
        by_birth = select(Report.id, Report.submitted_at).where(*mine, same_birth)
        found += session.execute(by_birth.order_by(Report.submitted_at.desc()).limit(MAX_LINKED)).all()
    if report.facility_key:
        nearby = select(Report.id, Report.submitted_at).where(
            *mine,
            Report.facility_key == report.facility_key,
            Report.submitted_at >= report.submitted_at - SAME_FACILITY_WINDOW,
            Report.submitted_at <= report.submitted_at + SAME_FACILITY_WINDOW,
        )
        if report.detained_dob:  # two birth dates that differ are two people, wherever they are held
            nearby = nearby.where(Report.detained_dob.is_(None))
        found += session.execute(nearby.order_by(Report.submitted_at.desc()).limit(MAX_LINKED)).all()
    newest = sorted(set(found), key=lambda row: row[1], reverse=True)[:MAX_LINKED]
    for other_id, _at in newest:
        session.add(ReportLink(report_id=report.id, related_id=other_id))
        session.add(ReportLink(report_id=other_id, related_id=report.id))


def related_refs(session: Session, report_id: int) -> list[str]:
    """Return the reference codes of reports linked to this one."""
    rows = session.execute(
        select(Report.ref).join(ReportLink, ReportLink.related_id == Report.id).where(ReportLink.report_id == report_id)
    ).scalars()
    return sorted(rows)


def erase_contact_data(session: Session, contact: Contact, now: datetime | None = None) -> list[str]:
    """Erase a texter's conversation, messages and the reports staff have not acted on; return refs kept."""
    erasable = list(
        session.execute(select(Report.id).where(Report.contact_id == contact.id, Report.status == Status.NEW)).scalars()
    )
    if erasable:
        session.execute(
            delete(ReportLink).where(or_(ReportLink.report_id.in_(erasable), ReportLink.related_id.in_(erasable)))
        )
        session.execute(delete(ReportNameWord).where(ReportNameWord.report_id.in_(erasable)))
        session.execute(delete(Report).where(Report.id.in_(erasable)))
    session.execute(delete(Conversation).where(Conversation.contact_id == contact.id))
    twilio_copies = []  # Twilio keeps every message and photo until asked to delete them
    for sid, media in session.execute(select(Message.sid, Message.media).where(Message.contact_id == contact.id)):
        twilio_copies += [item["url"] for item in media if item.get("url")] + ([sid] if sid else [])
    outbox_rows.enqueue_twilio_deletions(session, twilio_copies, now or utcnow())
    session.execute(update(Message).where(Message.contact_id == contact.id).values(reply_to_id=None))
    session.execute(delete(Message).where(Message.contact_id == contact.id))
    kept = session.execute(select(Report.ref).where(Report.contact_id == contact.id)).scalars()
    contact.address = ""  # the number goes; its blind index stays, to honour STOP and find the kept reports
    session.add(contact)
    return sorted(kept)
