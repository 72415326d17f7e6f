"""The dashboard's pages: the queue, a report and what staff do to it, export, stats, accounts."""

from __future__ import annotations

import io
import logging
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from bot.config import settings_of
from bot.core.refs import is_ref
from bot.core.statuses import Status
from bot.export import collecting_refs, export_records, exported_at, write_csv, write_jsonl
from bot.staff import accounts, actions, charts, contacts, delivery, sessions, stats, texts
from bot.staff.auth import admin_required, check_session
from bot.staff.forms import (
    AssignForm,
    ConfirmForm,
    ContactSettingForm,
    CreateStaffForm,
    NoteForm,
    StatusForm,
    TextForm,
    WhatsAppTemplateForm,
)
from bot.staff.i18n import _
from bot.staff.queue import PER_PAGE, STATUS_CHOICES, URGENCIES, QueueQuery
from bot.storage import casework, contact_settings, export_audit, outbox_rows, staff_accounts
from bot.storage.database import get_db
from bot.storage.models import Report, StaffUser, utcnow

log = logging.getLogger("holdline.staff")
bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates", static_folder="static")
bp.before_request(check_session)  # every page here needs a logged-in, active, recently seen account

EXPORT_FORMATS = {"csv": ("text/csv", write_csv), "jsonl": ("application/x-ndjson", write_jsonl)}


def _staff_id() -> int:
    return int(current_user.user_id)


def _hotline() -> Any:
    return current_app.extensions["holdline.hotline"]


@bp.get("/")
def queue() -> ResponseReturnValue:
    """Show the reports, most urgent and then oldest first, with filters, search and pages."""
    query = QueueQuery.from_args(request.args)
    filters = query.to_filter(_staff_id(), settings_of(current_app).hotline_timezone)
    with get_db().transaction() as session:
        rows, total = casework.queue_page(session, filters, page=query.page, per_page=PER_PAGE)
    capped = total > casework.COUNTED_AT_MOST  # more than were counted: the pages go on while pages are full
    pages = query.page + (len(rows) == PER_PAGE) if capped else max(1, -(-total // PER_PAGE))
    return render_template(
        "staff/queue.html",
        query=query,
        rows=rows,
        total=total,
        capped=capped,
        counted=casework.COUNTED_AT_MOST,
        pages=pages,
        statuses=STATUS_CHOICES,
        urgencies=URGENCIES,
        locales=_hotline().catalogs.available(),
        now=utcnow(),
    )


def _load(session: Any, ref: str, lock: bool = False) -> Report:
    """Return the report named in the URL, or 404."""
    if not is_ref(ref):
        abort(404)
    report = casework.report_by_ref(session, ref, lock=lock)
    if report is None:
        abort(404)
    return report


@bp.get("/reports/<ref>")
def report(ref: str) -> ResponseReturnValue:
    """Show every field of a report, its urgency, conversation, linked reports and timeline, with actions."""
    with get_db().transaction() as session:
        found = _load(session, ref)
        assert found.id is not None
        contact = casework.report_contact(session, found)
        messages = casework.transcript(session, contact.id) if contact and contact.id else []
        timeline = casework.report_timeline(session, found.id)
        text_ids = [e.event.detail.get("message_id") for e in timeline if e.event.kind == "text"]
        sent = casework.messages_by_id(session, [i for i in text_ids if isinstance(i, int)])
        related = casework.related_reports(session, found.id)
        assignee_id = casework.assignee_of(session, found.id)
        staff = staff_accounts.all_staff(session)
        locale = contact.locale if contact else found.locale
        texting = actions.texting_for(_hotline(), found, locale, session)
        window = outbox_rows.window(session, contact, utcnow()) if contact else None
        out_ids = [m.id for m in messages if m.direction == "out" and m.id is not None]
        errors = outbox_rows.error_codes(session, out_ids + [i for i in text_ids if isinstance(i, int)])
    no_sid = [name for name in texts.MANUAL_TEMPLATES if f"{name}.{locale}" not in texting.template_sids]
    previews = {name: texts.render(name, texting.translate, texting.values) for name in texts.TEMPLATES}
    names = {user.id: user.name or user.email for user in staff}
    assign_form = AssignForm(assignee=str(assignee_id or ""))
    assign_form.assignee.choices = [SelectChoice("", _("Nobody"))] + [
        SelectChoice(str(u.id), u.name or u.email) for u in staff if u.active
    ]
    text_form = TextForm(template=texts.MANUAL_TEMPLATES[0])
    text_form.template.choices = [SelectChoice(name, previews[name]) for name in texts.MANUAL_TEMPLATES] + [
        SelectChoice("free", _("My own words (sent as typed)"))
    ]
    sent_by_staff = {e.event.detail.get("message_id"): e for e in timeline if e.event.kind == "text"}
    return render_template(
        "staff/report.html",
        report=found,
        contact=contact,
        messages=messages,
        timeline=timeline,
        sent=sent,
        sent_by_staff=sent_by_staff,
        related=related,
        assignee=names.get(assignee_id) if assignee_id else None,
        names=names,
        locale=locale,
        language=_hotline().languages.by_code.get(locale),
        assign_form=assign_form,
        status_form=StatusForm(status=Status(found.status).next_step()),
        note_form=NoteForm(),
        text_form=text_form,
        timezone=settings_of(current_app).hotline_timezone,
        safe_url=_safe_url,
        window=window,
        no_sid=no_sid,
        errors=errors,
        explain=delivery.explain,
    )


def _safe_url(url: str) -> str | None:
    """Return a link only for web addresses (never javascript: or data:)."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else None


def _act(ref: str, form: Any, action: Any, done: str) -> ResponseReturnValue:
    """Validate a form, run an action on the locked report in one transaction, and go back to the report."""
    if not is_ref(ref):
        abort(404)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("staff.report", ref=ref))
    try:
        with get_db().transaction() as session:
            found = _load(session, ref, lock=True)
            action(session, found)
    except actions.ActionError as exc:
        flash(str(exc), "error")
    else:
        flash(done)
        log.info("staff %s: %s on report %s", _staff_id(), request.endpoint, ref)
    return redirect(url_for("staff.report", ref=ref))


@bp.post("/reports/<ref>/assign")
def assign(ref: str) -> ResponseReturnValue:
    """Assign the report to a staff member (or nobody)."""
    form = AssignForm()
    with get_db().transaction() as session:
        form.assignee.choices = [SelectChoice("")] + [SelectChoice(str(u.id)) for u in accounts.active_staff(session)]
    who = int(form.assignee.data) if (form.assignee.data or "").isdigit() else None
    return _act(ref, form, lambda s, r: actions.assign(s, r, _staff_id(), who, utcnow()), _("Assignment saved."))


@bp.post("/reports/<ref>/status")
def change_status(ref: str) -> ResponseReturnValue:
    """Move the report along the workflow, texting the family when asked."""
    form = StatusForm()

    def run(session: Any, found: Report) -> None:
        notify = None
        if form.notify.data:
            contact = casework.report_contact(session, found)
            notify = actions.texting_for(_hotline(), found, contact.locale if contact else found.locale, session)
        actions.change_status(session, found, _staff_id(), form.status.data, form.reason.data or "", utcnow(), notify)

    return _act(ref, form, run, _("Status changed."))


@bp.post("/reports/<ref>/notes")
def add_note(ref: str) -> ResponseReturnValue:
    """Add a note to the report's timeline."""
    form = NoteForm()
    return _act(
        ref, form, lambda s, r: actions.add_note(s, r, _staff_id(), form.body.data or "", utcnow()), _("Note added.")
    )


@bp.post("/reports/<ref>/texts")
def text_family(ref: str) -> ResponseReturnValue:
    """Text the family: a template in their language, or staff's own words as typed."""
    form = TextForm()
    form.template.choices = [SelectChoice(name) for name in (*texts.MANUAL_TEMPLATES, "free")]

    def run(session: Any, found: Report) -> None:
        contact = casework.report_contact(session, found)
        texting = actions.texting_for(_hotline(), found, contact.locale if contact else found.locale, session)
        template = None if form.template.data == "free" else form.template.data
        actions.text_family(session, found, _staff_id(), template, form.body.data or "", utcnow(), texting)

    return _act(ref, form, run, _("Text queued: it goes out within seconds."))


@bp.get("/export")
def export() -> ResponseReturnValue:
    """Download the queue's current filter as CSV or JSON Lines (the `flask reports export` schema)."""
    fmt = request.args.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        abort(400)
    mimetype, writer = EXPORT_FORMATS[fmt]
    query = QueueQuery.from_args(request.args)
    filters = query.to_filter(_staff_id(), settings_of(current_app).hotline_timezone)
    out = io.StringIO()
    refs: list[str] = []
    # Read everything, then answer: a SQLite transaction must not stay open while a slow client reads.
    # The audit record is written in the same transaction: no export leaves without it.
    with get_db().transaction() as session:
        records = export_records(session, settings_of(current_app).hotline_timezone, filters=filters)
        count = writer(collecting_refs(records, refs), out)
        used = {"status": query.status, **query.args(page=1)}
        export_audit.record_export(
            session, staff_id=_staff_id(), actor="staff", fmt=fmt, filters=used, refs=refs, now=utcnow()
        )
    log.info("staff %s exported %d reports as %s", _staff_id(), count, fmt)
    response = Response(out.getvalue(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="holdline-reports-{exported_at()}.{fmt}"'
    return response


@bp.get("/stats")
def stats_page() -> ResponseReturnValue:
    """Show reports per status and per facility per week, as charts and tables."""
    now = utcnow()
    include_test = request.args.get("test") == "1"
    with get_db().transaction() as session:
        by_status = stats.counts_by_status(session, include_test)
        weekly = stats.weekly_by_facility(session, now, include_test=include_test)
    other = _("Other facilities")
    return render_template(
        "staff/stats.html",
        by_status=by_status,
        weekly=weekly,
        include_test=include_test,
        other=other,
        status_chart=Markup(charts.status_bars(by_status, _("Reports by status"))),  # noqa: S704 (escaped inside)
        weekly_chart=Markup(charts.weekly_stacked_bars(weekly, _("Reports per week by facility"), other)),  # noqa: S704
    )


@bp.get("/audit")
@admin_required
def audit_page() -> ResponseReturnValue:
    """List the latest exports: who exported which reports, when, in what format and with what filter (admins)."""
    with get_db().transaction() as session:
        exports = export_audit.recent_exports(session)
    return render_template("staff/audit.html", exports=exports)


@bp.get("/accounts")
@admin_required
def accounts_page() -> ResponseReturnValue:
    """List staff accounts, with a form to create one (admins only)."""
    with get_db().transaction() as session:
        users = staff_accounts.all_staff(session)
    return render_template("staff/accounts.html", users=users, form=CreateStaffForm(), confirm=ConfirmForm())


@bp.post("/accounts")
@admin_required
def create_account() -> ResponseReturnValue:
    """Create a staff account (admins only)."""
    form = CreateStaffForm()
    if form.validate_on_submit():
        try:
            with get_db().transaction() as session:
                user = accounts.create_staff(
                    session,
                    form.email.data or "",
                    form.password.data or "",
                    form.role.data,
                    utcnow(),
                    form.name.data or "",
                )
                new_id = user.id
        except accounts.AccountError as exc:
            flash(str(exc), "error")
        else:
            log.info("staff %s created account %s", _staff_id(), new_id)
            flash(_("Account created."))
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("staff.accounts_page"))


@bp.post("/accounts/<int:user_id>/<any(disable, enable):action>")
@admin_required
def set_account_active(user_id: int, action: str) -> ResponseReturnValue:
    """Disable an account (its sessions end at once) or enable it again (admins only)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user_id == _staff_id() and action == "disable":
        flash(_("You cannot disable your own account."), "error")
        return redirect(url_for("staff.accounts_page"))
    with get_db().transaction() as session:
        user = session.get(StaffUser, user_id)
        if user is None:
            abort(404)
        accounts.set_active(session, user, action == "enable", utcnow())
    log.info("staff %s: account %s %sd", _staff_id(), user_id, action)
    flash(_("Account disabled.") if action == "disable" else _("Account enabled."))
    return redirect(url_for("staff.accounts_page"))


@bp.post("/accounts/<int:user_id>/sessions/end")
@admin_required
def end_account_sessions(user_id: int) -> ResponseReturnValue:
    """Log someone out everywhere without disabling the account (a lost laptop; admins only)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with get_db().transaction() as session:
        if session.get(StaffUser, user_id) is None:
            abort(404)
        ended = sessions.end_all(session, user_id, utcnow())
    log.info("staff %s ended %s sessions of account %s", _staff_id(), ended, user_id)
    flash(_("Sessions ended: %(n)s.", n=ended))
    return redirect(url_for("staff.accounts_page"))


@bp.get("/contacts")
@admin_required
def contacts_page() -> ResponseReturnValue:
    """Show the numbers and links texters are given, and which are still to be verified (admins only)."""
    with get_db().transaction() as session:
        saved = contact_settings.saved(session)
        current = _hotline().context(session)
    rows = [
        {
            "field": field,
            "value": current[field.key.lower()],
            "verified": saved[field.key].verified if field.key in saved else False,
            "verified_at": saved[field.key].verified_at if field.key in saved else None,
            "form": ContactSettingForm(key=field.key, value=current[field.key.lower()]),
        }
        for field in contacts.FIELDS
    ]
    configured = settings_of(current_app).whatsapp_template_sids()
    with get_db().transaction() as session:
        saved_sids = contact_settings.saved_template_sids(session)
    templates = [
        {
            "name": name,
            "text": texts.TEMPLATES[name],
            "variables": texts.variables(name),
            "locales": [
                {
                    "locale": locale,
                    "key": contact_settings.template_key(name, locale),
                    "sid": saved_sids.get(f"{name}.{locale}") or configured.get(f"{name}.{locale}", ""),
                    "from_environment": f"{name}.{locale}" not in saved_sids and f"{name}.{locale}" in configured,
                }
                for locale in _hotline().catalogs.available()
            ],
        }
        for name in texts.TEMPLATES
    ]
    return render_template("staff/contacts.html", rows=rows, templates=templates, sid_form=WhatsAppTemplateForm())


@bp.post("/contacts/whatsapp-templates")
@admin_required
def save_whatsapp_template() -> ResponseReturnValue:
    """Set (or, empty, remove) the approved WhatsApp template sent for one staff template in one language."""
    form = WhatsAppTemplateForm()
    named = contacts.template_of(form.key.data or "", _hotline().catalogs.available())
    if named is None or not form.validate_on_submit():
        flash(_("The form was not complete; try again."), "error")
        return redirect(url_for("staff.contacts_page"))
    value = (form.value.data or "").strip()
    problem = contacts.problem_with_sid(value)
    if problem:
        flash(problem, "error")
        return redirect(url_for("staff.contacts_page"))
    key = contact_settings.template_key(*named)
    with get_db().transaction() as session:
        if value:
            contact_settings.save(session, key, value, verified=True, staff_id=_staff_id(), now=utcnow())
        else:
            contact_settings.forget(session, key)
    log.info("staff %s changed WhatsApp template setting %s", _staff_id(), key)
    flash(_("Saved: WhatsApp template “%(name)s” in %(locale)s.", name=named[0], locale=named[1]))
    return redirect(url_for("staff.contacts_page"))


@bp.post("/contacts")
@admin_required
def save_contact() -> ResponseReturnValue:
    """Change a number or link texters are given; refuse values that are malformed or too long for SMS."""
    form = ContactSettingForm()
    field = next((f for f in contacts.FIELDS if f.key == form.key.data), None)
    if field is None or not form.validate_on_submit():
        flash(_("The form was not complete; try again."), "error")
        return redirect(url_for("staff.contacts_page"))
    value = " ".join((form.value.data or "").split())
    problem = contacts.problem_with(field, value)
    with get_db().transaction() as session:
        values = {**_hotline().context(session), field.key.lower(): value}
        too_long = contacts.over_budget(_hotline(), values) if problem is None else []
        if problem is None and not too_long:
            contact_settings.save(
                session, field.key, value, verified=bool(form.verified.data), staff_id=_staff_id(), now=utcnow()
            )
    if problem:
        flash(problem, "error")
    elif too_long:
        flash(_("Too long: %(texts)s would cost more SMS than allowed.", texts=", ".join(too_long[:3])), "error")
    else:
        log.info("staff %s changed contact setting %s", _staff_id(), field.key)
        flash(_("Saved. Texters get the new value from their next text."))
    return redirect(url_for("staff.contacts_page"))
