"""Every read and write of personal fields (addresses, message bodies, answers) goes through here.

Encrypting these columns at rest later should change this module only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, false, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from bot.engine.runner import ReportInfo
from bot.models import Contact, Conversation, Message, Report, ReportLink, utcnow
from bot.reports import (
    REF_LENGTH,
    SAME_FACILITY_WINDOW,
    Candidate,
    fields_from_answers,
    name_key,
    new_ref,
    same_person,
    urgency_of,
)
from bot.sms.segments import count_segments


@dataclass(frozen=True)
class Inbound:
    """One text as Twilio delivered it, reduced to what the hotline uses."""

    sid: str
    address: str  # "+13125550100" or "whatsapp:+13125550100"
    channel: str  # "sms" or "whatsapp"
    body: str
    media: tuple[tuple[str, str], ...] = ()  # (url, content type)
    opt_out_type: str | None = None
    from_state: str | None = None


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


def record_replies(session: Session, contact: Contact, message_id: int, replies: list[str]) -> None:
    """Store the replies sent back in the webhook's TwiML."""
    for body in replies:
        session.add(
            Message(
                contact_id=contact.id,
                direction="out",
                channel=contact.channel,
                body=body,
                segments=count_segments(body),
                status="replied",
                reply_to_id=message_id,
            )
        )


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
    return tuple(ReportInfo(ref=ref, status=status, acted=status != "new") for ref, status in rows)


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
        session.execute(select(Report.id).where(Report.contact_id == contact.id, Report.status == "new")).scalars()
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
    session: Session, *, status: str | None = None, state: str | None = None, batch: int = 500
) -> Iterator[tuple[Report, list[str]]]:
    """Yield (report, related refs) for the export, most urgent and oldest first, in batches."""
    query = select(Report).order_by(Report.urgency_score.desc(), Report.submitted_at, Report.id)
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
