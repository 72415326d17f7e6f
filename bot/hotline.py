"""Take one inbound text from storage to replies: store it, run the engine under a lock, store the result."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.answers import ANSWERING, RULES
from bot.config import CONTACT_DEFAULTS, Settings
from bot.core.inbound import Inbound
from bot.core.logsafe import describe_exception
from bot.core.segments import LEGAL_SEGMENT_BUDGET, split_to_budget
from bot.engine import runner
from bot.engine.checks import FlowRules
from bot.engine.flow import FlowSet
from bot.engine.io import Inputs, Policy, Speech
from bot.engine.state import State
from bot.i18n.catalogs import Catalogs
from bot.i18n.languages import Detector, Languages, load_languages
from bot.i18n.speech import build_speech
from bot.storage import contact_settings, conversations, reports
from bot.storage.database import Database
from bot.storage.models import utcnow

log = logging.getLogger("holdline.hotline")

CARRIER_KEYWORDS = {"STOP": "stop", "START": "start", "HELP": "help"}
FLOW_EVENTS = frozenset({"submit_report"})  # the `event:` values a flow node may name; handled in receive()


@dataclass
class Hotline:
    """The bot wired to its storage: flows, catalogs, settings and the database."""

    db: Database
    flows: FlowSet
    catalogs: Catalogs
    settings: Settings
    clock: Callable[[], datetime] = field(default=utcnow)  # tests move time forward through this
    speech: Speech = field(init=False)
    detector: Detector | None = field(init=False)
    languages: Languages = field(init=False)  # every language in the registry, with its review status

    def __post_init__(self) -> None:
        """Offer the languages that have a catalog, and learn their STOP and LANGUAGE words."""
        self.languages = load_languages(self.settings.locales_dir)
        self.speech, offered = build_speech(self.flows, self.catalogs, self.languages)
        self.detector = Detector(offered) if offered else None

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
            parsers=RULES, context_keys=frozenset(Hotline.context_keys()), events=FLOW_EVENTS, production=production
        )

    def context(self, session: Session | None = None) -> dict[str, str]:
        """Placeholder values shown to texters: staff's saved contact settings, else the configured ones.

        Without a session (the database may be what failed) only the configured values are used.
        """
        saved = contact_settings.saved(session) if session is not None else {}
        configured = self.settings.contacts()
        return {
            setting.lower(): saved[setting].value if setting in saved else configured[setting.lower()]
            for setting in CONTACT_DEFAULTS
        }

    def receive(self, inbound: Inbound, now: datetime | None = None) -> list[str]:
        """Store the text, then answer it; a repeated MessageSid gets the replies it already got."""
        now = now or self.clock()
        with self.db.transaction() as session:
            contact = conversations.upsert_contact(session, inbound.address, inbound.channel)
            contact_id = contact.id
            message_id, _new = conversations.record_inbound(session, contact, inbound)
        try:
            return self._answer(contact_id, message_id, inbound, now)
        except Exception as exc:  # the texter must get an answer whatever broke
            log.error("inbound message %s failed: %s", inbound.sid, describe_exception(exc))
            return self._apologise(contact_id, message_id)

    def _answer(self, contact_id: int, message_id: int, inbound: Inbound, now: datetime) -> list[str]:
        with self.db.transaction() as session:
            contact = conversations.lock_contact(session, contact_id)
            if conversations.inbound_status(session, message_id) != "received":
                return conversations.replies_to(session, message_id)
            data, last_seen = conversations.load_conversation(session, contact)
            state = State.from_dict(data)
            locale_known = contact.locale_source != "default"
            detect = self.detector and not locale_known and not state.started
            outcome = runner.handle(
                self.flows,
                state,
                Inputs(
                    text=inbound.body,
                    now=now,
                    last_seen=last_seen,
                    locale=contact.locale,
                    opted_out=contact.opted_out,
                    carrier_keyword=CARRIER_KEYWORDS.get((inbound.opt_out_type or "").upper()),
                    timezone=self.settings.hotline_timezone,
                    media=tuple({"url": url, "content_type": kind} for url, kind in inbound.media),
                    sender=inbound.address.removeprefix("whatsapp:"),
                    prefill={"from_state": inbound.from_state} if inbound.from_state else {},
                    profile=conversations.profile_of(contact),
                    locale_known=locale_known,
                    detected=self.detector.detect(inbound.body) if detect and self.detector else None,
                    reports=reports.report_infos(session, contact),
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
                elif event.name == "submit_report":
                    ref = reports.unused_ref(session)
                    report = reports.create_report(
                        session,
                        contact,
                        event.data["answers"],
                        ref=ref,
                        locale=contact.locale,
                        now=now,
                        zone=self.settings.zone,
                    )
                    replies = [reply.replace("{ref}", ref) for reply in replies]
                    log.info("report %s submitted (urgency %s)", report.ref, report.urgency)
                elif event.name == "locale":
                    conversations.set_locale(contact, event.data["locale"], event.data["source"])
                elif event.name == "remember":
                    conversations.remember(contact, event.data)
                elif event.name == "erase":
                    kept = reports.erase_contact_data(session, contact)
                    log.info("contact %s erased their data; %d report(s) kept", contact.id, len(kept))
                    erased = True
            session.add(contact)
            # A safety net for summaries full of long answers: flow texts are checked at their own budgets.
            replies = [part for reply in replies for part in split_to_budget(reply, LEGAL_SEGMENT_BUDGET)]
            if erased:  # nothing of this conversation is stored again, not even this text
                return replies
            conversations.save_conversation(session, contact, outcome.state.to_dict(), now)
            conversations.record_replies(session, contact, message_id, replies)
            conversations.set_inbound_status(session, message_id, "handled")
            log.info("inbound message %s handled with %d replies", inbound.sid, len(replies))
            return replies

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
