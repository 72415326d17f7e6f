"""Every read and write of personal fields (addresses, message bodies, answers) goes through here.

Encrypting these columns at rest later should change this module only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, false, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from bot.core.inbound import Inbound
from bot.core.refs import REF_LENGTH, new_ref, searched_ref
from bot.core.segments import count_segments
from bot.core.statuses import Status
from bot.core.text import normalize
from bot.engine.io import ReportInfo
from bot.models import (
    Assignment,
    Contact,
    ContactSetting,
    Conversation,
    Message,
    Report,
    ReportEvent,
    ReportLink,
    StaffUser,
    utcnow,
)
from bot.reports import (
    SAME_FACILITY_WINDOW,
    Candidate,
    fields_from_answers,
    name_key,
    same_person,
    urgency_of,
)


def _insert(session: Session, model: type) -> Any:
    """Return an INSERT for the session's dialect that supports ON CONFLICT DO NOTHING."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def upsert_contact(session: Session, address: str, channel: str) -> Contact:
    """Return the contact for an address, creating it if this is the first text from it."""
    session.execute(
        _insert(session, Contact)
        .values(
            address=address, channel=channel, locale="en", locale_source="default", opted_out=False, created_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["address"])
    )
    return session.execute(select(Contact).where(Contact.address == address)).scalar_one()


def lock_contact(session: Session, contact_id: int) -> Contact:
    """Load a contact and hold its row lock until commit, so one number's texts run one at a time."""
    statement = select(Contact).where(Contact.id == contact_id).with_for_update()
    return session.execute(statement).scalar_one()


def contact_address(contact: Contact) -> str:
    """Return the address to reply to."""
    return contact.address


def record_inbound(session: Session, contact: Contact, inbound: Inbound) -> tuple[int, bool]:
    """Store an inbound text once per MessageSid; return (message id, whether it is new)."""
    result = session.execute(
        _insert(session, Message)
        .values(
            sid=inbound.sid,
            contact_id=contact.id,
            direction="in",
            channel=inbound.channel,
            body=inbound.body,
            media=[{"url": url, "content_type": kind} for url, kind in inbound.media],
            segments=count_segments(inbound.body),
            status="received",
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["sid"])
        .returning(Message.id)
    )
    new_id = result.scalar_one_or_none()
    if new_id is not None:
        return new_id, True
    existing = session.execute(select(Message.id).where(Message.sid == inbound.sid)).scalar_one()
    return existing, False


def inbound_status(session: Session, message_id: int) -> str:
    """Return an inbound message's status: received, handled or failed."""
    return session.execute(select(Message.status).where(Message.id == message_id)).scalar_one()


def set_inbound_status(session: Session, message_id: int, status: str) -> None:
    """Mark an inbound message handled or failed."""
    message = session.get(Message, message_id)
    assert message is not None
    message.status = status
    session.add(message)


def replies_to(session: Session, message_id: int) -> list[str]:
    """Return the replies already given to an inbound message, in order."""
    rows = session.execute(select(Message.body).where(Message.reply_to_id == message_id).order_by(Message.id)).scalars()
    return list(rows)


def _outbound(contact: Contact, body: str, status: str, **extra: Any) -> Message:
    """A text to a contact on their channel, with its SMS cost."""
    return Message(
        contact_id=contact.id,
        direction="out",
        channel=contact.channel,
        body=body,
        segments=count_segments(body),
        status=status,
        **extra,
    )


def record_replies(session: Session, contact: Contact, message_id: int, replies: list[str]) -> None:
    """Store the replies sent back in the webhook's TwiML."""
    for body in replies:
        session.add(_outbound(contact, body, "replied", reply_to_id=message_id))


def load_conversation(session: Session, contact: Contact) -> tuple[dict[str, Any], datetime | None]:
    """Return a contact's stored engine state and when it last changed."""
    conversation = session.get(Conversation, contact.id)
    if conversation is None:
        return {}, None
    return dict(conversation.state), conversation.updated_at


def save_conversation(session: Session, contact: Contact, state: dict[str, Any], now: datetime) -> None:
    """Store a contact's engine state."""
    conversation = session.get(Conversation, contact.id)
    if conversation is None:
        conversation = Conversation(contact_id=contact.id, state=state, updated_at=now)
    else:
        conversation.state = state
        conversation.updated_at = now
    session.add(conversation)


# Answers a texter gives once and we keep for next time: answer name -> Contact column.
PROFILE_COLUMNS = {"home_state": "home_state"}


def profile_of(contact: Contact) -> dict[str, str]:
    """Return the remembered answers of a contact (e.g. the state whose law applies)."""
    return {name: getattr(contact, column) for name, column in PROFILE_COLUMNS.items() if getattr(contact, column)}


def remember(contact: Contact, answers: dict[str, Any]) -> None:
    """Keep answers the flows mark `remember: true` on the contact."""
    for name, value in answers.items():
        if name in PROFILE_COLUMNS:
            setattr(contact, PROFILE_COLUMNS[name], str(value))


def set_locale(contact: Contact, locale: str, source: str) -> None:
    """Record the texter's language and how we know it (detected or chosen)."""
    contact.locale = locale
    contact.locale_source = source


def set_opted_out(contact: Contact, opted_out: bool, now: datetime) -> None:
    """Record that a number opted out (STOP) or back in (START)."""
    contact.opted_out = opted_out
    contact.opted_out_at = now if opted_out else None


# --- reports ---------------------------------------------------------------------------------------


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
    session: Session, contact: Contact, answers: dict[str, Any], *, ref: str, locale: str, now: datetime
) -> Report:
    """Store a submitted report with its urgency, and link it to earlier reports about the same person."""
    fields = fields_from_answers(answers)
    assessment = urgency_of(fields, now)
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


def reports_for_export(
    session: Session,
    *,
    status: str | None = None,
    state: str | None = None,
    filters: ReportFilter | None = None,
    batch: int = 500,
) -> Iterator[tuple[Report, list[str]]]:
    """Yield (report, related refs) for the export, most urgent and oldest first, in batches."""
    query = select(Report).order_by(Report.urgency_score.desc(), Report.submitted_at, Report.id)
    if filters is not None:
        query = query.where(*filters.conditions())
    if status:
        query = query.where(Report.status == status)
    if state:
        query = query.where(Report.state == state.upper())
    offset = 0
    while True:
        reports = list(session.execute(query.limit(batch).offset(offset)).scalars())
        if not reports:
            return
        links: dict[int, list[str]] = {r.id: [] for r in reports if r.id is not None}
        rows = session.execute(
            select(ReportLink.report_id, Report.ref)
            .join(Report, Report.id == ReportLink.related_id)
            .where(ReportLink.report_id.in_(list(links)))
        ).all()
        for report_id, ref in rows:
            links[report_id].append(ref)
        for report in reports:
            yield report, sorted(links.get(report.id or 0, []))
        offset += batch


# --- the staff dashboard ---------------------------------------------------------------------------

OPEN = "open"  # the queue's default status filter: every status but closed


@dataclass(frozen=True)
class ReportFilter:
    """The queue's filters, shared by the dashboard's queue and its export (None: no filter)."""

    status: str | None = None  # a status, or OPEN for every status but closed
    urgency: str | None = None
    facility: str | None = None  # part of the facility's name, any case
    state: str | None = None
    locale: str | None = None
    assigned_to: int | None = None  # a staff member's id
    submitted_from: datetime | None = None
    submitted_before: datetime | None = None
    search: str | None = None  # a reference code, or words of the detained person's name

    def conditions(self) -> list[Any]:
        """Return the SQL conditions these filters stand for."""
        conditions: list[Any] = []
        if self.status == OPEN:
            conditions.append(Report.status != Status.CLOSED)
        elif self.status:
            conditions.append(Report.status == self.status)
        if self.urgency:
            conditions.append(Report.urgency == self.urgency)
        if self.facility:
            conditions.append(Report.facility.ilike("%" + _escape_like(self.facility.strip()) + "%", escape="\\"))
        if self.state:
            conditions.append(Report.state == self.state.upper())
        if self.locale:
            conditions.append(Report.locale == self.locale)
        if self.assigned_to is not None:
            mine = select(Assignment.report_id).where(Assignment.staff_id == self.assigned_to)
            conditions.append(Report.id.in_(mine))
        if self.submitted_from:
            conditions.append(Report.submitted_at >= self.submitted_from)
        if self.submitted_before:
            conditions.append(Report.submitted_at < self.submitted_before)
        if self.search and self.search.strip():
            conditions.append(_search_condition(self.search))
        return conditions


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_condition(search: str) -> Any:
    """Match a reference code (with or without `R-`, any case) or every word of the detained person's name."""
    ref, only_a_code = searched_ref(search)
    by_ref = Report.ref == ref
    if only_a_code:
        return by_ref  # clearly a code (names have no digits): one index lookup, not a scan of names
    words = [word for word in normalize(search).split() if word]
    if not words:
        return by_ref
    by_name = and_(*(Report.name_key.contains(word, autoescape=True) for word in words))
    return or_(by_ref, by_name)


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue."""

    id: int
    ref: str
    status: str
    urgency: str
    urgency_score: int
    submitted_at: datetime
    detained_name: str
    facility: str
    state: str | None
    locale: str
    assignee_id: int | None
    assignee: str | None


def queue_page(session: Session, filters: ReportFilter, *, page: int, per_page: int) -> tuple[list[QueueRow], int]:
    """Return one page of the queue (most urgent, then oldest first) and how many reports match."""
    conditions = filters.conditions()
    total = session.execute(select(func.count()).select_from(Report).where(*conditions)).scalar_one()
    assignee = func.coalesce(func.nullif(StaffUser.name, ""), StaffUser.email)
    rows = session.execute(
        select(
            Report.id,
            Report.ref,
            Report.status,
            Report.urgency,
            Report.urgency_score,
            Report.submitted_at,
            Report.detained_name,
            Report.facility,
            Report.state,
            Report.locale,
            Assignment.staff_id,
            assignee,
        )
        .outerjoin(Assignment, Assignment.report_id == Report.id)
        .outerjoin(StaffUser, StaffUser.id == Assignment.staff_id)
        .where(*conditions)
        .order_by(Report.urgency_score.desc(), Report.submitted_at, Report.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return [QueueRow(*row) for row in rows], total


def report_by_ref(session: Session, ref: str, *, lock: bool = False) -> Report | None:
    """Return the report with this reference code (holding its row lock until commit when asked)."""
    statement = select(Report).where(Report.ref == ref)
    if lock:
        statement = statement.with_for_update()
    return session.execute(statement).scalar_one_or_none()


@dataclass(frozen=True)
class RelatedReport:
    """A report linked to another one (same person)."""

    ref: str
    status: str
    urgency: str
    submitted_at: datetime


def related_reports(session: Session, report_id: int) -> list[RelatedReport]:
    """Return the reports linked to this one, newest first."""
    rows = session.execute(
        select(Report.ref, Report.status, Report.urgency, Report.submitted_at)
        .join(ReportLink, ReportLink.related_id == Report.id)
        .where(ReportLink.report_id == report_id)
        .order_by(Report.submitted_at.desc())
    ).all()
    return [RelatedReport(*row) for row in rows]


def report_contact(session: Session, report: Report) -> Contact | None:
    """Return the contact who filed a report (None once erased or for imported reports)."""
    return session.get(Contact, report.contact_id) if report.contact_id else None


def transcript(session: Session, contact_id: int, limit: int = 500) -> list[Message]:
    """Return a contact's last `limit` texts in and out, oldest first."""
    rows = session.execute(
        select(Message).where(Message.contact_id == contact_id).order_by(Message.created_at.desc(), Message.id.desc())
    )
    return list(reversed(list(rows.scalars().fetchmany(limit))))


@dataclass(frozen=True)
class TimelineEntry:
    """One event of a report's audit trail, with the staff member's name."""

    event: ReportEvent
    staff: str | None


def report_timeline(session: Session, report_id: int) -> list[TimelineEntry]:
    """Return a report's events, oldest first, with who did each."""
    who = func.coalesce(func.nullif(StaffUser.name, ""), StaffUser.email)
    rows = session.execute(
        select(ReportEvent, who)
        .outerjoin(StaffUser, StaffUser.id == ReportEvent.staff_id)
        .where(ReportEvent.report_id == report_id)
        .order_by(ReportEvent.created_at, ReportEvent.id)
    ).all()
    return [TimelineEntry(event, staff) for event, staff in rows]


def add_report_event(
    session: Session,
    report: Report,
    staff_id: int | None,
    kind: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
    body: str = "",
) -> ReportEvent:
    """Write one event to a report's audit trail."""
    assert report.id is not None
    event = ReportEvent(
        report_id=report.id, staff_id=staff_id, kind=kind, detail=detail or {}, body=body, created_at=now
    )
    session.add(event)
    return event


def assignee_of(session: Session, report_id: int) -> int | None:
    """Return the id of the staff member a report is assigned to."""
    return session.execute(select(Assignment.staff_id).where(Assignment.report_id == report_id)).scalar_one_or_none()


def set_assignee(session: Session, report_id: int, staff_id: int | None, now: datetime) -> None:
    """Assign a report to a staff member (None: nobody)."""
    session.execute(delete(Assignment).where(Assignment.report_id == report_id))
    if staff_id is not None:
        session.add(Assignment(report_id=report_id, staff_id=staff_id, assigned_at=now))


def queue_text(session: Session, contact: Contact, body: str, now: datetime) -> Message:
    """Store a text for a contact as queued (the outbox sends it)."""
    message = _outbound(contact, body, "queued", created_at=now)
    session.add(message)
    session.flush()
    return message


def outbound(session: Session, message_id: int) -> tuple[Message, Contact] | None:
    """Return a queued text and its contact (None when erased since)."""
    message = session.get(Message, message_id)
    if message is None:
        return None
    contact = session.get(Contact, message.contact_id)
    return (message, contact) if contact is not None else None


def messages_by_id(session: Session, ids: list[int]) -> dict[int, Message]:
    """Return messages by id (for a report's timeline)."""
    if not ids:
        return {}
    return {m.id: m for m in session.execute(select(Message).where(Message.id.in_(ids))).scalars() if m.id}


# --- numbers and links texters are given -------------------------------------------------------


def contact_settings(session: Session) -> dict[str, ContactSetting]:
    """Return the contact settings staff have saved, by key (keys not saved use the configured default)."""
    return {row.key: row for row in session.execute(select(ContactSetting)).scalars()}


def save_contact_setting(
    session: Session, key: str, value: str, *, verified: bool, staff_id: int, now: datetime
) -> ContactSetting:
    """Save one contact setting, recording who changed it and whether they verified it."""
    row = session.get(ContactSetting, key) or ContactSetting(key=key, value=value)
    row.value, row.verified, row.updated_by_id, row.updated_at = value, verified, staff_id, now
    session.add(row)
    return row
