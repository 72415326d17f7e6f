"""WhatsApp buttons and lists: a question's choices drawn by the Content API, a tap read as the answer.

Through the signed webhook and the outbox to the local Twilio stand-in, which keeps the shapes
`flask --app wsgi whatsapp buttons` makes there and refuses a send that leaves a placeholder empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from bot.config import settings_of
from bot.core.choices import Choice, Choices
from bot.outbox import Worker
from bot.sms.simulator import Simulator
from bot.storage.crypto import blind_index
from bot.storage.database import get_db
from bot.storage.models import Contact, Conversation, Message, Outbox
from bot.twilio.interactive import MAX_BUTTON_TITLE, MAX_ITEM_TITLE, draw, drawn_choices, shorten
from bot.twilio.rest import TwilioSender
from bot.twilio.stub import StubText, TwilioStub
from tests.conftest import TEST_AUTH_TOKEN, make_app
from tests.helpers import whatsapp_buttons_made

FAMILY = "whatsapp:+13125550166"
ACCOUNT = "AC" + "1" * 32


@pytest.fixture
def shapes(twilio: TwilioStub) -> dict[str, str]:
    return dict(part.split("=", 1) for part in whatsapp_buttons_made(twilio.url).split(","))


def whatsapp_app(database_url: str, twilio: TwilioStub, shapes: dict[str, str] | None) -> Flask:
    buttons = ",".join(f"{shape}={sid}" for shape, sid in (shapes or {}).items())
    return make_app(
        database_url,
        TWILIO_API_BASE=twilio.url,
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_WHATSAPP_FROM="+13125550000",
        TWILIO_FROM_NUMBER="+13125550000",
        WHATSAPP_BUTTONS=buttons,
    )


@pytest.fixture
def app(database_url: str, twilio: TwilioStub, shapes: dict[str, str]) -> Iterator[Flask]:
    app = whatsapp_app(database_url, twilio, shapes)
    yield app
    get_db(app).dispose()


@dataclass
class Phone:
    """A family's phone on WhatsApp: what the webhook answered and what the outbox then sent, per text."""

    app: Flask
    twilio: TwilioStub
    address: str = FAMILY

    def __post_init__(self) -> None:
        self.sim = Simulator(TEST_AUTH_TOKEN, self.address, self.app)

    def _delivered(self, reply_texts: list[str]) -> list[StubText | str]:
        before = len(self.twilio.texts)
        settings = settings_of(self.app)
        Worker(get_db(self.app), settings, TwilioSender(settings)).drain()
        return [*reply_texts, *self.twilio.texts[before:]]

    def text(self, body: str) -> list[StubText | str]:
        """Type a text; the replies, as TwiML strings or texts the outbox sent."""
        reply = self.sim.send(body)
        assert reply.status == 200
        return self._delivered(reply.texts)

    def tap(self, choice_id: str, title: str, *, list_item: bool = False) -> list[StubText | str]:
        reply = self.sim.tap(choice_id, title, list_item=list_item)
        assert reply.status == 200
        return self._delivered(reply.texts)


def drawn(replies: list[StubText | str]) -> StubText:
    """The reply sent as buttons or a list (the last one of a turn)."""
    last = replies[-1]
    assert isinstance(last, StubText) and last.content_sid, f"no buttons or list: {replies!r}"
    return last


def choices_of(text: StubText) -> dict[str, str]:
    """The choices a drawn text shows: id -> title."""
    return {ident: title for ident, title, _in_list in drawn_choices(text.content_variables or {})}


def answers(app: Flask, address: str = FAMILY) -> dict[str, object]:
    with get_db(app).transaction() as session:
        contact = session.execute(select(Contact).where(Contact.address_index == blind_index(address))).scalar_one()
        conversation = session.get(Conversation, contact.id)
        assert conversation is not None
        return dict(conversation.state.get("answers") or {})


def to_the_release_question(phone: Phone) -> None:
    """A Spanish family's report up to 'why should they be out?', tapping where there is something to tap."""
    menu = drawn(phone.text("hola, necesito ayuda"))
    assert menu.content_sid == phone.app.config["SHAPES"]["list_5"]
    phone.tap("menu.main|2", "Retenido tras su hora…", list_item=True)
    phone.text("Juan Pérez Gómez")
    phone.text("no")
    phone.text("3 de mayo de 1990")
    citizenship = drawn(phone.text("México"))
    assert choices_of(citizenship)["report.ask_citizenship|2"].startswith("Residente permanente")
    phone.tap("report.ask_citizenship|2", "Residente permanente…", list_item=True)
    phone.text("Cook County Jail")
    state = drawn(phone.text("Chicago"))
    assert choices_of(state) == {"report.ask_state.confirm|yes": "Sí", "report.ask_state.confirm|no": "No"}
    phone.tap("report.ask_state.confirm|yes", "Sí")
    phone.text("ayer")
    phone.text("no sé")


@pytest.fixture
def phone(app: Flask, twilio: TwilioStub, shapes: dict[str, str]) -> Phone:
    app.config["SHAPES"] = shapes
    return Phone(app, twilio)


def test_the_menu_goes_as_a_list_in_the_familys_language_and_a_tapped_item_opens_it(phone: Phone) -> None:
    welcome, menu = phone.text("hola, necesito ayuda")
    assert isinstance(menu, StubText) and menu.content_sid == phone.app.config["SHAPES"]["list_5"]
    variables = menu.content_variables or {}
    assert variables["1"].startswith("Responda un n") and "\n1 Sus derechos" in variables["1"]  # still typeable
    assert variables["2"] == "Elegir"
    titles = choices_of(menu)
    assert list(titles) == [f"menu.main|{n}" for n in range(1, 6)]
    assert titles["menu.main|1"] == "Sus derechos" and all(len(t) <= MAX_ITEM_TITLE for t in titles.values())
    assert titles["menu.main|2"].endswith("…")  # cut at a word: the whole line is its description
    assert variables["8"] == "Retenido tras su hora de salida"
    intro = phone.tap("menu.main|2", titles["menu.main|2"], list_item=True)
    assert "¿Cuál es el nombre legal completo" in intro[-1]


def test_a_yes_no_question_has_spanish_buttons_and_a_tapped_yes_is_kept_as_yes(phone: Phone) -> None:
    to_the_release_question(phone)
    reasons = drawn(phone.text("ayer a las 2 de la tarde"))
    assert len(choices_of(reasons)) == 5
    held = drawn(phone.tap("report.ask_release_reason|1", "Fianza pagada (no en…", list_item=True))
    assert held.content_sid == phone.app.config["SHAPES"]["buttons_3"]
    assert held.content_variables and held.content_variables["1"].startswith("¿Sigue en esa cárcel")
    assert choices_of(held) == {
        "report.ask_still_held|yes": "Sí",
        "report.ask_still_held|no": "No",
        "report.ask_still_held|dont know": "No sé",
    }
    after = drawn(phone.tap("report.ask_still_held|yes", "Sí"))
    assert "report.ask_ice_mentioned|yes" in choices_of(after)
    kept = answers(phone.app)
    assert kept["release_reason"] == "bail_posted" and kept["still_held"] == "yes"


def test_a_button_under_an_earlier_question_answers_nothing_and_the_question_now_is_asked(phone: Phone) -> None:
    to_the_release_question(phone)
    phone.text("ayer a las 2 de la tarde")
    phone.tap("report.ask_release_reason|4", "Orden de un juez", list_item=True)
    phone.tap("report.ask_still_held|no", "No")  # now at "did the jail mention ICE?"
    stale, again = phone.tap("report.ask_still_held|yes", "Sí")  # the older message's button
    assert isinstance(stale, StubText) and stale.body.startswith("Ese botón responde a una pregunta anterior")
    assert "report.ask_ice_mentioned|yes" in choices_of(drawn([again]))
    kept = answers(phone.app)
    assert kept["still_held"] == "no" and "ice_mentioned" not in kept


def test_a_typed_number_or_word_still_answers_a_question_drawn_as_a_list_or_buttons(phone: Phone) -> None:
    to_the_release_question(phone)
    phone.text("ayer a las 2 de la tarde")
    phone.text("3")  # typed, not tapped
    phone.text("no")
    kept = answers(phone.app)
    assert kept["release_reason"] == "sentence_finished" and kept["still_held"] == "no"


def test_every_drawn_text_was_sent_with_its_placeholders_filled(phone: Phone) -> None:
    """The stand-in answers 63028 to a send that leaves one of the shape's {{n}} empty: none failed."""
    to_the_release_question(phone)
    with get_db(phone.app).transaction() as session:
        rows = session.execute(select(Outbox.status, Outbox.content_sid, Outbox.error_code)).all()
    assert rows and all(status == "sent" and code is None for status, _sid, code in rows)
    assert sum(1 for _status, sid, _code in rows if sid) >= 3


def test_a_repeated_webhook_for_a_drawn_reply_sends_nothing_twice(phone: Phone) -> None:
    sim = phone.sim
    form = sim.form("hola, necesito ayuda")
    first = sim.post(form)
    again = sim.post(form)  # Twilio's retry of the same MessageSid
    assert first.texts == [] and again.texts == []  # both go through the outbox, once
    with get_db(phone.app).transaction() as session:
        queued = session.execute(select(Outbox).where(Outbox.kind == "family_text")).scalars().all()
    assert len(queued) == 2 and queued[-1].content_sid


def test_sms_keeps_plain_text_and_nothing_goes_through_the_outbox(app: Flask, twilio: TwilioStub) -> None:
    phone = Phone(app, twilio, address="+13125550166")
    replies = phone.text("hola, necesito ayuda")
    assert all(isinstance(reply, str) for reply in replies)
    assert "1 Sus derechos" in replies[-1] and twilio.texts == []


def test_without_shapes_made_whatsapp_replies_are_text(database_url: str, twilio: TwilioStub) -> None:
    app = whatsapp_app(database_url, twilio, None)
    try:
        replies = Phone(app, twilio).text("hola, necesito ayuda")
        assert all(isinstance(reply, str) for reply in replies) and "1 Sus derechos" in replies[-1]
    finally:
        get_db(app).dispose()


def test_the_command_makes_every_shape_on_twilio_and_prints_the_setting(
    app: Flask, twilio: TwilioStub, shapes: dict[str, str]
) -> None:
    made_before = len(twilio.contents)
    result = app.test_cli_runner().invoke(args=["whatsapp", "buttons"])
    assert result.exit_code == 0, result.output
    line = next(out for out in result.output.splitlines() if out.startswith("WHATSAPP_BUTTONS="))
    assert dict(part.split("=", 1) for part in line.removeprefix("WHATSAPP_BUTTONS=").split(",")) == shapes
    assert len(twilio.contents) == made_before  # all were configured already: none made again
    quick = twilio.contents[shapes["buttons_3"]]["types"]["twilio/quick-reply"]
    assert [a["id"] for a in quick["actions"]] == ["{{3}}", "{{5}}", "{{7}}"]
    listed = twilio.contents[shapes["list_10"]]["types"]["twilio/list-picker"]
    assert len(listed["items"]) == 10


def test_draw_picks_buttons_for_short_choices_and_a_list_for_long_or_many() -> None:
    short = Choices("q", (Choice("q|yes", "Yes"), Choice("q|no", "No")), "Choose")
    assert draw(short, "Still there?").shape == "buttons_2"  # type: ignore[union-attr]
    long = Choices("q", (Choice("q|1", "A title longer than twenty"), Choice("q|2", "Short")), "Choose")
    listed = draw(long, "Which?")
    assert listed is not None and listed.shape == "list_2"
    assert listed.variables["3"] == "A title longer than…" and listed.variables["5"] == "A title longer than twenty"
    many = Choices("q", tuple(Choice(f"q|{n}", str(n)) for n in range(11)), "Choose")
    assert draw(many, "Which?") is None
    assert draw(short, "x" * 1025) is None  # over WhatsApp's 1,024 characters above buttons: text alone
    assert shorten("Retenido tras su hora de salida", 24) == "Retenido tras su hora…"


@pytest.mark.parametrize("key", ["button_yes", "button_no", "button_unknown", "button_choose"])
def test_every_locales_button_words_fit_a_whatsapp_button(app: Flask, key: str) -> None:
    hotline = app.extensions["holdline.hotline"]
    source = hotline.flows.messages[key]
    for locale in hotline.catalogs.available():
        said = hotline.catalogs.translator(locale)(f"system.{key}", source)
        assert 0 < len(said) <= MAX_BUTTON_TITLE, (locale, said)


def test_stored_replies_keep_the_question_as_text_for_staff(phone: Phone) -> None:
    phone.text("hola, necesito ayuda")
    with get_db(phone.app).transaction() as session:
        bodies = session.execute(select(Message.body).where(Message.direction == "out")).scalars().all()
    assert any("1 Sus derechos" in body for body in bodies)
    with get_db(phone.app).transaction() as session:
        variables = session.execute(select(Outbox.content_variables).where(Outbox.content_sid.is_not(None))).scalar()
    assert json.loads(variables or "{}")["4"] == "menu.main|1"


def test_the_language_menu_is_a_list_and_a_tapped_language_is_the_one_written_in(phone: Phone) -> None:
    """A first text that says nothing of its language ("?") gets the language menu: on WhatsApp, a list."""
    menu = drawn(phone.text("?"))
    titles = choices_of(menu)
    assert titles["language|1"] == "English" and titles["language|2"] == "Español"
    assert len(titles) >= 8
    replies = phone.tap("language|2", "Español", list_item=True)
    said = [
        reply if isinstance(reply, str) else (reply.content_variables or {}).get("1", reply.body) for reply in replies
    ]
    assert any("Bien, le escribiremos en español" in text for text in said)
