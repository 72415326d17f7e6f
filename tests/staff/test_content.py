"""The content page: every legal text with its sources and review, each language's state, every flow drawn."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bot.config import PROJECT_ROOT
from bot.engine.flow import text_key
from bot.engine.reviews import legal_texts
from bot.storage.database import get_db
from bot.twilio.stub import TwilioStub
from tests.conftest import make_app
from tests.staff.conftest import staff_settings
from tests.staff.helpers import add_staff, login


@pytest.fixture
def content_app(sqlite_url: str, twilio: TwilioStub) -> Iterator[Flask]:
    app = make_app(sqlite_url, **staff_settings(twilio, PROJECT_ROOT / "locales"))
    yield app
    get_db(app).dispose()


@pytest.fixture
def client(content_app: Flask) -> FlaskClient:
    add_staff(content_app, "wes@example.org")
    client = content_app.test_client()
    assert login(client, "wes@example.org").status_code == 302
    return client


def test_the_content_page_needs_a_staff_login(content_app: Flask) -> None:
    assert content_app.test_client().get("/staff/content/").status_code == 302
    assert content_app.test_client().get("/staff/content/flows/menu.svg").status_code == 302


def test_every_legal_text_shows_its_sources_review_and_translations(content_app: Flask, client: FlaskClient) -> None:
    page = html.unescape(client.get("/staff/content/").get_data(as_text=True))
    hotline = content_app.extensions["holdline.hotline"]
    texts = list(legal_texts(hotline.flows))
    assert texts
    for text in texts:
        assert f'data-where="{text.where}"' in page
        for source in text.node.sources:
            assert source in page
        if text.node.reviewed:
            assert f"Last reviewed {text.node.reviewed.on}" in page
    locales = [code for code in hotline.catalogs.available() if code != "en"]
    assert len(locales) == 7
    first = texts[0]
    block = page.split(f'data-where="{first.where}"')[1].split("</article>")[0]
    for locale in locales:
        translated = hotline.catalogs.translator(locale)(
            text_key(first.where.split(".")[0], first.node, "say"), first.node.say
        )
        reviewed = "reviewed" if hotline.languages.by_code[locale].reviewed else "not reviewed"
        state = "missing" if translated == first.node.say else reviewed
        assert f"{locale}: {state}" in block


def test_every_flow_is_drawn_and_downloadable(content_app: Flask, client: FlaskClient) -> None:
    page = client.get("/staff/content/").get_data(as_text=True)
    for name, flow in content_app.extensions["holdline.hotline"].flows.flows.items():
        assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and f'data-flow="{name}" aria-label' in page
        for node in flow.nodes:
            assert f'data-node="{node}"' in page
        svg = client.get(f"/staff/content/flows/{name}.svg")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert client.get("/staff/content/flows/nope.svg").status_code == 404
