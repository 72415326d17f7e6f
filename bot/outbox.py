"""The transactional outbox: texts and alerts are written with the change that caused them, then sent here.

Rows are queued inside the caller's transaction (bot/storage/outbox_rows.py). `flask outbox work`
drains due rows: it claims a batch (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers never
take the same row; SQLite's BEGIN IMMEDIATE serialises them), sends each outside any transaction
with a timeout, then records the outcome. Failures worth retrying wait `OUTBOX_BACKOFF_SECONDS * 2**(attempt-1)`, up to
`OUTBOX_MAX_ATTEMPTS`; Twilio's 21610 (the number opted out) marks the contact opted out and is
never retried; an opted-out contact is never texted. A WhatsApp text queued outside the family's 24-hour
window carries an approved template's Content SID and variables and goes as that template; WhatsApp's
window and template errors (63016, 63027…) are kept as `error_code` and never retried.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import unquote, urlsplit

from sqlmodel import Session

from bot.config import Settings
from bot.core.logsafe import describe_exception
from bot.storage import conversations, outbox_rows
from bot.storage.database import Database
from bot.storage.models import Outbox, utcnow
from bot.storage.outbox_rows import ALERT_EMAIL, FAMILY_TEXT, TWILIO_DELETE
from bot.twilio.rest import SendResult

log = logging.getLogger("holdline.outbox")

BATCH = 20
MAX_PAUSE_SECONDS = 30.0  # the longest wait between passes while the database fails


class Sender(Protocol):
    def send(
        self, to: str, body: str, content_sid: str | None = None, content_variables: str | None = None
    ) -> SendResult: ...

    def delete(self, resource: str) -> SendResult: ...


Mailer = Callable[[str, str, str], SendResult]  # (to, subject, body)


def dedupe_key(*parts: object) -> str:
    """Return a short key naming one send, so the same alert is never queued twice."""
    return "k:" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:40]


def backoff(attempts: int, base_seconds: int) -> timedelta:
    """Wait before the next try: base, 2×base, 4×base… after the 1st, 2nd, 3rd failure."""
    return timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0))


class Worker:
    """Drain the outbox through a text sender and an email sender."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        sender: Sender,
        mailer: Mailer | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.settings = settings
        self.sender = sender
        self.mailer = mailer or SmtpMailer(settings)
        self.clock = clock

    def drain(self, limit: int = 1000) -> int:
        """Send every due row (up to `limit`); return how many were tried."""
        tried = 0
        while tried < limit:
            with self.db.transaction() as session:
                batch = outbox_rows.claim(session, self.clock(), min(BATCH, limit - tried))
            if not batch:
                return tried
            for item_id in batch:
                self.deliver(item_id)
            tried += len(batch)
        return tried

    def deliver(self, item_id: int) -> str:
        """Send one claimed row and record the outcome; return its new status."""
        with self.db.transaction() as session:
            item = session.get(Outbox, item_id)
            if item is None:  # erased with the texter's data meanwhile
                return "gone"
            kind, recipient, body = item.kind, item.recipient, item.body
            content_sid, content_variables = item.content_sid, item.content_variables
            if kind == FAMILY_TEXT:
                found = conversations.outbound(session, item.message_id or 0)
                if found is None:
                    session.delete(item)
                    return "gone"
                message, contact = found
                if contact.opted_out:  # checked again at send time: STOP may have come after the queueing
                    return self._finish(session, item, "opted_out", "contact opted out")
                if contact.is_test:  # the phone preview's fictional numbers are never texted for real
                    return self._finish(session, item, "failed", "a test number (phone preview): not sent")
                recipient, body = conversations.contact_address(contact), message.body
        try:
            if kind == ALERT_EMAIL:
                result = self.mailer(recipient, alert_subject(self.settings), body)
            elif kind == TWILIO_DELETE:
                result = self.sender.delete(body)
            else:
                result = self.sender.send(recipient, body, content_sid, content_variables)
        except Exception as exc:  # a sender bug must not lose the row
            log.error("outbox %s: sending raised %s", item_id, describe_exception(exc))
            result = SendResult(retry=True, error=type(exc).__name__)
        with self.db.transaction() as session:
            item = session.get(Outbox, item_id)
            if item is None:
                return "gone"
            return self._record(session, item, result)

    def _record(self, session: Session, item: Outbox, result: SendResult) -> str:
        now = self.clock()
        item.error_code = result.code
        if result.ok:
            item.provider_sid = result.sid
            item.sent_at = now
            return self._finish(session, item, "sent", "")
        if result.opted_out:
            if item.kind == FAMILY_TEXT:
                found = conversations.outbound(session, item.message_id or 0)
                if found is not None:
                    conversations.set_opted_out(found[1], True, now)
                    session.add(found[1])
            return self._finish(session, item, "opted_out" if item.kind == FAMILY_TEXT else "failed", result.error)
        if result.retry and item.attempts < self.settings.outbox_max_attempts:
            item.status = "pending"
            item.last_error = result.error[:200]
            item.next_attempt_at = now + backoff(item.attempts, self.settings.outbox_backoff_seconds)
            session.add(item)
            log.warning("outbox %s: attempt %d failed (%s); retrying", item.id, item.attempts, result.error)
            return "pending"
        return self._finish(session, item, "failed", result.error)

    def _finish(self, session: Session, item: Outbox, status: str, error: str) -> str:
        item.status = status
        item.last_error = error[:200]
        session.add(item)
        if item.kind == FAMILY_TEXT and item.message_id:
            found = conversations.outbound(session, item.message_id)
            if found is not None:
                message = found[0]
                message.status = status
                if status == "sent":
                    message.sid = item.provider_sid
                session.add(message)
        level = logging.INFO if status == "sent" else logging.WARNING
        log.log(level, "outbox %s (%s): %s after %d attempt(s) %s", item.id, item.kind, status, item.attempts, error)
        return status

    def run(
        self,
        poll_seconds: float,
        once: bool,
        tick: Callable[[], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Drain forever (or once), running `tick` (alert sweep, journal replay) before each pass.

        No error ends the loop: a pass that fails (the database is down, frozen or locked) is logged
        by type and place, and the next one waits longer, up to MAX_PAUSE_SECONDS.
        """
        failures = 0
        while True:
            if tick is not None:
                try:
                    tick()
                except Exception as exc:  # the sweep failing must not stop texts going out
                    log.error("outbox tick failed: %s", describe_exception(exc))
            try:
                tried = self.drain()
                failures = 0
            except Exception as exc:
                failures += 1
                tried = 0
                log.error("outbox pass %d failed: %s", failures, describe_exception(exc))
            if once:
                return
            if failures:
                sleep(min(poll_seconds * 2**failures, MAX_PAUSE_SECONDS))
            elif not tried:
                sleep(poll_seconds)


def alert_subject(settings: Settings) -> str:
    return f"{settings.org_name}: critical report"


class SmtpMailer:
    """Send an alert email through ALERT_SMTP_URL: smtp:// only with STARTTLS, or smtps://; certificates verified.

    Fails closed: a server that offers no STARTTLS, or whose certificate does not verify for its host name,
    gets nothing (not the password, not the alert), and the reason is logged.
    """

    def __init__(self, settings: Settings) -> None:
        self.url = settings.alert_smtp_url
        self.sender = settings.alert_email_from
        self.timeout = settings.twilio_timeout_seconds
        self.ca_file = settings.alert_smtp_ca_file

    def __call__(self, to: str, subject: str, body: str) -> SendResult:
        if not self.url:
            return SendResult(error="ALERT_SMTP_URL is not set")
        parts = urlsplit(self.url)
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        # The system's CAs (or ALERT_SMTP_CA_FILE), and the host name checked against the certificate.
        context = ssl.create_default_context(cafile=self.ca_file or None)
        host = parts.hostname or "localhost"
        try:
            if parts.scheme == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(host, parts.port or 587, timeout=self.timeout)
            with smtp:
                smtp.ehlo()
                if parts.scheme == "smtp":
                    if not smtp.has_extn("starttls"):
                        log.error("alert email not sent: the mail server offers no STARTTLS; refusing to send in clear")
                        return SendResult(retry=True, error="smtp: no STARTTLS offered")
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if parts.username:
                    smtp.login(unquote(parts.username), unquote(parts.password or ""))
                smtp.send_message(message)
        except ssl.SSLCertVerificationError as exc:
            log.error("alert email not sent: the mail server's certificate was refused (%s)", exc.verify_message)
            return SendResult(retry=True, error="smtp: certificate not verified")
        except smtplib.SMTPResponseException as exc:
            return SendResult(retry=exc.smtp_code >= 400 and exc.smtp_code < 500, error=f"smtp {exc.smtp_code}")
        except (OSError, smtplib.SMTPException) as exc:
            return SendResult(retry=True, error=f"smtp {type(exc).__name__}")
        return SendResult(sid="email")
