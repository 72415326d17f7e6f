"""What staff do to a report, each written to the audit trail with who and when.

The rule that makes a report "acted on" lives here only (`_start_work`): any staff action on a
`new` report moves it to `in_review`, so a texter's DELETE keeps it (see bot.storage.reports.report_infos).

A text to a WhatsApp family more than 24 hours after their last message (`outbox_rows.window`) can only
be an approved template: staff templates then go by their Content SID for the family's language, and
staff's own words, or a template with no SID set, are refused before anything is queued (`_sending`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.core.statuses import STAFF_STATUSES, Status
from bot.hotline import Hotline
from bot.staff import texts
from bot.staff.i18n import _
from bot.storage import casework, contact_settings, conversations, outbox_rows
from bot.storage.models import Contact, Report, StaffUser


class ActionError(ValueError):
    """An action that cannot be done as asked; the message is shown to staff."""


@dataclass(frozen=True)
class Texting:
    """What texting a family needs: their catalog's translate function and the placeholder values."""

    translate: texts.Translate
    values: dict[str, str]
    locale: str
    template_sids: dict[str, str] = field(default_factory=dict)  # approved WhatsApp templates, `<name>.<locale>`


@dataclass(frozen=True)
class Sending:
    """How one text goes: to whom, and (outside a WhatsApp window) as which approved template."""

    contact: Contact
    content_sid: str | None = None
    content_variables: str | None = None


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
    report.closed_at = now if status == Status.CLOSED else None  # retention counts from the last closing
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
    template = texts.STATUS_TEMPLATES[status]
    sending = _sending(session, report, template, now, notify) if notify is not None else None  # refuse first
    _set_status(session, report, status, staff_id, now, reason)
    if notify is None or sending is None:
        return None
    body = texts.render(template, notify.translate, notify.values)
    return _text(session, report, staff_id, template, body, now, notify.locale, sending)


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
    sending = _sending(session, report, template, now, texting)
    _start_work(session, report, staff_id, now)
    return _text(session, report, staff_id, template, body, now, texting.locale, sending)


def _sending(session: Session, report: Report, template: str | None, now: datetime, texting: Texting) -> Sending:
    """Return how a text to the family goes now, refusing what WhatsApp would refuse outside its 24 hours."""
    contact = _textable(session, report)
    if outbox_rows.window(session, contact, now).open:
        return Sending(contact)
    if template is None:
        raise ActionError(
            _(
                "Not sent: the family last wrote on WhatsApp more than 24 hours ago, and WhatsApp then delivers "
                "only approved templates until they write again. Choose a template instead of your own words."
            )
        )
    sid = texting.template_sids.get(f"{template}.{texting.locale}")
    if not sid:
        raise ActionError(
            _(
                "Not sent: the family last wrote on WhatsApp more than 24 hours ago, so only an approved template "
                "goes, and no WhatsApp template SID is set for “%(template)s” in %(locale)s. An admin can add it on "
                "the Contacts page.",
                template=template,
                locale=texting.locale,
            )
        )
    return Sending(contact, sid, texts.content_variables(template, texting.values))


def _text(
    session: Session,
    report: Report,
    staff_id: int,
    template: str | None,
    body: str,
    now: datetime,
    locale: str,
    sending: Sending,
) -> int:
    """Store the text, queue it in the outbox, and note it in the timeline."""
    contact = sending.contact
    message = conversations.queue_text(session, contact, body, now)
    assert message.id is not None
    outbox_rows.enqueue_family_text(session, message.id, report.id, now, sending.content_sid, sending.content_variables)
    detail: dict[str, object] = {"message_id": message.id, "template": template, "locale": locale or contact.locale}
    if sending.content_sid:
        detail["whatsapp_template"] = sending.content_sid
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
    sids = {**hotline.settings.whatsapp_template_sids(), **contact_settings.saved_template_sids(session)}
    return Texting(translate=hotline.catalogs.translator(locale), values=values, locale=locale, template_sids=sids)
