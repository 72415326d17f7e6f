"""The phone preview and the content page in a real browser: a whole report in Spanish, then every flow drawn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from bot.config import PROJECT_ROOT
from bot.core.fictional import fictional_number
from bot.core.segments import count_segments
from bot.storage.database import get_db
from bot.storage.models import Report
from bot.twilio.stub import TwilioStub
from tests.browser.conftest import serving
from tests.browser.login import log_in
from tests.conftest import make_app
from tests.helpers import whatsapp_buttons_made
from tests.staff.conftest import staff_settings
from tests.staff.helpers import add_staff, file_report

pytestmark = pytest.mark.browser

# A family's whole report, answered as the Spanish questions ask (optional ones skipped).
REPORT_ES = [
    "hola",
    "2",
    "Jose Luis Hernandez Ramirez",
    "saltar",
    "saltar",
    "Mexico",
    "3",
    "Carcel del Condado de Cook",
    "Chicago",
    "IL",
    "saltar",
    "saltar",
    "ayer a las 3 de la tarde",
    "1",
    "si",
    "si",
    "no se",
    "saltar",
    "saltar",
    "6",
    "saltar",
    "Maria Hernandez",
    "hermana",
    "312-555-0100",  # not MISMO: a fictional test number is no number to call back
    "si",
    "si",
]


def replies(page: Any) -> list[tuple[str, int]]:
    """The hotline's replies on the phone, with the segments shown under each."""
    bubbles = page.locator("li.bubble.out")
    return [
        (
            bubbles.nth(i).locator(".body").inner_text(),
            int(bubbles.nth(i).locator(".segments").get_attribute("data-segments")),
        )
        for i in range(bubbles.count())
    ]


def test_a_whole_report_in_spanish_through_the_preview(
    served_catalogs: tuple[Flask, str], page: Any, artefacts: Path
) -> None:
    app, base = served_catalogs
    add_staff(app, "wes@example.org", name="Wes Worker")
    real = file_report(app, address="+13125550101")
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    log_in(page, base, "wes@example.org")
    page.get_by_role("link", name="Phone preview").click()
    page.wait_for_url(f"{base}/staff/preview/")

    number = fictional_number(31)
    page.get_by_label("Language").select_option("es")
    page.get_by_label("Test number").fill(number)
    for said in REPORT_ES:
        before = page.locator("li.bubble").count()
        page.get_by_label("Text", exact=True).fill(said)
        page.get_by_role("button", name="Send").click()
        # the text and at least one reply shown (a locator wait: the page's CSP forbids eval'd predicates)
        page.locator("li.bubble").nth(before + 1).wait_for()
        assert page.get_by_label("Language").input_value() == "es"  # the choice stays for the next text
        if said == "2":
            page.screenshot(path=str(artefacts / "preview-es-start.png"), full_page=True)

    shown = replies(page)
    assert shown and all(segments == count_segments(body) for body, segments in shown)
    texts = [body for body, _ in shown]
    assert texts[0].startswith("Le damos la bienvenida a Holdline")
    assert "¿Cuál es el nombre legal completo de la persona detenida?" in texts
    with get_db(app).transaction() as session:
        filed = session.execute(select(Report).where(Report.is_test.is_(True))).scalars().all()
    assert len(filed) == 1 and filed[0].locale == "es" and filed[0].detained_name == "Jose Luis Hernandez Ramirez"
    ref = filed[0].ref
    assert any(f"de reporte es {ref}" in text for text in texts)  # "número" as SMS_GSM7_LOCALES sends it
    total = sum(segments for _, segments in shown)
    assert page.locator(".cost").get_attribute("data-reply-segments") == str(total)
    page.screenshot(path=str(artefacts / "preview-es-report-sent.png"), full_page=True)

    page.get_by_role("link", name="Queue").click()
    page.wait_for_url(f"{base}/staff/")
    refs = page.locator("table.queue a.ref").all_inner_texts()
    assert real in refs and ref not in refs  # test data stays out of the real queue
    page.locator("summary", has_text="Filters").click()
    page.get_by_label("Show test data").check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**test=1**")
    refs = page.locator("table.queue a.ref").all_inner_texts()
    assert ref in refs and real in refs
    assert page.locator("tr", has_text=ref).locator(".badge.test").count() == 1
    page.screenshot(path=str(artefacts / "queue-show-test-data.png"), full_page=True)
    assert problems == []


def test_the_content_page_draws_every_flow(served_catalogs: tuple[Flask, str], page: Any, artefacts: Path) -> None:
    app, base = served_catalogs
    add_staff(app, "wes@example.org")
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    log_in(page, base, "wes@example.org")
    page.get_by_role("link", name="Content", exact=True).click()
    page.wait_for_url(f"{base}/staff/content/")
    flows = app.extensions["holdline.hotline"].flows.flows
    for name, flow in flows.items():
        diagram = page.locator(f"figure[data-flow='{name}'] svg.flow-diagram")
        assert diagram.count() == 1
        box = diagram.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50  # laid out and drawn, not an empty element
        drawn = set(diagram.locator("g.node").evaluate_all("nodes => nodes.map(n => n.dataset.node)"))
        assert set(flow.nodes) <= drawn
    assert page.locator("article.legal-text").count() > 0
    page.screenshot(path=str(artefacts / "content-page.png"), full_page=True)
    page.locator("figure[data-flow='report']").screenshot(path=str(artefacts / "content-flow-report.png"))
    assert problems == []  # no inline style or script refused by the Content-Security-Policy


@pytest.fixture
def served_buttons(browser: Any, sqlite_url: str, twilio: TwilioStub) -> Iterator[tuple[Flask, str]]:
    """Like `served_catalogs`, with WhatsApp's button and list shapes made on the Twilio stand-in."""
    buttons = whatsapp_buttons_made(twilio.url)
    app = make_app(sqlite_url, **staff_settings(twilio, PROJECT_ROOT / "locales"), WHATSAPP_BUTTONS=buttons)
    with serving(app) as served:
        yield served


def test_on_whatsapp_the_preview_shows_lists_and_buttons_and_tapping_them_answers(
    served_buttons: tuple[Flask, str], page: Any, artefacts: Path
) -> None:
    app, base = served_buttons
    add_staff(app, "wes@example.org", name="Wes Worker")
    log_in(page, base, "wes@example.org")
    page.goto(f"{base}/staff/preview/")
    page.get_by_label("Language").select_option("es")
    page.get_by_label("Channel").select_option("whatsapp")
    page.get_by_label("Test number").fill(fictional_number(41))

    def act(click: Any) -> None:
        before = page.locator("li.bubble").count()
        click()
        page.locator("li.bubble").nth(before + 1).wait_for()

    def type_text(said: str) -> None:
        page.get_by_label("Text", exact=True).fill(said)
        act(lambda: page.get_by_role("button", name="Send").click())

    type_text("hola")
    menu = page.get_by_role("group", name="WhatsApp list").last
    assert menu.get_by_role("button").all_inner_texts()[0] == "Sus derechos"
    page.screenshot(path=str(artefacts / "preview-whatsapp-list.png"), full_page=True)
    act(lambda: menu.get_by_role("button", name="Retenido tras su hora…").click())
    for said in ("Jose Luis Hernandez Ramirez", "saltar", "saltar", "Mexico"):
        type_text(said)
    act(lambda: page.get_by_role("group", name="WhatsApp list").last.get_by_role("button", name="Otro").click())
    for said in ("Carcel del Condado de Cook", "Chicago"):
        type_text(said)
    confirm = page.get_by_role("group", name="WhatsApp buttons").last
    assert confirm.get_by_role("button").all_inner_texts() == ["Sí", "No"]
    page.screenshot(path=str(artefacts / "preview-whatsapp-buttons.png"), full_page=True)
    act(lambda: confirm.get_by_role("button", name="Sí").click())
    last = page.locator("li.bubble.out .body").last.inner_text()
    assert "arresto" in last  # Illinois was kept: the next question (the arrest's date) is asked
    said = page.locator("li.bubble .body").all_inner_texts()
    assert said.index("Chicago") < said.index("¿La cárcel está en Illinois? Responda SÍ, o escriba el estado.")
    status = next(n for n, body in enumerate(said) if body.startswith("Su estatus migratorio"))
    assert said.index("Mexico") < status < said.index("Otro")  # each reply after the text it answers
