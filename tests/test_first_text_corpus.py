"""First texts as families send them (tests/corpora/first_text.yaml) lead where they must, through the webhook."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from bot.sms.simulator import Simulator
from bot.storage.database import get_db
from tests.answers.corpus import load
from tests.conftest import TEST_AUTH_TOKEN, make_app
from tests.helpers import conversation_state
from tests.test_opt_out_corpus import LANGUAGE_NAMES

CORPUS = load("first_text")
CASES = [(locale, str(text), str(want)) for locale, texts in CORPUS.items() for text, want in texts.items()]
NUMBERS = iter(range(10_000))
# Where each kind of first text leaves the conversation: the flow it is in (the person flow answers and ends).
FLOW_OF = {"report": "report", "street": "street", "rights": "rights", "menu": "menu", "person": None}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Flask]:
    path = tmp_path_factory.mktemp("first_text") / "corpus.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    yield app
    get_db(app).dispose()


def where_it_leads(app: Flask, locale: str, text: str) -> str | None:
    """The flow a texter whose language is known is in after sending `text` as the first thing they ask."""
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender=f"+1773555{next(NUMBERS):04d}")
    phone.send(LANGUAGE_NAMES[locale])  # the language, then the menu: what they text now is read like a first text
    assert conversation_state(get_db(app), phone.sender)["node"] == "main"
    phone.send(text)
    return conversation_state(get_db(app), phone.sender)["flow"]


@pytest.mark.parametrize(("locale", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_first_text_leads_where_it_says(app: Flask, locale: str, text: str, expected: str) -> None:
    assert where_it_leads(app, locale, text) == FLOW_OF[expected]


def test_a_true_first_text_in_spanish_about_a_jail_and_la_migra_opens_the_jail_report(app: Flask) -> None:
    """Before any language is known: the text's own language is detected and the jail report opens at once."""
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="+17735559999")
    phone.send("hola, la migra tiene a mi hermano en la carcel de cook county y no lo dejan salir")
    state = conversation_state(get_db(app), phone.sender)
    assert (state["flow"], state["answers"].get("report_type")) == ("report", "jail_hold")


def test_figures() -> None:
    """How many first texts of each kind the corpus holds, per language (printed for the issue's note)."""
    for locale, texts in CORPUS.items():
        print(f"\nfirst texts {locale}: {dict(Counter(texts.values()))}")
    assert set(CORPUS) == set(LANGUAGE_NAMES) - {"zh_Hans"}  # Chinese is written without spaces: see below
