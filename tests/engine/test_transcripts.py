"""Run the transcripts in tests/transcripts/ against the pure engine: `handle()` with in-memory state.

No Flask, no database: a small in-memory phone line plays the hotline's part (keep the state, apply
the events, hand out reference codes, split replies to the SMS budget). Every transcript runs, and
every reply is checked. Of the `stored:` checks, the contact's locale, opt-out and remembered state
and the number of reports are checked here; a report's fields (`report:`) and the message count
(`messages:`) are what the database keeps, so only tests/test_transcripts.py checks those.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answers import ANSWERING
from bot.config import CONTACT_DEFAULTS, PROJECT_ROOT
from bot.core.segments import LEGAL_SEGMENT_BUDGET, split_to_budget
from bot.core.statuses import Status
from bot.engine.flow import FlowSet
from bot.engine.io import Inputs, Policy, ReportInfo, Speech
from bot.engine.loader import load_flows
from bot.engine.runner import handle
from bot.engine.state import State
from bot.i18n.catalogs import Catalogs
from bot.i18n.gsm7 import folds
from bot.i18n.languages import Detector, load_languages
from bot.i18n.speech import build_speech
from bot.storage.reports import REUSED_DETAILS

TRANSCRIPTS = sorted((Path(__file__).resolve().parents[1] / "transcripts").glob("*.yaml"))
START = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # as the Flask transcripts' clock
TIMEZONE = "America/Chicago"
POLICY = Policy(expire_after=timedelta(days=7), resume_after=timedelta(minutes=60))  # the settings' defaults
CONTEXT = {setting.lower(): value for setting, value in CONTACT_DEFAULTS.items()}
REMEMBERED = ("home_state",)  # the answers the hotline keeps on the contact (store.PROFILE_COLUMNS)


@dataclass
class Contact:
    """What the hotline keeps of one number between texts."""

    channel: str
    locale: str = "en"
    locale_source: str = "default"
    opted_out: bool = False
    home_state: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    last_seen: datetime | None = None


@dataclass
class Report:
    """A stored report, as far as STATUS and DELETE see it."""

    sender: str
    ref: str
    status: str = Status.NEW.value
    details: dict[str, str] = field(default_factory=dict)  # what a second report offers to reuse


class PhoneLine:
    """The hotline's part around the engine, in memory: one text in, the replies out."""

    def __init__(self, flows: FlowSet, speech: Speech, detector: Detector | None) -> None:
        self.flows, self.speech, self.detector = flows, speech, detector
        self.now = START
        self.contacts: dict[str, Contact] = {}
        self.reports: list[Report] = []
        self.refs: Iterator[str] = (f"R-AA{a}{b}" for a, b in itertools.product("ABCDEFGH", "23456789"))

    def send(self, sender: str, body: str, *, from_state: str | None, photos: list[list[str]]) -> list[str]:
        """Answer one text as bot.hotline does, keeping the outcome in memory."""
        contact = self.contacts.setdefault(sender, Contact(channel="whatsapp" if "whatsapp:" in sender else "sms"))
        state = State.from_dict(contact.state)
        locale_known = contact.locale_source != "default"
        detect = self.detector is not None and not locale_known and not state.started
        outcome = handle(
            self.flows,
            state,
            Inputs(
                text=body,
                now=self.now,
                last_seen=contact.last_seen,
                locale=contact.locale,
                opted_out=contact.opted_out,
                timezone=TIMEZONE,
                media=tuple({"url": url, "content_type": kind} for url, kind in photos),
                sender=sender.removeprefix("whatsapp:"),
                channel=contact.channel,
                prefill=({"from_state": from_state} if from_state else {}) | self.last_details(sender),
                profile={"home_state": contact.home_state} if contact.home_state else {},
                locale_known=locale_known,
                detected=self.detector.detect(body) if detect and self.detector else None,
                reports=tuple(
                    ReportInfo(ref=r.ref, status=r.status, acted=Status(r.status).acted_on)
                    for r in self.reports
                    if r.sender == sender
                ),
            ),
            answering=ANSWERING,
            context=CONTEXT,
            policy=POLICY,
            speech=self.speech,
        )
        replies, erased = outcome.replies, False
        for event in outcome.events:
            if event.name in ("opted_out", "opted_in"):
                contact.opted_out = event.name == "opted_out"
            elif event.name == "submit_report":  # a submit of answers already filed amends that report
                mine = [r.ref for r in self.reports if r.sender == sender]
                ref = event.data.get("amends") if event.data.get("amends") in mine else next(self.refs)
                if ref not in mine:
                    self.reports.append(Report(sender=sender, ref=ref))
                answers = event.data["answers"]
                [filed] = [r for r in self.reports if r.ref == ref]
                filed.details = {k: str(answers[c]) for k, c in REUSED_DETAILS.items() if answers.get(c)}
                outcome.state.report_filed(ref)
                replies = [reply.replace("{ref}", ref) for reply in replies]
            elif event.name == "locale":
                contact.locale, contact.locale_source = event.data["locale"], event.data["source"]
            elif event.name == "remember":
                contact.home_state = str(event.data["home_state"]) if "home_state" in event.data else contact.home_state
            elif event.name == "erase":  # the conversation goes, and the reports staff have not acted on
                self.reports = [r for r in self.reports if r.sender != sender or Status(r.status).acted_on]
                contact.state, contact.last_seen, erased = {}, None, True
        if not erased:
            contact.state, contact.last_seen = outcome.state.to_dict(), self.now
        return [part for reply in replies for part in split_to_budget(reply, LEGAL_SEGMENT_BUDGET)]

    def last_details(self, sender: str) -> dict[str, str]:
        """The reporter's details of this sender's last report, as the hotline offers them again."""
        mine = [r for r in self.reports if r.sender == sender]
        return dict(mine[-1].details) if mine else {}

    def staff_sets_status(self, ref: str, status: str) -> None:
        """Do what staff do from the dashboard: move a report along its workflow."""
        next(r for r in self.reports if r.ref == ref).status = status

    def check_stored(self, sender: str, expected: dict[str, Any], where: str) -> None:
        """Compare what the in-memory hotline keeps with the transcript's `stored:` (contact and report count)."""
        contact = self.contacts[sender]
        for key, value in expected.get("contact", {}).items():
            assert getattr(contact, key) == value, f"{where}: contact.{key}"
        if "reports" in expected:
            assert sum(r.sender == sender for r in self.reports) == expected["reports"], f"{where}: report count"


@pytest.fixture(scope="module")
def speaking() -> tuple[FlowSet, Speech, Detector | None]:
    """The repository's flows, catalogs, languages and GSM-7 folds (SMS_GSM7_LOCALES's default), loaded once."""
    flows = load_flows(PROJECT_ROOT / "flows")
    catalogs = Catalogs(PROJECT_ROOT / "locales")
    languages, written = load_languages(PROJECT_ROOT / "locales"), folds(PROJECT_ROOT / "locales")
    speech, offered = build_speech(flows, catalogs, languages, written)
    return flows, speech, Detector(offered) if offered else None


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript_against_the_pure_engine(path: Path, speaking: tuple[FlowSet, Speech, Detector | None]) -> None:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    line = PhoneLine(*speaking)
    sender = script.get("from", "+13125550123")
    for number, step in enumerate(script["steps"], start=1):
        where = f"{path.name} step {number}"
        if "wait" in step:
            line.now += timedelta(**step["wait"])
        if "staff_sets_status" in step:
            line.staff_sets_status(**step["staff_sets_status"])
        if "send" in step:
            texts = line.send(
                step.get("from", sender),
                str(step["send"]),
                from_state=script.get("from_state"),
                photos=step.get("photos", []),
            )
            assert texts == step.get("replies", []), f"{where}: {step['send']!r}"
        if "stored" in step:
            line.check_stored(step.get("from", sender), step["stored"], where)


def test_every_transcript_runs_here_too() -> None:
    assert len(TRANSCRIPTS) >= 20
