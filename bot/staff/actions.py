"""What staff do to a report, each written to the audit trail with who and when.

The rule that makes a report "acted on" lives here only (`_start_work`): any staff action on a
`new` report moves it to `in_review`, so a texter's DELETE keeps it (see bot.storage.reports.report_infos).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.statuses import STAFF_STATUSES, Status
from bot.hotline import Hotline
from bot.staff import texts
from bot.staff.i18n import _
from bot.storage import casework, conversations, outbox_rows
from bot.storage.models import Contact, Report, StaffUser


class ActionError(ValueError):
    """An action that cannot be done as asked; the message is shown to staff."""


@dataclass(frozen=True)
class Texting:
    """What texting a family needs: their catalog's translate function and the placeholder values."""

    translate: texts.Translate
    values: dict[str, str]
    locale: str


def _start_work(session: Session, report: Report, staff_id: int, now: datetime) -> None:
    """Move a `new` report to `in_review` on the first staff action (it is then kept on DELETE)."""
    if report.status == Status.NEW:
        _set_status(session, report, Status.IN_REVIEW, staff_id, now, reason="", automatic=True)


def _set_status(
    session: Session, report: Report, status: str, staff_id: int, now: datetime, reason: str, automatic: bool = False
) -> None:
    detail: dict[str, object] = {"from": report.status, "to": status}
    if reason:
        detail["reason"] = reason
    if automatic:
        detail["automatic"] = True
    report.status = status
    session.add(report)
    casework.add_report_event(session, report, staff_id, "status", now, detail)


def assign(session: Session, report: Report, staff_id: int, assignee_id: int | None, now: datetime) -> None:
    """Assign the report to a staff member (None: nobody)."""
    assert report.id is not None
    if assignee_id is not None:
        assignee = session.get(StaffUser, assignee_id)
        if assignee is None or not assignee.active:
            raise ActionError(_("That account does not exist or is disabled."))
    if casework.assignee_of(session, report.id) == assignee_id:
        return
    _start_work(session, report, staff_id, now)
    casework.set_assignee(session, report.id, assignee_id, now)
    casework.add_report_event(session, report, staff_id, "assigned", now, {"to": assignee_id})


def change_status(
    session: Session,
    report: Report,
    staff_id: int,
    status: str,
    reason: str,
    now: datetime,
    notify: Texting | None = None,
) -> int | None:
    """Move the report along the workflow (a reason is required to close); optionally text the family."""
    if status not in STAFF_STATUSES:
        raise ActionError(_("Choose a status after “new”."))
    reason = reason.strip()
    if status == Status.CLOSED and not reason:
        raise ActionError(_("Say why the report is closed."))
    if status == report.status:
        raise ActionError(_("The report already has that status."))
    if notify is not None:
        _textable(session, report)  # refuse before changing anything
    _set_status(session, report, status, staff_id, now, reason)
    if notify is None:
        return None
    template = texts.STATUS_TEMPLATES[status]
    body = texts.render(template, notify.translate, notify.values)
    return _text(session, report, staff_id, template, body, now, notify.locale)


def add_note(session: Session, report: Report, staff_id: int, body: str, now: datetime) -> None:
    """Add a note to the report's timeline."""
    body = body.strip()
    if not body:
        raise ActionError(_("The note is empty."))
    _start_work(session, report, staff_id, now)
    casework.add_report_event(session, report, staff_id, "note", now, body=body)


def text_family(
    session: Session, report: Report, staff_id: int, template: str | None, typed: str, now: datetime, texting: Texting
) -> int:
    """Text the family a translated template, or staff's own words as typed; return the message id."""
    if template is not None:
        if template not in texts.TEMPLATES:
            raise ActionError(_("Unknown template."))
        body = texts.render(template, texting.translate, texting.values)
    else:
        body = typed.strip()
        if not body:
            raise ActionError(_("Type the text to send."))
    _start_work(session, report, staff_id, now)
    return _text(session, report, staff_id, template, body, now, texting.locale)


def _text(
    session: Session, report: Report, staff_id: int, template: str | None, body: str, now: datetime, locale: str = ""
) -> int:
    """Store the text, queue it in the outbox, and note it in the timeline."""
    contact = _textable(session, report)
    message = conversations.queue_text(session, contact, body, now)
    assert message.id is not None
    outbox_rows.enqueue_family_text(session, message.id, report.id, now)
    detail = {"message_id": message.id, "template": template, "locale": locale or contact.locale}
    casework.add_report_event(session, report, staff_id, "text", now, detail)
    return message.id


def _textable(session: Session, report: Report) -> Contact:
    """Return the family's contact, refusing when there is none or it opted out."""
    contact = casework.report_contact(session, report)
    if contact is None or not contact.address:
        raise ActionError(_("This report has no phone number to text (the family erased their data)."))
    if contact.opted_out:
        raise ActionError(_("The family's number opted out (STOP): it cannot be texted until they send START."))
    return contact


def texting_for(hotline: Hotline, report: Report, locale: str, session: Session) -> Texting:
    """Return how to text the family of a report: their language's catalog and the placeholder values."""
    values = {**hotline.context(session), "ref": report.ref}
    return Texting(translate=hotline.catalogs.translator(locale), values=values, locale=locale)
