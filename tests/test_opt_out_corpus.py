"""Opt-outs as families type them (tests/corpora/opt_out.yaml), mid-report, in the language they were talking in.

Under the FCC's 2025 rule consent can be revoked "by any reasonable means": every phrase under `stop`
opts out at once; a `maybe` phrase gets one "Reply STOP to stop all texts" and changes nothing else;
an `ordinary` text that only holds a stop-like word never opts out.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from flask import Flask

from bot.core.segments import folded_if_cheaper
from bot.core.text import normalize, split_words
from bot.engine.texts import iter_texts
from bot.sms.simulator import Simulator
from bot.storage.database import get_db
from tests.conftest import TEST_AUTH_TOKEN, make_app
from tests.helpers import contact, conversation_state

CORPUS = yaml.safe_load((Path(__file__).parent / "corpora" / "opt_out.yaml").read_text(encoding="utf-8"))
LANGUAGE_NAMES = {"en": "English", "es": "Español", "pl": "Polski", "zh_Hans": "中文", "ar": "العربية",
                  "fr": "Français", "ht": "Kreyòl", "pt_BR": "Português"}  # fmt: skip
CASES = [(locale, kind, text) for locale, kinds in CORPUS.items() for kind, texts in kinds.items() for text in texts]
NUMBERS = iter(range(10_000))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Flask]:
    path = tmp_path_factory.mktemp("opt_out") / "corpus.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    yield app
    get_db(app).dispose()


def at_the_name_question(app: Flask, locale: str) -> Simulator:
    """A new texter, talking in `locale`, who has started a report and is asked the person's name."""
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender=f"+1312555{next(NUMBERS):04d}")
    phone.send(LANGUAGE_NAMES[locale])
    phone.send("2")  # the menu's report choice
    assert conversation_state(get_db(app), phone.sender)["node"] == "ask_name"
    return phone


def translated(app: Flask, locale: str, key: str) -> str:
    """A system text as the hotline sends it in that language (folded to GSM-7 where SMS_GSM7_LOCALES says)."""
    hotline = app.extensions["holdline.hotline"]
    text = hotline.catalogs.translator(locale)(f"system.{key}", hotline.flows.messages[key])
    return folded_if_cheaper(text.format_map(hotline.context()), hotline.speech.folds.get(locale))


def test_the_corpus_covers_every_language_and_kind() -> None:
    assert set(CORPUS) == set(LANGUAGE_NAMES)
    for locale, kinds in CORPUS.items():
        assert set(kinds) == {"stop", "maybe", "ordinary"}, locale
        assert len(kinds["stop"]) >= 10 and len(kinds["ordinary"]) >= 5, locale


@pytest.mark.parametrize(("locale", "kind", "text"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_an_opt_out_is_honoured_and_an_ordinary_text_is_not_one(app: Flask, locale: str, kind: str, text: str) -> None:
    phone = at_the_name_question(app, locale)
    before = conversation_state(get_db(app), phone.sender)
    reply = phone.send(text)
    opted_out = contact(get_db(app), phone.sender).opted_out
    if kind == "stop":
        assert opted_out, f"{text!r} was not taken as an opt-out"
        assert reply.texts == [translated(app, locale, "stopped")]
        assert "detained_name" not in conversation_state(get_db(app), phone.sender)["answers"]
    elif kind == "maybe":
        assert not opted_out
        assert reply.texts == [translated(app, locale, "stop_how")]
        after = conversation_state(get_db(app), phone.sender)
        assert {**after, "turns": 0} == {**before, "turns": 0}  # nothing else changes (but the count of texts)
    else:
        assert not opted_out, f"{text!r} was taken as an opt-out"
        assert translated(app, locale, "stop_how") not in reply.texts


# The texts whose job is to say how to opt out; every other text must not use an opt-out word.
OFFERS_OPT_OUT = {"system.welcome", "system.help", "system.stopped", "system.stop_how"}


@pytest.mark.parametrize("locale", list(LANGUAGE_NAMES))
def test_no_prompt_teaches_a_word_that_opts_out(app: Flask, locale: str) -> None:
    """'SALIR para parar' taught families to type 'parar', which opts out: no text may use such a word."""
    hotline = app.extensions["holdline.hotline"]
    translate = hotline.catalogs.translator(locale)
    source = hotline.flows.keywords["stop"].words
    words = set(split_words(source)) | set(split_words(translate("keyword.stop", source)))
    singles = {word for word in words if " " not in word}
    found = []
    for context, text, _note in iter_texts(hotline.flows):
        if context.startswith(("keyword.", "answer.")) or ".choice." in context or context in OFFERS_OPT_OUT:
            continue
        english = text if isinstance(text, str) else text[0]
        shown = translate(context, english)
        found += [f"{context}: {word}" for word in sorted(set(normalize(shown).split()) & singles)]
    assert not found, found
