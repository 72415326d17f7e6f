"""The engine's inputs and outputs: one text and its sender in, replies, state and events out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.core.choices import Choices
from bot.engine.keywords import KeywordTable
from bot.engine.state import State

# Translate(context, English source) -> text in the texter's language.
Translate = Callable[[str, str], str]


def english(_context: str, source: str) -> str:
    """The identity translation: English source text as written in flows/."""
    return source


@dataclass(frozen=True)
class ReportInfo:
    """What the engine may know of a report this same texter filed: for STATUS and DELETE."""

    ref: str
    status: str
    acted: bool  # staff have started on it, so DELETE keeps it


@dataclass(frozen=True)
class Inputs:
    """One inbound text and what is known about its sender."""

    text: str
    now: datetime
    last_seen: datetime | None = None
    locale: str = "en"
    opted_out: bool = False
    carrier_keyword: str | None = None  # "stop" / "start" / "help" from Twilio's OptOutType
    timezone: str = "America/Chicago"
    media: tuple[dict[str, str], ...] = ()
    sender: str = ""  # E.164
    prefill: dict[str, str] = field(default_factory=dict)  # e.g. {"from_state": "IL"}, offered for a YES
    profile: dict[str, str] = field(default_factory=dict)  # remembered answers, e.g. {"home_state": "IL"}
    reports: tuple[ReportInfo, ...] = ()  # this texter's own reports, oldest first
    locale_known: bool = True  # False until the language was detected or chosen
    detected: str | None = None  # the language a first text is clearly in, when the locale is not known
    channel: str = "sms"  # "sms" or "whatsapp": only SMS is folded into GSM-7 (SMS_GSM7_LOCALES)
    button: str | None = None  # the id of a tapped choice (WhatsApp's ButtonPayload or ListId)


@dataclass(frozen=True)
class Policy:
    """Timing rules: when a conversation is forgotten, and when a returning texter is asked to resume."""

    expire_after: timedelta = timedelta(days=7)
    resume_after: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Event:
    """Something the caller must act on: an opt-out, an opt-in, a completed flow, an erasure…"""

    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What one text produced: the replies to send, the new state, and events."""

    replies: list[str]
    state: State
    events: list[Event]
    choices: Choices | None = None  # what the last reply's question offers to tap, for channels that can draw it


class LanguageMenu(Protocol):
    """The languages a texter may choose from, as the engine uses them (bot.i18n.languages.Languages is one)."""

    @property
    def codes(self) -> list[str]:
        """The locale codes, in menu order."""
        ...

    def pick(self, text: str) -> str | None:
        """Return the code of the language a whole text names, if any."""
        ...

    def by_number(self, text: str) -> str | None:
        """Return the code for a menu number."""
        ...

    def named(self, text: str) -> str | None:
        """Return the code of the language whose own name the whole text is."""
        ...

    def menu(self) -> str:
        """Return the language menu text."""
        ...


@dataclass(frozen=True)
class Speech:
    """The languages the bot can answer in: a translator per locale and the language menu."""

    translators: Callable[[str], Translate]
    languages: LanguageMenu | None = None
    everywhere: Mapping[str, list[str]] = field(default_factory=dict)  # keyword words in every language
    opt_out_leads: frozenset[str] = frozenset()  # each language's first STOP word, which may start an opt-out
    # Per locale, how the bot's own words fold into GSM-7 (SMS_GSM7_LOCALES); a locale not listed is sent as written
    folds: Mapping[str, Callable[[str], str]] = field(default_factory=dict)
    # Normalised words of (locale, text key, English words), worked out once per process: catalogs do not change.
    phrases: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    # Each locale's keywords (see Turn.keyword_words) and their table, worked out once per process.
    keyword_cache: dict[str, tuple[dict[str, list[str]], KeywordTable]] = field(
        default_factory=dict, compare=False, repr=False
    )
