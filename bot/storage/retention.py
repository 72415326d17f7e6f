"""Retention: purge old messages' words and closed reports' personal fields, keeping what statistics need.

`flask purge` (bot/cli.py) runs it. Messages older than RETAIN_MESSAGES_DAYS lose body, raw body and
media (direction, channel, segments, status and times stay) and Twilio is asked to delete its copies;
the conversation state of a contact whose last text is that old is dropped. Reports closed more than
RETAIN_CLOSED_REPORTS_DAYS ago lose every personal field (names, birth date, A-number, reporter,
callback number, free-text answers, media), and their audit trail its words (notes, corrections,
reasons); status, urgency, facility, state, dates, locale and channel stay, so the stats still count
them. Each batch is one transaction and marks what it purged, so a run stopped part-way resumes and a
second run finds nothing. Only counts are logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, or_, select, update
from sqlmodel import Session

from bot.core.statuses import Status
from bot.storage import outbox_rows
from bot.storage.casework import add_report_event
from bot.storage.database import Database
from bot.storage.models import Conversation, Message, Report, ReportEvent, ReportNameWord

DEFAULT_BATCH = 500
log = logging.getLogger("holdline.retention")

# A closed report's personal fields and what each becomes; its triage columns are not listed, so they stay.
EMPTIED_REPORT_FIELDS: dict[str, Any] = {
    "detained_name": "",
    "name_key": "",
    "match_key": "",  # blind indexes of the name: without the name they only serve to re-identify
    "detained_dob": None,
    "dob_index": None,
    "a_number": None,
    "other_names": "",
    "booking_number": "",
    "defense_lawyer": "",
    "arrest_details": "",
    "reporter_name": "",
    "reporter_relationship": "",
    "callback_number": None,
    "media": [],
}
WAITING = ("received", "queued")  # an inbound text not handled yet (journal replay), a text the outbox still sends
PERSONAL_EVENT_DETAIL = ("reason",)  # a status change's reason is staff's free text


@dataclass
class Purge:
    """What a purge found (dry run) or did (--apply): rows per kind, and the cut-off times used."""

    messages: int = 0
    twilio_copies: int = 0  # message SIDs and media URLs Twilio is asked to delete
    conversations: int = 0
    reports: int = 0
    events: int = 0  # audit trail entries of those reports emptied of words
    messages_before: datetime | None = None  # None: messages are kept for ever (RETAIN_MESSAGES_DAYS=0)
    reports_closed_before: datetime | None = None
    applied: bool = False

    def counts(self) -> dict[str, int]:
        """The counts by name, for the log and the command's output."""
        return {
            "messages": self.messages,
            "twilio_copies": self.twilio_copies,
            "conversations": self.conversations,
            "reports": self.reports,
            "events": self.events,
        }


def _cutoff(now: datetime, days: int) -> datetime | None:
    """The time before which data is purged, or None when kept for ever."""
    return now - timedelta(days=days) if days > 0 else None


def _old_messages(before: datetime) -> list[ColumnElement[bool]]:
    """Messages sent or received before `before`, not purged yet; a text still waiting to be handled or sent is kept."""
    return [Message.created_at < before, Message.purged_at.is_(None), Message.status.not_in(WAITING)]


def _stale_conversations(before: datetime) -> list[ColumnElement[bool]]:
    """Conversations untouched since `before` whose contact has sent or received nothing since."""
    recent = exists().where(Message.contact_id == Conversation.contact_id, Message.created_at >= before)
    return [Conversation.updated_at < before, ~recent]


def _closed_reports(before: datetime) -> list[ColumnElement[bool]]:
    """Reports closed before `before` and not purged since they were last closed."""
    return [
        Report.status == Status.CLOSED,
        Report.closed_at < before,
        or_(Report.purged_at.is_(None), Report.purged_at < Report.closed_at),
    ]


def purge(
    db: Database,
    now: datetime,
    *,
    messages_days: int,
    closed_reports_days: int,
    apply: bool = False,
    batch: int = DEFAULT_BATCH,
) -> Purge:
    """Count (apply=False) or purge what retention allows no longer; on SQLite, checkpoint the WAL after."""
    result = Purge(
        messages_before=_cutoff(now, messages_days),
        reports_closed_before=_cutoff(now, closed_reports_days),
        applied=apply,
    )
    if not apply:
        _count(db, result)
        return result
    if result.messages_before is not None:
        while _purge_messages(db, result, result.messages_before, now, batch):
            pass
        while _drop_conversations(db, result, result.messages_before, batch):
            pass
    if result.reports_closed_before is not None:
        while _purge_reports(db, result, result.reports_closed_before, now, batch, closed_reports_days):
            pass
    db.erase_traces()  # secure_delete zeroed the old values; the WAL's copies go too
    log.info("purge applied: %s", " ".join(f"{name}={n}" for name, n in result.counts().items()))
    return result


def _count(db: Database, result: Purge) -> None:
    """Fill the counts of what --apply would purge."""
    with db.transaction() as session:
        if result.messages_before is not None:
            old = _old_messages(result.messages_before)
            result.messages = session.execute(select(func.count()).select_from(Message).where(*old)).scalar_one()
            for sid, media in session.execute(select(Message.sid, Message.media).where(*old)):
                result.twilio_copies += len(_twilio_copies(sid, media))
            stale = _stale_conversations(result.messages_before)
            result.conversations = session.execute(
                select(func.count()).select_from(Conversation).where(*stale)
            ).scalar_one()
        if result.reports_closed_before is not None:
            closed = _closed_reports(result.reports_closed_before)
            result.reports = session.execute(select(func.count()).select_from(Report).where(*closed)).scalar_one()
            result.events = session.execute(
                select(func.count()).select_from(ReportEvent).join(Report).where(*closed)
            ).scalar_one()
    log.info("purge dry run: %s", " ".join(f"{name}={n}" for name, n in result.counts().items()))


def _twilio_copies(sid: str | None, media: list[dict[str, str]]) -> list[str]:
    """A message's copies at Twilio: its media URLs and its SID."""
    return [item["url"] for item in media if item.get("url")] + ([sid] if sid else [])


def _purge_messages(db: Database, result: Purge, before: datetime, now: datetime, batch: int) -> bool:
    """Empty one batch of old messages; return whether there was one."""
    with db.transaction() as session:
        rows = session.execute(
            select(Message.id, Message.sid, Message.media)
            .where(*_old_messages(before))
            .order_by(Message.id)
            .limit(batch)
        ).all()
        if not rows:
            return False
        copies = [copy for _id, sid, media in rows for copy in _twilio_copies(sid, media)]
        outbox_rows.enqueue_twilio_deletions(session, copies, now)
        session.execute(
            update(Message)
            .where(Message.id.in_([row[0] for row in rows]))
            .values(body="", raw_body=None, media=[], purged_at=now)
            .execution_options(synchronize_session=False)  # no comparing ciphertext in Python either
        )
    result.messages += len(rows)
    result.twilio_copies += len(copies)
    return True


def _drop_conversations(db: Database, result: Purge, before: datetime, batch: int) -> bool:
    """Drop one batch of stale conversation states; return whether there was one."""
    with db.transaction() as session:
        ids = list(
            session.execute(
                select(Conversation.contact_id)
                .where(*_stale_conversations(before))
                .order_by(Conversation.contact_id)
                .limit(batch)
            ).scalars()
        )
        if not ids:
            return False
        session.execute(delete(Conversation).where(Conversation.contact_id.in_(ids)))
    result.conversations += len(ids)
    return True


def _purge_reports(db: Database, result: Purge, before: datetime, now: datetime, batch: int, days: int) -> bool:
    """Empty one batch of long-closed reports and their audit trail's words; return whether there was one."""
    with db.transaction() as session:
        reports = list(
            session.execute(select(Report).where(*_closed_reports(before)).order_by(Report.id).limit(batch)).scalars()
        )
        if not reports:
            return False
        ids = [report.id for report in reports]
        events = session.execute(select(ReportEvent).where(ReportEvent.report_id.in_(ids))).scalars().all()
        for event in events:
            _empty_event(session, event)
        session.execute(delete(ReportNameWord).where(ReportNameWord.report_id.in_(ids)))
        emptied = update(Report).where(Report.id.in_(ids)).values(**EMPTIED_REPORT_FIELDS, purged_at=now)
        session.execute(emptied.execution_options(synchronize_session=False))
        for report in reports:
            detail = {"by": "retention", "days": days, "events": sum(1 for e in events if e.report_id == report.id)}
            add_report_event(session, report, None, "purged", now, detail)
    result.reports += len(reports)
    result.events += len(events)
    return True


def _empty_event(session: Session, event: ReportEvent) -> None:
    """Keep an audit trail entry's kind, who and when, and its facts; drop its words."""
    detail = {key: value for key, value in event.detail.items() if key not in PERSONAL_EVENT_DETAIL}
    if event.body or detail != event.detail:
        emptied = update(ReportEvent).where(ReportEvent.id == event.id).values(body="", detail=detail)
        session.execute(emptied.execution_options(synchronize_session=False))
