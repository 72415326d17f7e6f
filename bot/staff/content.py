"""The content page for reviewers: every legal text with its sources and review, translations, and the flows drawn.

Read from the flows as the hotline loaded them, so what lawyers and translators review is what families get.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, abort, current_app, render_template
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from bot.config import settings_of
from bot.engine.diagram import render_svg
from bot.engine.flow import text_key
from bot.engine.reviews import legal_texts, review_date
from bot.staff.auth import check_session
from bot.storage.models import utcnow

bp = Blueprint("staff_content", __name__, url_prefix="/staff/content")
bp.before_request(check_session)


@dataclass(frozen=True)
class Translation:
    """One legal text in one language: whether the catalog has it, and whether that language was reviewed."""

    locale: str
    name: str
    translated: bool
    reviewed: bool


@dataclass(frozen=True)
class LegalRow:
    """One legal text as reviewers see it."""

    where: str
    say: str
    sources: tuple[str, ...]
    reviewer: str | None
    named: bool
    reviewed_on: date | None
    stale: bool
    translations: list[Translation]


def _hotline():  # noqa: ANN202
    return current_app.extensions["holdline.hotline"]


def legal_rows(today: date, max_days: int) -> list[LegalRow]:
    """Every legal text, with its sources, reviewer, review date and per-locale translation."""
    hotline = _hotline()
    locales = [code for code in hotline.catalogs.available() if code != "en"]
    languages = hotline.languages.by_code
    rows = []
    for text in legal_texts(hotline.flows):
        node, flow = text.node, text.where.partition(".")[0]
        english = node.say or ""
        key = text_key(flow, node, "say")
        translations = [
            Translation(
                locale,
                languages[locale].name if locale in languages else locale,
                hotline.catalogs.translator(locale)(key, english) != english,
                bool(languages[locale].reviewed) if locale in languages else False,
            )
            for locale in locales
        ]
        on = review_date(node)
        rows.append(
            LegalRow(
                where=text.where,
                say=english,
                sources=node.sources,
                reviewer=node.reviewed.by if node.reviewed else None,
                named=bool(node.reviewed and node.reviewed.named),
                reviewed_on=on,
                stale=on is None or (today - on).days > max_days,
                translations=translations,
            )
        )
    return rows


@bp.get("/")
def page() -> ResponseReturnValue:
    """Show the legal texts for review, each language's state, and every flow as a diagram."""
    hotline = _hotline()
    settings = settings_of(current_app)
    today = utcnow().astimezone(settings.zone).date()
    rows = legal_rows(today, settings.content_review_max_days)
    languages = [
        hotline.languages.by_code[code] for code in hotline.catalogs.available() if code in hotline.languages.by_code
    ]
    translated = {
        code: sum(1 for row in rows for t in row.translations if t.locale == code and t.translated)
        for code in hotline.catalogs.available()
    }
    diagrams = [
        (flow, Markup(render_svg(flow)))  # noqa: S704 (every text in it is escaped by render_svg)
        for flow in hotline.flows.flows.values()
    ]
    return render_template(
        "staff/content.html",
        rows=rows,
        languages=languages,
        translated=translated,
        diagrams=diagrams,
        max_days=settings.content_review_max_days,
    )


@bp.get("/flows/<name>.svg")
def diagram(name: str) -> ResponseReturnValue:
    """One flow's diagram as an SVG file (the same as `flask flows diagram NAME`)."""
    flow = _hotline().flows.flows.get(name)
    if flow is None:
        abort(404)
    return Response(render_svg(flow), mimetype="image/svg+xml")
