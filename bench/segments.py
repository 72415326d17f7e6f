"""Benchmark: how many SMS segments the bot's replies cost, per locale, for a report and each rights topic.

Run: `.venv/bin/python bench/segments.py [--markdown docs/segments.md] [--check]`.
Each texter is driven in process through the engine (`bot.engine.runner.handle`) with the real flows,
catalogs and settings, as the webhook runs it: `{ref}` filled, long texts split to the legal budget.
Segments are counted with `bot.core.segments.count_segments`, the counter `flask translate check` uses.

- clean: a full jail report answered right the first time (menu, every question, the summary, YES);
- messy: the same report with re-asks (typos, a number out of range, an impossible date, a question);
- rights: each rights topic, read to its end with MORE (the state comes from Twilio's FromState, IL).

`--check` exits 1 when a target of issue 15 is missed: a clean report over 20 segments in English or
30 in another language, or one text over 3 segments (5 for a legal text that declares it).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers import ANSWERING  # noqa: E402
from bot.config import CONTACT_DEFAULTS  # noqa: E402
from bot.core.segments import LEGAL_SEGMENT_BUDGET, SEGMENT_BUDGET, count_segments, split_to_budget  # noqa: E402
from bot.core.text import split_words  # noqa: E402
from bot.engine.flow import FlowSet  # noqa: E402
from bot.engine.io import Inputs, Speech  # noqa: E402
from bot.engine.loader import load_flows  # noqa: E402
from bot.engine.runner import handle  # noqa: E402
from bot.engine.state import State  # noqa: E402
from bot.engine.texts import budgets  # noqa: E402
from bot.i18n.catalogs import Catalogs  # noqa: E402
from bot.i18n.gsm7 import DEFAULT, folds  # noqa: E402
from bot.i18n.languages import load_languages  # noqa: E402
from bot.i18n.speech import build_speech  # noqa: E402

LOCALES = ("en", "es", "pl", "zh_Hans", "ar", "fr", "ht", "pt_BR")
CLEAN_TARGET = {"en": 20}  # segments of a clean report; every other language: OTHER_TARGET
OTHER_TARGET = 30
SAMPLE_REF = "HL-7K3M"
START = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)

# What a family types that the catalogs do not say, in each language:
# a greeting, the person's name, their country of birth, the reporter's name and relationship.
TYPED_FIELDS = ("hi", "name", "country", "reporter", "rel")
TYPED = {
    locale: dict(zip(TYPED_FIELDS, values, strict=True))
    for locale, values in {
        "en": ("hi", "Juan Perez Garcia", "Mexico", "Maria Perez", "sister"),
        "es": ("hola", "José Pérez García", "México", "María Pérez", "hermana"),
        "pl": ("dzień dobry", "Łukasz Wójcik", "Polska", "Anna Wójcik", "siostra"),
        "zh_Hans": ("你好", "王伟", "中国", "李娜", "妹妹"),
        "ar": ("مرحبا", "محمد أحمد", "مصر", "فاطمة أحمد", "أخت"),
        "fr": ("bonjour", "Jean-Baptiste Kouassi", "Côte d'Ivoire", "Aminata Kouassi", "sœur"),
        "ht": ("bonjou", "Jean Pierre Joseph", "Ayiti", "Marie Joseph", "sè"),
        "pt_BR": ("olá", "João da Silva Santos", "Brasil", "Ana Santos", "irmã"),
    }.items()
}


@dataclass
class Tally:
    """What one conversation cost: each reply's segments, and how many answers were asked again."""

    segments: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # the replies, as sent
    reasks: int = 0
    over: list[str] = field(default_factory=list)  # texts over their budget

    @property
    def total(self) -> int:
        return sum(self.segments)

    @property
    def largest(self) -> int:
        return max(self.segments, default=0)


class Texter:
    """One texter talking to the engine: keeps the state and the clock, counts the segments of each reply."""

    def __init__(self, bench: Bench, locale: str) -> None:
        self.bench, self.locale = bench, locale
        self.state, self.now = State(), START
        self.tally = Tally()
        self.counting = True

    def send(self, text: str) -> list[str]:
        """Text the bot; return its replies as the webhook would send them."""
        self.now += timedelta(seconds=30)
        before = (self.state.flow, self.state.node)
        inputs = Inputs(
            text=text,
            now=self.now,
            last_seen=self.now - timedelta(seconds=30),
            locale=self.locale,
            sender="+13125550123",
            prefill={"from_state": "IL"},
        )
        outcome = handle(
            self.bench.flows,
            self.state,
            inputs,
            answering=ANSWERING,
            context=self.bench.context,
            speech=self.bench.speech,
        )
        was_waiting = self.state.waiting
        self.state = outcome.state
        replies = [reply.replace("{ref}", SAMPLE_REF) for reply in outcome.replies]
        replies = [part for reply in replies for part in split_to_budget(reply, LEGAL_SEGMENT_BUDGET)]
        if self.counting:
            for reply in replies:
                segments = count_segments(reply)
                self.tally.segments.append(segments)
                self.tally.texts.append(reply)
                if segments > self.bench.budget_of(self.locale, reply):
                    self.tally.over.append(f"{segments} segments: {reply[:60]!r}")
            if was_waiting and before == (self.state.flow, self.state.node) and not outcome.events:
                self.tally.reasks += 1
        return replies


class Bench:
    """The real flows, catalogs and settings, and the conversations measured with them."""

    def __init__(self, gsm7: tuple[str, ...] = (DEFAULT,)) -> None:
        self.flows: FlowSet = load_flows(ROOT / "flows")
        self.catalogs = Catalogs(ROOT / "locales")
        self.speech: Speech
        languages, written = load_languages(ROOT / "locales"), folds(ROOT / "locales", gsm7)
        self.speech, _ = build_speech(self.flows, self.catalogs, languages, written)
        self.context = {key.lower(): value for key, value in CONTACT_DEFAULTS.items()}
        self.legal = self._legal_texts()

    def _legal_texts(self) -> dict[str, set[str]]:
        """Per locale, the start of every text whose node declares a larger (legal) budget."""
        found: dict[str, set[str]] = {}
        declared = budgets(self.flows)
        for locale in LOCALES:
            translate = self.speech.translators(locale)
            found[locale] = {
                translate(context, self._source(context)).split("{", 1)[0][:40]
                for context, budget in declared.items()
                if budget > SEGMENT_BUDGET
            }
        return found

    def _source(self, context: str) -> str:
        flow, key, _ = context.split(".", 2)
        return next(n.say for n in self.flows.flows[flow].nodes.values() if n.key == key and n.say)

    def budget_of(self, locale: str, text: str) -> int:
        """The budget a sent text is held to: 5 for a legal text that declares it, else 3."""
        return LEGAL_SEGMENT_BUDGET if any(text.startswith(head) for head in self.legal[locale]) else SEGMENT_BUDGET

    def word(self, locale: str, name: str) -> str:
        """The first word a catalog gives for an answer or keyword (`yes`, `skip`…), as a texter types it."""
        kind = "answer" if name in self.flows.answer_words else "keyword"
        source = (self.flows.answer_words if kind == "answer" else self.flows.keywords)[name].words
        return split_words(self.speech.translators(locale)(f"{kind}.{name}", source))[0]

    # --- conversations ---------------------------------------------------------------------------

    def report(self, locale: str, messy: bool) -> Tally:
        """A full jail report from the first text to the thank-you; `messy` adds re-asks on the way."""
        typed, w = TYPED[locale], lambda name: self.word(locale, name)
        steps: list[tuple[str, str | None]] = [  # (answer, a wrong first try when messy)
            (typed["hi"], None),
            ("2", "9"),  # the menu: a number that is not on it
            (typed["name"], None),
            (w("skip"), None),
            ("3/4/1990", "31/31/1990"),  # an impossible date of birth
            (typed["country"], None),
            ("3", "7"),
            ("Cook County Jail", None),
            ("Chicago", None),
            (w("yes"), "zz"),  # the state offered from FromState: neither YES nor a state
            (w("skip"), None),
            (w("skip"), None),
            (w("dont_know"), None),
            ("1", "0"),
            (w("yes"), "?"),
            (w("yes"), None),
            (w("no"), None),
            (w("skip"), None),
            (w("skip"), "A12"),  # too few digits for an A-number
            ("1", None),
            (w("skip"), None),
            (typed["reporter"], None),
            (typed["rel"], None),
            (w("same"), "12"),  # not a phone number
            (w("yes"), None),
            (w("yes"), "8"),  # the summary: a line number that is not there
        ]
        texter = Texter(self, locale)
        for answer, wrong in steps:
            if messy and wrong is not None:
                texter.send(wrong)
            texter.send(answer)
        if texter.state.filed is None:
            raise SystemExit(f"{locale}: the report was not sent (a clean answer was not understood)")
        return texter.tally

    def rights_topics(self) -> list[tuple[str, str]]:
        """The rights topics as (choice value, number): every choice of the topics menu but 'more topics'."""
        topics = self.flows.flows["rights"].nodes["topics"]
        assert topics.ask is not None
        return [(c.value, split_words(c.words)[0]) for c in topics.ask.choices]

    def rights(self, locale: str, number: str) -> Tally:
        """One rights topic read to its end: the topic's number, then YES to the state and MORE while asked."""
        texter = Texter(self, locale)
        texter.counting = False
        texter.send(TYPED[locale]["hi"])
        texter.send("1")
        texter.counting = True
        texter.send(number)
        for _ in range(6):
            if texter.state.node == "topics" or texter.state.flow != "rights":
                break
            texter.send(self.word(locale, "yes") if texter.state.pending else "MORE")
        return texter.tally


def measure(gsm7: tuple[str, ...] = (DEFAULT,)) -> dict[str, dict[str, Tally]]:
    """Run every conversation in every locale; `gsm7` is SMS_GSM7_LOCALES, split."""
    bench = Bench(gsm7)
    results: dict[str, dict[str, Tally]] = {}
    for locale in LOCALES:
        row = {"clean": bench.report(locale, messy=False), "messy": bench.report(locale, messy=True)}
        for value, number in bench.rights_topics():
            row[f"rights:{value}"] = bench.rights(locale, number)
        results[locale] = row
    return results


def tables(results: dict[str, dict[str, Tally]]) -> str:
    """The figures as markdown tables: reports per locale, then each rights topic per locale."""
    lines = [
        "| locale | clean report | target | largest text | messy report | re-asks | rights, all topics "
        "| largest rights text |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for locale, row in results.items():
        clean, messy = row["clean"], row["messy"]
        rights = [tally for name, tally in row.items() if name.startswith("rights:")]
        target = CLEAN_TARGET.get(locale, OTHER_TARGET)
        lines.append(
            f"| {locale} | {clean.total} | {target} | {clean.largest} | {messy.total} | {messy.reasks} "
            f"| {sum(t.total for t in rights)} | {max(t.largest for t in rights)} |"
        )
    topics = [name for name in next(iter(results.values())) if name.startswith("rights:")]
    lines += ["", "| rights topic | " + " | ".join(results) + " |", "|---|" + "---:|" * len(results)]
    for name in topics:
        cells = " | ".join(str(results[locale][name].total) for locale in results)
        lines.append(f"| {name.split(':', 1)[1]} | {cells} |")
    return "\n".join(lines) + "\n"


def misses(results: dict[str, dict[str, Tally]]) -> list[str]:
    """The targets of issue 15 that do not hold."""
    found = []
    for locale, row in results.items():
        target = CLEAN_TARGET.get(locale, OTHER_TARGET)
        if row["clean"].total > target:
            found.append(f"{locale}: a clean report costs {row['clean'].total} segments (target {target})")
        for name, tally in row.items():
            found += [f"{locale} {name}: {over}" for over in tally.over]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", type=Path, help="also write the tables to this markdown file")
    parser.add_argument("--check", action="store_true", help="exit 1 when a segment target is missed")
    parser.add_argument(
        "--gsm7",
        default=os.environ.get("SMS_GSM7_LOCALES") or DEFAULT,
        help="SMS_GSM7_LOCALES to measure with (default: the setting, else `default`; `none` to compare)",
    )
    args = parser.parse_args()
    results = measure(tuple(word.strip() for word in args.gsm7.split(",") if word.strip()))
    text = (
        f"SMS segments per conversation, counted by `bot.core.segments` (`bench/segments.py`, "
        f"SMS_GSM7_LOCALES={args.gsm7}). A clean report: first text to the thank-you, every question "
        "answered right once; messy: the same with 9 wrong answers; re-asks: answers asked again.\n\n" + tables(results)
    )
    print(text)
    failed = misses(results)
    for line in failed:
        print("over target:", line)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text, encoding="utf-8")
    if args.check and failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
