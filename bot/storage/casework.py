"""The dashboard's side of storage: the queue and its filters, a report's page, actions, export, alert sweeps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, intersect, or_, select, union
from sqlmodel import Session

from bot.core.refs import searched_ref
from bot.core.statuses import Status
from bot.core.text import normalize
from bot.storage.crypto import blind_index, word_token
from bot.storage.models import Assignment, Contact, Message, Report, ReportEvent, ReportLink, ReportNameWord, StaffUser

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
    include_test: bool = False  # also the reports filed from the phone preview's test numbers

    @staticmethod
    def real_only() -> Any:
        """The condition that leaves out test data (reports filed from test numbers)."""
        return Report.is_test.is_(False)

    def conditions(self, found: list[int] | None = None) -> list[Any]:
        """Return the SQL conditions these filters stand for; `found`: the ids the search matched, when looked up
        already (see searched_ids)."""
        conditions: list[Any] = [] if self.include_test else [self.real_only()]
        if self.status == OPEN:  # named, not "!= closed": an index goes straight to them, skipping closed ones
            conditions.append(Report.status.in_([status.value for status in Status if status is not Status.CLOSED]))
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
        if found is not None:
            conditions.append(Report.id.in_(found))
        elif self.search and self.search.strip():
            conditions.append(_search_condition(self.search))
        return conditions

    def searched_ids(self, session: Session) -> list[int] | None:
        """The ids of the reports the search matches, when there are at most SEARCH_IDS_AT_MOST (else None).

        Looked up first, the few reports a name matches are then read by their ids; inside the queue's query
        the database may guess they are thousands, and read every report to find them."""
        if not (self.search and self.search.strip()):
            return None
        matching = select(Report.id).where(_search_condition(self.search)).limit(SEARCH_IDS_AT_MOST + 1)
        ids = list(session.execute(matching).scalars())
        return ids if len(ids) <= SEARCH_IDS_AT_MOST else None


def _escape_like(text: str) -> str:
    """Escape LIKE wildcards so a search matches them as typed."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_condition(search: str) -> Any:
    """Match a reference code (with or without `R-`, any case) or every word of the detained person's name."""
    ref, only_a_code = searched_ref(search)
    by_ref = Report.ref_index == blind_index(ref)
    if only_a_code:
        return by_ref  # clearly a code (names have no digits): one index lookup, not a scan of names
    words = [word for word in normalize(search).split() if word]
    if not words:
        return by_ref
    # each name word is a blind-index token in ReportNameWord: found by whole words, by index, never a part.
    # One set of ids (the code's report, and the reports holding every word), so that each part is an index
    # lookup: an OR of the two would have the database read every report to test both.
    holding = [select(ReportNameWord.report_id).where(ReportNameWord.token == word_token(word)) for word in words]
    if len(holding) > 1:  # a compound inside a compound needs its own SELECT (SQLite takes no brackets there)
        every = intersect(*holding).subquery()
        holding = [select(every.c.report_id)]
    return Report.id.in_(union(select(Report.id).where(by_ref), holding[0]))


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
    is_test: bool = False


SEARCH_IDS_AT_MOST = 2000  # a search matching more is left inside the queue's query
COUNTED_AT_MOST = 1000  # the queue counts the reports that match up to this many (20 pages)


def queue_page(session: Session, filters: ReportFilter, *, page: int, per_page: int) -> tuple[list[QueueRow], int]:
    """Return one page of the queue (most urgent, then oldest first) and how many reports match, counted up
    to COUNTED_AT_MOST + 1: more than that reads "more than 1,000", and counting every one of 100,000 open
    reports would cost more than the page itself."""
    conditions = filters.conditions(filters.searched_ids(session))
    matching = select(Report.id).where(*conditions).limit(COUNTED_AT_MOST + 1).subquery()
    total = session.execute(select(func.count()).select_from(matching)).scalar_one()
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
            Report.is_test,
        )
        .outerjoin(Assignment, Assignment.report_id == Report.id)
        .outerjoin(StaffUser, StaffUser.id == Assignment.staff_id)
        .where(*conditions)
        .order_by(Report.urgency_score.desc(), Report.submitted_at, Report.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return [QueueRow(*row) for row in rows], total


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
    query = query.where(*(filters or ReportFilter()).conditions())  # no test data unless the filters ask
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


def report_by_ref(session: Session, ref: str, *, lock: bool = False) -> Report | None:
    """Return the report with this reference code (holding its row lock until commit when asked)."""
    statement = select(Report).where(Report.ref_index == blind_index(ref))
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


def messages_by_id(session: Session, ids: list[int]) -> dict[int, Message]:
    """Return messages by id (for a report's timeline)."""
    if not ids:
        return {}
    return {m.id: m for m in session.execute(select(Message).where(Message.id.in_(ids))).scalars() if m.id}


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


def urgency_may_change(
    session: Session, now: datetime, *, past: timedelta, ahead: timedelta, arrested_since: str
) -> Iterator[Report]:
    """Yield open reports whose urgency may have moved since they were scored.

    Those whose release time is within `past` before or `ahead` after `now` (hours past release grow,
    a release comes due), and street arrests on or after `arrested_since` (YYYY-MM-DD; recent arrests decay daily).
    """
    due_near = and_(
        Report.release_due_at.is_not(None),
        Report.release_due_at >= now - past,
        Report.release_due_at <= now + ahead,
    )
    recent_arrest = and_(Report.report_type == "street_arrest", Report.arrested_on >= arrested_since)
    query = select(Report).where(Report.status != Status.CLOSED, or_(due_near, recent_arrest))
    yield from session.execute(query).scalars()


def critical_not_alerted(session: Session, limit: int) -> Iterator[Report]:
    """Yield up to `limit` open critical reports with no alert event yet (test data never pages anyone)."""
    alerted = exists().where(ReportEvent.report_id == Report.id, ReportEvent.kind == "alert")
    yield from session.execute(
        select(Report)
        .where(Report.urgency == "critical", Report.status != Status.CLOSED, ReportFilter.real_only(), ~alerted)
        .limit(limit)
    ).scalars()


def alerts_since(session: Session, since: datetime) -> int:
    """How many reports were alerted to on-call staff since a moment (for ALERTS_PER_HOUR)."""
    statement = select(func.count()).where(ReportEvent.kind == "alert", ReportEvent.created_at >= since)
    return session.execute(statement).scalar_one()
