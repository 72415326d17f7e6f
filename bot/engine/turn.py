"""One text's turn: what the engine was given, what it has said so far, and how it words a text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.core.segments import folded_if_cheaper, is_gsm7
from bot.core.text import split_words
from bot.engine.flow import FlowSet, text_key
from bot.engine.io import Event, Inputs, Policy, Speech, Translate
from bot.engine.keywords import KeywordTable
from bot.engine.parsing import Answering
from bot.engine.state import State

# Placeholders the caller fills after the turn (a report's code exists only once it is stored).
DEFERRED_PLACEHOLDERS = ("ref",)


class _SafeFormat(dict):
    """Placeholder values where a missing one is blank, except deferred ones, which stay for the caller."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}" if key in DEFERRED_PLACEHOLDERS else ""


class Turn:
    """The work of one inbound text: its inputs, the state it changes, and the replies and events it produces."""

    def __init__(
        self,
        flows: FlowSet,
        state: State,
        inputs: Inputs,
        *,
        answering: Answering,
        speech: Speech,
        context: Mapping[str, str],
        policy: Policy,
    ) -> None:
        self.flows = flows
        self.state = state
        self.inputs = inputs
        self.answering = answering
        self.speech = speech
        self.context = dict(context)
        self.policy = policy
        self.locale = inputs.locale
        self.replies: list[str] = []
        self.events: list[Event] = []

    @property
    def translate(self) -> Translate:
        """The translator for the language this turn answers in (it may change mid-turn)."""
        return self.speech.translators(self.locale)

    def emit(self, name: str, data: dict[str, Any] | None = None) -> None:
        """Tell the caller something to act on (an opt-out, a report to store…)."""
        self.events.append(Event(name, dict(data or {})))

    def set_locale(self, locale: str, source: str) -> None:
        """Answer in this language from now on, and tell the caller how it was learnt (detected or chosen)."""
        self.locale = locale
        self.emit("locale", {"locale": locale, "source": source})

    # --- wording ---------------------------------------------------------------------------------

    def words(self, context: str, source: str) -> list[str]:
        """English words and their translation, normalised: both always work (worked out once per language)."""
        key = (self.locale, context, source)
        cached = self.speech.phrases.get(key)
        if cached is None:
            found = split_words(source)
            for phrase in split_words(self.translate(context, source)):
                if phrase not in found:
                    found.append(phrase)
            cached = self.speech.phrases[key] = tuple(found)
        return list(cached)

    def answer_words(self, name: str) -> list[str]:
        """The words of a shared answer ('yes', 'dont_know'…) in English and the texter's language."""
        return self.words(f"answer.{name}", self.flows.answer_words[name].words)

    def keyword_words(self) -> dict[str, list[str]]:
        """Each keyword's words in English and the texter's language; STOP and LANGUAGE in every language.

        Worked out once per language (catalogs do not change while the process runs): do not change it."""
        return self._keywords()[0]

    def keyword_table(self) -> KeywordTable:
        """The texter's language's keywords, ready to match a text against."""
        return self._keywords()[1]

    def _keywords(self) -> tuple[dict[str, list[str]], KeywordTable]:
        cached = self.speech.keyword_cache.get(self.locale)
        if cached is None:
            keywords = {name: self.words(f"keyword.{name}", w.words) for name, w in self.flows.keywords.items()}
            for name, words in self.speech.everywhere.items():
                known = set(keywords.get(name, []))
                keywords[name] = keywords.get(name, []) + [w for w in dict.fromkeys(words) if w not in known]
            cached = (keywords, KeywordTable.of(keywords, self.speech.opt_out_leads))
            self.speech.keyword_cache[self.locale] = cached
        return cached

    @property
    def fold(self) -> Callable[[str], str] | None:
        """How the bot's words fold into GSM-7 in this locale (SMS_GSM7_LOCALES); never on WhatsApp, which
        does not bill by the segment, so accents cost nothing there."""
        return None if self.inputs.channel == "whatsapp" else self.speech.folds.get(self.locale)

    def render(
        self,
        context: str,
        source: str,
        *,
        part: bool = False,
        shape: Callable[[str], str] | None = None,
        **extra: str,
    ) -> str:
        """Translate a flow text and fill its placeholders from the settings, the answers and `extra`.

        In a locale of SMS_GSM7_LOCALES the bot's words are folded into GSM-7 when that costs fewer
        segments (always, for a `part` of a longer text such as a summary line). `shape` changes the
        translated text before it is filled (a summary line drops its unanswered parts).
        """
        values = _SafeFormat(self.context)
        values.update({k: str(v) for k, v in self.state.answers.items() if v is not None})
        values.update(self.state.shown)
        values.update(extra)
        template = self.translate(context, source)
        if shape is not None:
            template = shape(template)
        text = template.format_map(values)
        fold = self.fold
        if fold is None or is_gsm7(text):
            return text
        # the bot's words folded, the family's answers as typed
        return folded_if_cheaper(text, fold, folded=fold(template).format_map(values), part=part)

    def own(self, text: str) -> str:
        """The bot's own words inside a longer text (a label), folded into GSM-7 when the texter's locale allows it."""
        return folded_if_cheaper(text, self.fold, part=True)

    def system(self, key: str, **extra: str) -> str:
        """A system message (flows/system.yaml) in the texter's language, placeholders filled."""
        return self.render(f"system.{key}", self.flows.messages[key], **extra)

    def say(self, text: str) -> None:
        """Send a reply."""
        self.replies.append(text)

    def say_system(self, key: str, **extra: str) -> None:
        """Send a system message."""
        self.say(self.system(key, **extra))

    def system_count(self, key: str, count: int) -> str:
        """A system message with a count, in the plural form the texter's language needs."""
        singular, plural = self.flows.messages[key], self.flows.message_plurals.get(key, self.flows.messages[key])
        translate_plural = getattr(self.translate, "plural", None)
        if translate_plural is not None:
            text = translate_plural(f"system.{key}", singular, plural, count)
        else:
            text = singular if count == 1 else plural
        return text.format_map(_SafeFormat(self.context) | {"count": str(count)})

    def flow_title(self, flow_name: str) -> str:
        """A flow's title in the texter's language, for the resume question."""
        return self.translate(text_key(flow_name, None, "title"), self.flows.flows[flow_name].title)
