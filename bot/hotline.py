"""Take one inbound text from storage to replies: store it, run the engine under a lock, store the result."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.answers import ANSWERING, FIRST_TEXT_FACTS, RULES
from bot.config import CONTACT_DEFAULTS, ConfigError, Settings
from bot.core.breaker import Breaker
from bot.core.deadline import Late, call_within
from bot.core.inbound import Inbound
from bot.core.logsafe import describe_exception, log_fields
from bot.core.segments import LEGAL_SEGMENT_BUDGET, SEGMENT_BUDGET, count_segments, split_to_budget
from bot.core.text import MAX_BODY, storable
from bot.engine import runner
from bot.engine.checks import FlowRules
from bot.engine.flow import FILED_REF, SUBMIT_EVENT, FlowSet
from bot.engine.io import Inputs, Policy, Speech
from bot.engine.keywords import match_keyword
from bot.engine.state import State
from bot.i18n.catalogs import Catalogs
from bot.i18n.gsm7 import FoldError, folds
from bot.i18n.languages import Detector, Languages, load_languages
from bot.i18n.speech import build_speech
from bot.sms.journal import Journal
from bot.storage import contact_settings, conversations, outbox_rows, reports
from bot.storage.database import UNAVAILABLE, Database
from bot.storage.models import Contact, Report, utcnow
from bot.twilio.interactive import content_for

log = logging.getLogger("holdline.hotline")

CARRIER_KEYWORDS = {"STOP": "stop", "START": "start", "HELP": "help"}
FLOW_EVENTS = frozenset({SUBMIT_EVENT})  # the `event:` values a flow node may name; handled in receive()
WEBHOOK_DEADLINE_SECONDS = 7.0  # the normal path's share of Twilio's 15 s; the journal answers after it
BREAKER_SECONDS = 3.0  # after the database failed, texts go straight to the journal this long (one probes it)
REMEMBERED_SENDERS = 10_000  # senders whose language this process remembers, for answers without the database


@dataclass
class Hotline:
    """The bot wired to its storage: flows, catalogs, settings and the database."""

    db: Database
    flows: FlowSet
    catalogs: Catalogs
    settings: Settings
    journal: Journal
    clock: Callable[[], datetime] = field(default=utcnow)  # tests move time forward through this
    deadline_seconds: float = WEBHOOK_DEADLINE_SECONDS
    speech: Speech = field(init=False)
    detector: Detector | None = field(init=False)
    languages: Languages = field(init=False)  # every language in the registry, with its review status

    def __post_init__(self) -> None:
        """Offer the languages that have a catalog, and learn their STOP and LANGUAGE words."""
        self.languages = load_languages(self.settings.locales_dir)
        try:
            gsm7 = folds(self.settings.locales_dir, self.settings.sms_gsm7_locales)
        except FoldError as exc:  # a wrong SMS_GSM7_LOCALES or fold table stops the start, as other settings do
            raise ConfigError(str(exc)) from exc
        self.speech, offered = build_speech(self.flows, self.catalogs, self.languages, gsm7)
        self.detector = Detector(offered) if offered else None
        self._locales: OrderedDict[str, str] = OrderedDict()  # address -> locale, of recently handled texts
        self._locales_lock = threading.Lock()
        # Without it, every webhook would wait out the deadline on a frozen database, and the requests
        # queued behind them would answer Twilio too late.
        self.breaker = Breaker(rest_seconds=BREAKER_SECONDS, probe_seconds=self.deadline_seconds)

    @property
    def policy(self) -> Policy:
        return Policy(
            expire_after=timedelta(days=self.settings.conversation_idle_days),
            resume_after=timedelta(minutes=self.settings.conversation_resume_after_minutes),
        )

    @staticmethod
    def context_keys() -> list[str]:
        """The placeholders flows may use for configured values."""
        return [setting.lower() for setting in CONTACT_DEFAULTS]

    @staticmethod
    def flow_rules(*, production: bool = False) -> FlowRules:
        """What this hotline gives flows: parsers, configured placeholders, events; production asks for reviewers."""
        return FlowRules(
            parsers=RULES,
            context_keys=frozenset(Hotline.context_keys()),
            events=FLOW_EVENTS,
            heard=FIRST_TEXT_FACTS,
            production=production,
        )

    def context(self, session: Session | None = None) -> dict[str, str]:
        """Placeholder values shown to texters: staff's saved contact settings, else the configured ones.

        Without a session (the database may be what failed) only the configured values are used.
        """
        saved = contact_settings.saved_values(session) if session is not None else {}
        configured = self.settings.contacts()
        return {
            setting.lower(): saved[setting] if setting in saved else configured[setting.lower()]
            for setting in CONTACT_DEFAULTS
        }

    def delivery_failed(self, provider_sid: str, status: str, code: int | None) -> bool:
        """Keep Twilio's report that a sent text failed (63016…) on its outbox row; return whether it was ours."""
        with self.db.transaction() as session:
            return outbox_rows.record_failure(session, provider_sid, status, code, utcnow())

    def answer(self, inbound: Inbound) -> list[str]:
        """Answer a webhook: the normal path within the deadline, else keep the text in the journal.

        A text from a sender with earlier texts still in the journal joins them, so each sender's
        texts are handled in the order they arrived.
        """
        if self.breaker.resting() or self.journal.waits_for(inbound.address):
            return self.keep_for_later(inbound)

        def work(abandoned: threading.Event) -> list[str]:
            if abandoned.is_set():  # queued behind stuck calls past the deadline: the journal has it
                return []
            return self.receive(inbound, later=abandoned.is_set)

        try:
            replies = call_within(self.deadline_seconds, work)
        except (*UNAVAILABLE, Late) as exc:
            self.breaker.failed()
            log.warning("database unavailable, message %s journaled: %s", inbound.sid, describe_exception(exc))
            return self.keep_for_later(inbound)
        except Exception as exc:  # a bug must not lose the text either: the replay tries again
            log.error("message %s could not be stored, journaled: %s", inbound.sid, describe_exception(exc))
            return self.keep_for_later(inbound)
        self.breaker.answered()
        return replies

    def keep_for_later(self, inbound: Inbound) -> list[str]:
        """Journal the text and tell the texter honestly: received, answered shortly (or not kept: send again)."""
        try:
            self.journal.append(inbound, self.clock())
        except OSError as exc:
            log.error("message %s could not be journaled: %s", inbound.sid, describe_exception(exc))
            return [self._said_without_database("not_received", inbound)]
        log.info("message %s journaled", inbound.sid)
        if (inbound.opt_out_type or "").upper() == "STOP":
            return []  # an opt-out gets its one confirmation when it is replayed
        return [self._said_without_database("received_later", inbound)]

    def _said_without_database(self, key: str, inbound: Inbound) -> str:
        """A system text in the sender's language if this process knows it or the text shows it; else in several."""
        with self._locales_lock:
            locale = self._locales.get(inbound.address)
        if locale is None and self.detector is not None:
            locale = self.detector.detect(storable(inbound.body)[:MAX_BODY])
        source = self.flows.messages[key]
        context = self.context()
        if locale is not None:
            return self.catalogs.translator(locale)(f"system.{key}", source).format_map(context)
        return self._in_every_language(f"{key}_short", context)

    def _in_every_language(self, key: str, context: dict[str, str]) -> str:
        """One text saying a short message in as many languages as fit the segment budget, English first."""
        source, said = self.flows.messages[key], ""
        for locale in self.catalogs.available():
            line = self.catalogs.translator(locale)(f"system.{key}", source).format_map(context)
            joined = f"{said}\n{line}" if said else line
            if line in said.split("\n"):
                continue
            if count_segments(joined) > SEGMENT_BUDGET:
                continue
            said = joined
        return said

    def _remember_locale(self, address: str, locale: str) -> None:
        with self._locales_lock:
            self._locales[address] = locale
            self._locales.move_to_end(address)
            while len(self._locales) > REMEMBERED_SENDERS:
                self._locales.popitem(last=False)

    def receive(
        self, inbound: Inbound, now: datetime | None = None, later: Callable[[], bool] | None = None
    ) -> list[str]:
        """Store the text, then answer it; a repeated MessageSid gets the replies it already got.

        When `later()` is true at the end (replayed from the journal, or the webhook stopped
        waiting), the replies go out through the outbox instead of the HTTP answer. Raises one of
        UNAVAILABLE when the database cannot be used: the caller journals the text.
        """
        now = now or self.clock()
        log_fields.set({**log_fields.get(), "message_sid": inbound.sid})
        with self.db.transaction() as session:
            contact_id = conversations.contact_id_of(session, inbound.address, inbound.channel)
            message_id, _new = conversations.record_inbound(session, contact_id, inbound)
        try:
            return self._answer(contact_id, message_id, inbound, now, later or (lambda: False))
        except UNAVAILABLE:
            raise  # stored, still `received`: the journal's replay answers it once the database is back
        except Exception as exc:  # the texter must get an answer whatever broke
            log.error("inbound message %s failed: %s", inbound.sid, describe_exception(exc))
            return self._apologise(contact_id, message_id)

    def _answer(
        self, contact_id: int, message_id: int, inbound: Inbound, now: datetime, later: Callable[[], bool]
    ) -> list[str]:
        with self.db.transaction() as session:
            locked = conversations.lock_turn(
                session, contact_id, message_id, utcnow() - timedelta(hours=1), utcnow() - timedelta(days=1)
            )
            contact, last_seen = locked.contact, locked.last_seen
            if locked.status != "received":
                return conversations.replies_to(session, message_id)
            received, spent = locked.received, locked.spent
            if self._over_inbound_limit(received, inbound):
                return self._limited(session, contact, message_id, inbound, now, later)
            state = State.from_dict(locked.state)
            locale_known = contact.locale_source != "default"
            detect = self.detector and not locale_known and not state.started
            said = storable(inbound.body)[:MAX_BODY]  # longer than Twilio sends: stored whole, read this far
            filed = reports.report_infos(session, contact) if locked.filed else ()
            outcome = runner.handle(
                self.flows,
                state,
                Inputs(
                    text=said,
                    now=now,
                    last_seen=last_seen,
                    locale=contact.locale,
                    opted_out=contact.opted_out,
                    carrier_keyword=CARRIER_KEYWORDS.get((inbound.opt_out_type or "").upper()),
                    timezone=self.settings.hotline_timezone,
                    media=tuple({"url": url, "content_type": kind} for url, kind in inbound.media),
                    sender=inbound.address.removeprefix("whatsapp:"),
                    prefill=self._prefill(session, contact, inbound, filed),
                    profile=conversations.profile_of(contact),
                    locale_known=locale_known,
                    detected=self.detector.detect(said) if detect and self.detector else None,
                    reports=filed,
                    button=inbound.button,
                    channel=inbound.channel,
                ),
                answering=ANSWERING,
                context=self.context(session),
                policy=self.policy,
                speech=self.speech,
            )
            erased, replies = False, outcome.replies
            for event in outcome.events:
                if event.name == "opted_out":
                    conversations.set_opted_out(contact, True, now)
                elif event.name == "opted_in":
                    conversations.set_opted_out(contact, False, now)
                elif event.name == SUBMIT_EVENT:
                    report = self._file(session, contact, event.data, now)
                    outcome.state.report_filed(report.ref)
                    replies = [reply.replace("{ref}", report.ref) for reply in replies]
                elif event.name == "locale":
                    conversations.set_locale(contact, event.data["locale"], event.data["source"])
                elif event.name == "remember":
                    conversations.remember(contact, event.data)
                elif event.name == "erase":
                    kept = reports.erase_contact_data(session, contact, now)
                    self.db.after_commit(session, self.db.erase_traces)
                    log.info("contact %s erased their data; %d report(s) kept", contact.id, len(kept))
                    erased = True
            session.add(contact)
            # A safety net for summaries full of long answers: flow texts are checked at their own budgets.
            replies = [part for reply in replies for part in split_to_budget(reply, LEGAL_SEGMENT_BUDGET)]
            if erased:  # nothing of this conversation is stored again, not even this text
                return replies
            conversations.save_conversation(
                session, contact, outcome.state.to_dict(), now, stored=last_seen is not None
            )
            replies = self._within_segment_budget(spent, inbound, replies)
            drawn = None
            if contact.channel == "whatsapp" and replies and replies[-1] == outcome.replies[-1]:
                drawn = content_for(outcome.choices, replies[-1], self.settings.whatsapp_button_sids())
            replies = self._deliver(session, contact, message_id, replies, now, later, drawn)
            conversations.set_inbound_status(session, message_id, "handled")
            locale = contact.locale
            log.info("inbound message %s handled with %d replies", inbound.sid, len(replies))
        self._remember_locale(inbound.address, locale)
        return replies

    def _prefill(self, session: Session, contact: Contact, inbound: Inbound, filed: tuple) -> dict[str, str]:
        """Values a question may offer for a YES: Twilio's FromState, and the last report's reporter and jail."""
        known = {"from_state": inbound.from_state} if inbound.from_state else {}
        return known | (reports.last_details(session, contact) if filed else {})  # no query for a first report

    def _file(self, session: Session, contact: Contact, data: dict[str, Any], now: datetime) -> Report:
        """Store a submitted report, or amend the one these answers were filed as (a fast-lane report, FIX)."""
        amends = data.get("amends")
        report = reports.amend_report(session, contact, amends, data["answers"], now=now, zone=self.settings.zone)
        if report is None:
            ref = reports.unused_ref(session)
            answers = {k: v for k, v in data["answers"].items() if k != FILED_REF}
            report = reports.create_report(
                session, contact, answers, ref=ref, locale=contact.locale, now=now, zone=self.settings.zone
            )
            log.info("report %s submitted (urgency %s)", report.ref, report.urgency)
        else:
            log.info("report %s amended by the texter (urgency %s)", report.ref, report.urgency)
        log_fields.set({**log_fields.get(), "report_ref": report.ref})
        return report

    def _over_inbound_limit(self, sent: int, inbound: Inbound) -> bool:
        """Whether this number sent more than INBOUND_TEXTS_PER_HOUR texts this hour (STOP and START always count).

        `sent`: the texts it sent this hour, this one included."""
        if sent <= self.settings.inbound_texts_per_hour:
            return False
        carrier = CARRIER_KEYWORDS.get((inbound.opt_out_type or "").upper())
        words = {name: self.speech.everywhere.get(name, []) for name in ("stop", "start")}
        return (carrier or match_keyword(storable(inbound.body)[:MAX_BODY], words, self.speech.opt_out_leads)) is None

    def _limited(
        self,
        session: Session,
        contact: Contact,
        message_id: int,
        inbound: Inbound,
        now: datetime,
        later: Callable[[], bool],
    ) -> list[str]:
        """Keep a flooding number's text unanswered (status `limited`, for staff); the first one over gets a notice."""
        conversations.set_inbound_status(session, message_id, "limited")
        log.warning("message %s is over the per-number limit: stored, not answered", inbound.sid)
        sent = conversations.count_inbound_since(session, contact.id or 0, utcnow() - timedelta(hours=1))
        if contact.opted_out or sent != self.settings.inbound_texts_per_hour + 1:
            return []
        notice = self.catalogs.translator(contact.locale)("system.slow_down", self.flows.messages["slow_down"])
        return self._deliver(session, contact, message_id, [notice.format_map(self.context(session))], now, later)

    @staticmethod
    def _deliver(
        session: Session,
        contact: Contact,
        message_id: int,
        replies: list[str],
        now: datetime,
        later: Callable[[], bool],
        drawn: tuple[str, str] | None = None,
    ) -> list[str]:
        """Store the replies for the HTTP answer, or queue them as texts: when nobody waits for the answer any
        more, or when the last one goes as WhatsApp buttons or a list (`drawn`: its Content SID and variables),
        which TwiML cannot carry; queued in order, the texts before it go the same way."""
        if drawn is None and not later():
            conversations.record_replies(session, contact, message_id, replies)
            return replies
        for n, body in enumerate(replies, start=1):
            # written now, after the text it answers (which was stored after `now` was read): the transcript's order
            queued = conversations.queue_text(session, contact, body, utcnow(), reply_to_id=message_id)
            content_sid, variables = drawn if drawn is not None and n == len(replies) else (None, None)
            outbox_rows.enqueue_family_text(session, queued.id or 0, None, now, content_sid, variables)
        return []

    def _within_segment_budget(self, spent: int, inbound: Inbound, replies: list[str]) -> list[str]:
        """Drop the replies that would take a number past REPLY_SEGMENTS_PER_DAY (the text itself is kept).

        `spent`: the segments sent to this number in the last day, before these replies."""
        kept = []
        for reply in replies:
            spent += count_segments(reply)
            if spent > self.settings.reply_segments_per_day:
                log.warning("message %s: replies over the daily segment budget were not sent", inbound.sid)
                break
            kept.append(reply)
        return kept

    def _apologise(self, contact_id: int, message_id: int) -> list[str]:
        """Mark the text failed (it stays stored for staff) and give the texter a short apology."""
        source = self.flows.messages["apology"]
        apology = source.format_map(self.context())
        try:
            with self.db.transaction() as session:
                contact = conversations.lock_contact(session, contact_id)
                if conversations.inbound_status(session, message_id) != "received":
                    return conversations.replies_to(session, message_id)
                conversations.set_inbound_status(session, message_id, "failed")
                if contact.opted_out:
                    return []
                apology = self.catalogs.translator(contact.locale)("system.apology", source).format_map(
                    self.context(session)
                )
                conversations.record_replies(session, contact, message_id, [apology])
        except Exception as exc:
            log.error("could not record the failure of a message: %s", describe_exception(exc))
        return [apology]
