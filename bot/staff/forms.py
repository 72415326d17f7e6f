"""The dashboard's forms (Flask-WTF: every POST carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from bot.core.statuses import STAFF_STATUSES, Status
from bot.staff.accounts import ROLES
from bot.staff.i18n import _
from bot.staff.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

NOTE_MAX = 4000
TEXT_MAX = 600  # at most four SMS segments of plain text; templates are far shorter


class LoginForm(FlaskForm):
    email = EmailField(_("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])


class CodeForm(FlaskForm):
    code = StringField(_("Code"), validators=[DataRequired(), Length(max=32)])


class ReauthForm(FlaskForm):
    """Changes to how one logs in (second factor, sessions) ask for the password again."""

    password = PasswordField(_("Your password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])


class ReauthCodeForm(ReauthForm):
    code = StringField(_("Code"), validators=[DataRequired(), Length(max=32)])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    new = PasswordField(
        _("New password (at least %(n)s characters)", n=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
    )
    confirm = PasswordField(_("New password again"), validators=[DataRequired()])

    def validate_confirm(self, field: PasswordField) -> None:
        if field.data != self.new.data:
            raise ValidationError(_("The two new passwords differ."))


class AssignForm(FlaskForm):
    assignee = SelectField(_("Assign to"), choices=[], validators=[Optional()])


class StatusForm(FlaskForm):
    status = SelectField(
        _("New status"), choices=[SelectChoice(s) for s in STAFF_STATUSES], validators=[DataRequired()]
    )
    reason = TextAreaField(_("Reason (required when closing)"), validators=[Optional(), Length(max=1000)])
    notify = BooleanField(_("Text the family about this change, in their language"))

    def validate_reason(self, field: TextAreaField) -> None:
        if self.status.data == Status.CLOSED and not (field.data or "").strip():
            raise ValidationError(_("Say why the report is closed."))


class NoteForm(FlaskForm):
    body = TextAreaField(_("Note"), validators=[DataRequired(), Length(max=NOTE_MAX)])


class TextForm(FlaskForm):
    template = RadioField(_("Message"), choices=[], validators=[DataRequired()])
    body = TextAreaField(_("Your text (sent as typed, not translated)"), validators=[Optional(), Length(max=TEXT_MAX)])

    def validate_body(self, field: TextAreaField) -> None:
        if self.template.data == "free" and not (field.data or "").strip():
            raise ValidationError(_("Type the text to send."))


class CreateStaffForm(FlaskForm):
    email = EmailField(_("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_("Role"), choices=[SelectChoice(r) for r in ROLES], default="staff")
    password = PasswordField(
        _("Password (at least %(n)s characters)", n=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
    )


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token (disable, enable)."""


class WhatsAppTemplateForm(FlaskForm):
    """One approved WhatsApp template's Content SID for one staff template and locale (empty: remove)."""

    key = StringField(validators=[DataRequired(), Length(max=80)])
    value = StringField(_("Content SID"), validators=[Optional(), Length(max=40)])


class ContactSettingForm(FlaskForm):
    key = StringField(validators=[DataRequired(), Length(max=40)])
    value = StringField(_("Value"), validators=[DataRequired(), Length(max=200)])
    verified = BooleanField(_("I checked that this is right today"))


PREVIEW_TEXT_MAX = 1600  # what Twilio accepts in one inbound text


class PreviewForm(FlaskForm):
    """One text typed into the phone preview, from a test number, in a language, on a channel."""

    locale = SelectField(_("Language"), choices=[], validators=[DataRequired()])
    channel = SelectField(
        _("Channel"), choices=[SelectChoice("sms", "SMS"), SelectChoice("whatsapp", "WhatsApp")], default="sms"
    )
    number = StringField(_("Test number"), validators=[DataRequired(), Length(max=32)])
    body = TextAreaField(_("Text"), validators=[DataRequired(), Length(max=PREVIEW_TEXT_MAX)])
    button = HiddenField(validators=[Length(max=200)])  # a tapped WhatsApp button's id (its title is the body)
    list_item = HiddenField(validators=[Length(max=1)])  # "1": the tap was on a list item


class PreviewResetForm(FlaskForm):
    """Start the test number's conversation over."""

    number = StringField(validators=[DataRequired(), Length(max=32)])
    channel = StringField(validators=[DataRequired(), Length(max=16)])
