"""Reports as texters file them: reference codes, storing a report and linking it, STATUS and DELETE.

The detained person's and reporter's details are personal: they are written here and read through
bot/storage/ only.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import delete, false, or_, select, update
from sqlmodel import Session

from bot.core.refs import REF_LENGTH, new_ref
from bot.core.statuses import Status
from bot.engine.io import ReportInfo
from bot.reports.fields import SAME_FACILITY_WINDOW, Candidate, fields_from_answers, name_key, same_person, urgency_of
from bot.storage.models import Contact, Conversation, Message, Report, ReportLink


def unused_ref(session: Session) -> str:
    """Return a reference code no report has yet (longer codes once short ones get crowded)."""
    for attempt in range(20):
        ref = new_ref(REF_LENGTH + attempt // 10)
        if session.execute(select(Report.id).where(Report.ref == ref)).first() is None:
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
        urgency_reasons=[r.to_dict() for r in assessment.reasons],
        name_key=name_key(fields.values["detained_name"])[:200],
        **fields.values,
    )
    session.add(report)
    session.flush()
    _link_same_person(session, report)
    return report


def _link_same_person(session: Session, report: Report) -> None:
    """Link a new report to earlier ones that seem to be about the same person."""
    assert report.id is not None
    mine = Candidate(report.id, report.name_key, report.detained_dob, report.facility, report.submitted_at)
    nearby = select(Report).where(
        Report.id != report.id,
        or_(
            Report.detained_dob == report.detained_dob if report.detained_dob else false(),
            Report.submitted_at >= report.submitted_at - SAME_FACILITY_WINDOW,
        ),
    )
    for other in session.execute(nearby).scalars():
        assert other.id is not None
        theirs = Candidate(other.id, other.name_key, other.detained_dob, other.facility, other.submitted_at)
        if same_person(mine, theirs):
            session.add(ReportLink(report_id=report.id, related_id=other.id))
            session.add(ReportLink(report_id=other.id, related_id=report.id))


def related_refs(session: Session, report_id: int) -> list[str]:
    """Return the reference codes of reports linked to this one."""
    rows = session.execute(
        select(Report.ref).join(ReportLink, ReportLink.related_id == Report.id).where(ReportLink.report_id == report_id)
    ).scalars()
    return sorted(rows)


def erase_contact_data(session: Session, contact: Contact) -> list[str]:
    """Erase a texter's conversation, messages and the reports staff have not acted on; return refs kept."""
    erasable = list(
        session.execute(select(Report.id).where(Report.contact_id == contact.id, Report.status == Status.NEW)).scalars()
    )
    if erasable:
        session.execute(
            delete(ReportLink).where(or_(ReportLink.report_id.in_(erasable), ReportLink.related_id.in_(erasable)))
        )
        session.execute(delete(Report).where(Report.id.in_(erasable)))
    session.execute(delete(Conversation).where(Conversation.contact_id == contact.id))
    session.execute(update(Message).where(Message.contact_id == contact.id).values(reply_to_id=None))
    session.execute(delete(Message).where(Message.contact_id == contact.id))
    kept = session.execute(select(Report.ref).where(Report.contact_id == contact.id)).scalars()
    return sorted(kept)
