"""The tables: who texts us, where their conversation stands, and every message in and out.

Personal columns (addresses, bodies, conversation answers) are read and written only through
bot/storage/, and are encrypted at rest (bot/storage/crypto.py): the code sees plain values, the
database file and its dumps only ciphertext. Lookups by address or reference code use their blind
index columns (`address_index`, `ref_index`); triage columns (status, urgency, facility, state,
dates) stay plain and indexed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, TypeDecorator, event
from sqlmodel import Field, SQLModel

from bot.storage.crypto import EncryptedBytes, EncryptedJSON, EncryptedText, blind_index


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store datetimes as UTC and always read them back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Refuse naive datetimes; store aware ones as UTC (naive UTC on SQLite, which keeps no zone)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Read stored datetimes back as aware UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Contact(SQLModel, table=True):
    """One texter's address on one channel (`+1312…` for SMS, `whatsapp:+1312…` for WhatsApp)."""

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(sa_column=Column(EncryptedText("contact.address"), nullable=False))
    address_index: str = Field(default="", max_length=64, unique=True, index=True)  # blind_index(address)
    channel: str = Field(max_length=16)
    locale: str = Field(default="en", max_length=16)
    locale_source: str = Field(default="default", max_length=12)  # default | detected | chosen
    home_state: str | None = Field(default=None, max_length=2)  # USPS code, once confirmed or asked
    opted_out: bool = Field(default=False)
    opted_out_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    is_test: bool = Field(default=False, index=True)  # a fictional test number (the phone preview)


class Conversation(SQLModel, table=True):
    """Where a contact's conversation stands: flow, node, answers so far (the engine's state)."""

    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    state: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(EncryptedJSON("conversation.state"), nullable=False)
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Message(SQLModel, table=True):
    """One text in or out. Inbound texts are stored before anything else happens to them."""

    id: int | None = Field(default=None, primary_key=True)
    sid: str | None = Field(default=None, max_length=64, unique=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    direction: str = Field(max_length=3)  # "in" or "out"
    channel: str = Field(max_length=16)
    body: str = Field(default="", sa_column=Column(EncryptedText("message.body"), nullable=False, default=""))
    # The exact text as UTF-8 bytes (surrogates kept) when `body` had to show NUL or a lone surrogate differently.
    raw_body: bytes | None = Field(default=None, sa_column=Column(EncryptedBytes("message.raw_body"), nullable=True))
    media: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(EncryptedJSON("message.media"), nullable=False)
    )
    segments: int = Field(default=0)
    # in: received -> handled | failed, or refused (its MessageSid is another sender's) ; out: replied (in TwiML)
    status: str = Field(max_length=16)
    reply_to_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
    # when `flask purge` emptied body, raw_body and media (RETAIN_MESSAGES_DAYS); the metadata stays for statistics
    purged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Report(SQLModel, table=True):
    """A family's report of someone held past release. Triage columns are plain and indexed."""

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(sa_column=Column(EncryptedText("report.ref"), nullable=False, default=""))
    ref_index: str = Field(default="", max_length=64, unique=True, index=True)  # blind_index(ref)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    report_type: str = Field(default="jail_hold", max_length=32)
    status: str = Field(default="new", max_length=24, index=True)
    urgency: str = Field(default="normal", max_length=12, index=True)  # critical | high | normal
    urgency_score: int = Field(default=0, index=True)
    is_test: bool = Field(default=False, index=True)  # filed from a test number: hidden unless staff show test data
    urgency_reasons: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    locale: str = Field(default="en", max_length=16)
    channel: str = Field(default="sms", max_length=16)
    submitted_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
    # when staff last closed it (None while open): RETAIN_CLOSED_REPORTS_DAYS counts from here
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))
    # when `flask purge` emptied its personal fields; the triage columns and the audit trail stay
    purged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # the detained person (personal: read and written through bot/storage/)
    detained_name: str = Field(
        default="", sa_column=Column(EncryptedText("report.detained_name"), nullable=False, default="")
    )
    name_key: str = Field(default="", max_length=200, index=True)  # normalised name, for staff's search
    # Same-person linking matches these for equality (bot/reports/fields.py: match_key, facility_key).
    match_key: str = Field(default="", max_length=200)
    facility_key: str = Field(default="", max_length=200)
    detained_dob: str | None = Field(
        default=None, sa_column=Column(EncryptedText("report.detained_dob"), nullable=True)
    )
    dob_index: str | None = Field(default=None, max_length=64, index=True)  # blind_index(detained_dob), for linking
    citizenship: str = Field(default="unknown", max_length=24)
    a_number: str | None = Field(default=None, sa_column=Column(EncryptedText("report.a_number"), nullable=True))
    other_names: str = Field(
        default="", sa_column=Column(EncryptedText("report.other_names"), nullable=False, default="")
    )  # other spellings, second surname
    birth_country: str = Field(default="", max_length=60)  # every ICE locator search needs it
    booking_number: str = Field(
        default="", sa_column=Column(EncryptedText("report.booking_number"), nullable=False, default="")
    )  # the jail's booking or the court's case number
    defense_lawyer: str = Field(
        default="", sa_column=Column(EncryptedText("report.defense_lawyer"), nullable=False, default="")
    )  # criminal defense lawyer, if any
    papers_received: str | None = Field(default=None, max_length=16)  # i247a, ice_warrant, both, other, none, unknown
    # where and when
    facility: str = Field(default="", max_length=300)
    city_or_county: str = Field(default="", max_length=200)
    state: str | None = Field(default=None, max_length=2, index=True)
    arrested_on: str | None = Field(default=None, max_length=10)
    release_due_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    release_due_approximate: bool = Field(default=False)
    release_reason: str | None = Field(default=None, max_length=32)
    still_held: str = Field(default="unknown", max_length=8)  # yes | no | unknown
    ice_mentioned: str = Field(default="unknown", max_length=8)
    ice_took_custody: str = Field(default="unknown", max_length=8)
    warrant_shown: str | None = Field(default=None, max_length=8)  # street arrests: yes | no | unknown
    arrest_details: str = Field(
        default="", sa_column=Column(EncryptedText("report.arrest_details"), nullable=False, default="")
    )  # street arrests: time, exact place
    # the reporter (personal)
    reporter_name: str = Field(
        default="", sa_column=Column(EncryptedText("report.reporter_name"), nullable=False, default="")
    )
    reporter_relationship: str = Field(
        default="", sa_column=Column(EncryptedText("report.reporter_relationship"), nullable=False, default="")
    )
    callback_number: str | None = Field(
        default=None, sa_column=Column(EncryptedText("report.callback_number"), nullable=True)
    )
    consent_to_contact: bool = Field(default=False)
    media: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(EncryptedJSON("report.media"), nullable=False)
    )


class ReportLink(SQLModel, table=True):
    """Two reports about the same person (e.g. from two relatives); stored once in each direction."""

    report_id: int = Field(foreign_key="report.id", primary_key=True)
    related_id: int = Field(foreign_key="report.id", primary_key=True)


class ReportNameWord(SQLModel, table=True):
    """One word of a report's detained name as a blind-index token, so staff's name search is an index lookup."""

    token: str = Field(primary_key=True, max_length=16)  # bot/storage/crypto.py word_token
    report_id: int = Field(foreign_key="report.id", primary_key=True, index=True)


# --- the staff dashboard ---------------------------------------------------------------------------


class StaffUser(SQLModel, table=True):
    """Someone who works the queue: `staff` (intake worker, attorney) or `admin` (also manages accounts)."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-cased
    name: str = Field(default="", max_length=200)
    role: str = Field(default="staff", max_length=8)  # admin | staff
    password_hash: str = Field(max_length=255)
    active: bool = Field(default=True)
    session_version: int = Field(default=1)  # bumped to end every session of the account at once
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    disabled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    totp_secret: str | None = Field(default=None, max_length=64)  # base32; set once the second factor is confirmed
    totp_last_step: int = Field(default=0)  # the last 30 s step a code was accepted for: no code works twice
    password_changed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class StaffSession(SQLModel, table=True):
    """One logged-in browser: only the SHA-256 of its token is kept; ended on logout, password change, disable."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    staff_id: int = Field(foreign_key="staffuser.id", index=True)
    user_agent: str = Field(default="", max_length=200)  # shown in the list of sessions, to tell them apart
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    seen_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class RecoveryCode(SQLModel, table=True):
    """A one-time code that stands in for a lost authenticator; only its salted argon2id hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staffuser.id", index=True)
    code_hash: str = Field(max_length=255)  # salted argon2id: the codes are short enough to guess offline
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class LoginFailure(SQLModel, table=True):
    """A failed staff login, kept for the throttling window (per account and per address)."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    ip: str = Field(max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))


class Assignment(SQLModel, table=True):
    """Who works a report now: one staff member per report."""

    report_id: int = Field(foreign_key="report.id", primary_key=True, ondelete="CASCADE")
    staff_id: int = Field(foreign_key="staffuser.id", index=True)
    assigned_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ReportEvent(SQLModel, table=True):
    """One thing done to a report, by whom and when: the audit trail and the report's timeline.

    kind: assigned | status | note | text | alert | urgency | corrected (by the family, by text). `detail`
    holds the kind's facts (e.g. {"from": "new", "to": "in_review"}); `body` a note's words, or a
    correction's old and new values (personal: through bot/storage/).
    """

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE")
    staff_id: int | None = Field(default=None, foreign_key="staffuser.id")
    kind: str = Field(max_length=16)
    detail: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(EncryptedJSON("reportevent.detail"), nullable=False)
    )
    body: str = Field(default="", sa_column=Column(EncryptedText("reportevent.body"), nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ExportEvent(SQLModel, table=True):
    """One export of reports, by whom (a staff account, or `cli`) and when: the audit trail of exports.

    `filters` holds the queue filter used (its search text may be a name) and `refs` the reference codes
    exported: both personal, so encrypted at rest like the rest of the audit trail.
    """

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int | None = Field(default=None, foreign_key="staffuser.id", index=True)
    actor: str = Field(max_length=8)  # staff | cli
    format: str = Field(max_length=8)  # csv | jsonl
    filters: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(EncryptedJSON("exportevent.filters"), nullable=False)
    )
    refs: list[str] = Field(default_factory=list, sa_column=Column(EncryptedJSON("exportevent.refs"), nullable=False))
    count: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))


class Outbox(SQLModel, table=True):
    """A text or alert to send, written in the transaction that decided it and drained by `flask outbox work`.

    kind: family_text (body and address in the linked Message) | alert_sms | alert_email (recipient
    and body here: an on-call address from configuration and a text without personal details).
    status: pending -> sending -> sent | failed | opted_out.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    message_id: int | None = Field(default=None, foreign_key="message.id", ondelete="CASCADE")
    report_id: int | None = Field(default=None, foreign_key="report.id", ondelete="CASCADE")
    recipient: str = Field(default="", max_length=254)
    body: str = Field(default="", sa_column=Column(EncryptedText("outbox.body"), nullable=False, default=""))
    dedupe_key: str | None = Field(default=None, max_length=64, unique=True)
    status: str = Field(default="pending", max_length=12)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_error: str = Field(default="", max_length=200)  # an error code and class, never a number or a body
    provider_sid: str | None = Field(default=None, max_length=64)
    # A WhatsApp text outside the 24-hour window goes as an approved template: its Content SID (HX…) and
    # its variables as JSON ({"1": "Holdline", "2": "R-AB23"}); None for free-form texts and SMS.
    content_sid: str | None = Field(default=None, max_length=34)
    content_variables: str | None = Field(
        default=None, sa_column=Column(EncryptedText("outbox.content_variables"), nullable=True)
    )
    error_code: int | None = Field(default=None)  # Twilio's error code of the last failed try (63016…)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


# The queue's orders and filters, so a page of 100k reports is an index walk, not a sort.
_report = Report.__table__.c  # type: ignore[attr-defined]
# is_test first: the queue always filters on it (test data is hidden unless shown)
Index("ix_report_queue", _report.is_test, _report.urgency_score.desc(), _report.submitted_at, _report.id)
Index("ix_report_status_queue", _report.is_test, _report.status, _report.urgency_score.desc(), _report.submitted_at)
Index("ix_report_release_due_at", _report.release_due_at)
Index("ix_report_contact_submitted", _report.contact_id, _report.submitted_at, _report.id)  # a texter's own
# Reports about the same person: same match key and birth date, or same match key and jail within days.
Index("ix_report_same_person_dob", _report.match_key, _report.dob_index)
Index("ix_report_same_person_place", _report.match_key, _report.facility_key, _report.submitted_at)
Index("ix_reportevent_report_created", ReportEvent.__table__.c.report_id, ReportEvent.__table__.c.created_at)  # type: ignore[attr-defined]
Index("ix_outbox_due", Outbox.__table__.c.status, Outbox.__table__.c.next_attempt_at)  # type: ignore[attr-defined]
Index("ix_message_contact_created", Message.__table__.c.contact_id, Message.__table__.c.created_at)  # type: ignore[attr-defined]


class ContactSetting(SQLModel, table=True):
    """A number or link texters are given (LEGAL_HELP_PHONE…), or a WhatsApp template's SID, as staff set it."""

    key: str = Field(primary_key=True, max_length=80)  # also WHATSAPP_TEMPLATE.<template>.<locale>
    value: str = Field(max_length=200)
    verified: bool = Field(default=False)
    verified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))  # last check
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_by_id: int | None = Field(default=None, foreign_key="staffuser.id")


def _index_contact(_mapper: Any, _connection: Any, contact: Contact) -> None:
    """Keep a contact's blind index in step with its address."""
    if contact.address:  # an erased number ("" after DELETE) keeps its index: STOP is still honoured
        contact.address_index = blind_index(contact.address)


def _index_report(_mapper: Any, _connection: Any, report: Report) -> None:
    """Keep a report's blind index in step with its reference code."""
    report.ref_index = blind_index(report.ref)
    report.dob_index = blind_index(report.detained_dob) if report.detained_dob else None


for _kind in ("before_insert", "before_update"):
    event.listen(Contact, _kind, _index_contact)
    event.listen(Report, _kind, _index_report)
