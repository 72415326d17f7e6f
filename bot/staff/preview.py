"""The phone preview: staff text the bot from a test number and see its replies as a phone shows them.

Each text goes through the webhook Twilio uses: signed with the app's auth token by twilio's
RequestValidator and posted to POST /sms in process, and the TwiML answer read back. Only the
fictional test numbers (bot/core/fictional.py) are accepted, so nothing reaches a real phone, and
what they file is test data, hidden from the queue, stats and export unless staff show it.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from wtforms import SelectChoice

from bot.config import settings_of
from bot.core.fictional import FIRST_TEST_NUMBER, TEST_PREFIX, is_test_number
from bot.core.segments import count_segments, is_gsm7
from bot.sms.simulator import Simulator
from bot.staff.auth import check_session
from bot.staff.forms import PreviewForm, PreviewResetForm
from bot.staff.i18n import _
from bot.storage import preview
from bot.storage.database import get_db
from bot.twilio.interactive import drawn_choices

log = logging.getLogger("holdline.staff")
bp = Blueprint("staff_preview", __name__, url_prefix="/staff/preview")
bp.before_request(check_session)
CHANNELS = ("sms", "whatsapp")
_SPACING = re.compile(r"[\s().\-]")


@dataclass(frozen=True)
class Bubble:
    """One text as the phone shows it, with what it costs as SMS."""

    direction: str  # "in" (typed here, sent to the hotline) or "out" (the hotline's reply)
    body: str
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int
    segments: int
    choices: tuple[tuple[str, str, bool], ...] = ()  # WhatsApp buttons or list items: (id, title, in a list)


def bubble(direction: str, body: str, variables: str | None = None) -> Bubble:
    """A text with its encoding, length and SMS segments (bot/core/segments.py, the one counter), and the
    buttons or list it went with on WhatsApp."""
    choices = tuple(drawn_choices(json.loads(variables))) if variables else ()
    return Bubble(direction, body, "GSM-7" if is_gsm7(body) else "UCS-2", len(body), count_segments(body), choices)


def normal_number(typed: str) -> str:
    """The number as typed without spaces, dashes, dots or brackets: `+1 (555) 555-0142` -> `+15555550142`.

    Digits alone are read as an international number (`15555550142`, or a `+` a URL turned into a space).
    """
    number = _SPACING.sub("", typed or "")
    return "+" + number if number.isdigit() else number


def address_of(number: str, channel: str) -> str:
    return ("whatsapp:" if channel == "whatsapp" else "") + number


def _hotline() -> Any:
    return current_app.extensions["holdline.hotline"]


def _languages() -> list[SelectChoice]:
    hotline = _hotline()
    names = {code: language.name for code, language in hotline.languages.by_code.items()}
    return [SelectChoice(code, f"{names.get(code, code)} ({code})") for code in hotline.catalogs.available()]


def _page(form: PreviewForm, number: str, channel: str, status: int = 200) -> ResponseReturnValue:
    """The preview page: the form, and the test number's conversation so far as phone bubbles."""
    bubbles: list[Bubble] = []
    if is_test_number(number) and channel in CHANNELS:
        with get_db().transaction() as session:
            texts = preview.texts(session, address_of(number, channel))
            drawn = preview.drawn(session, texts)
            bubbles = [bubble(m.direction, m.body, drawn.get(m.id or 0)) for m in texts]
    replies = [b for b in bubbles if b.direction == "out"]
    return (
        render_template(
            "staff/preview.html",
            form=form,
            reset=PreviewResetForm(number=number, channel=channel),
            bubbles=bubbles,
            reply_count=len(replies),
            reply_segments=sum(b.segments for b in replies),
            sent_segments=sum(b.segments for b in bubbles if b.direction == "in"),
            channel=channel,
            number=number,
            first=FIRST_TEST_NUMBER,
            last=TEST_PREFIX + "99",
        ),
        status,
    )


@bp.get("/")
def page() -> ResponseReturnValue:
    """Show the preview for a test number (the first one unless the address asks for another)."""
    number = normal_number(request.args.get("number", FIRST_TEST_NUMBER))
    channel = request.args.get("channel", "sms")
    channel = channel if channel in CHANNELS else "sms"
    locale = request.args.get("locale", "en")
    if is_test_number(number):  # the language the conversation is in now (LANGUAGE may have changed it)
        with get_db().transaction() as session:
            contact = preview.find(session, address_of(number, channel))
            locale = contact.locale if contact is not None and contact.locale_source != "default" else locale
    form = PreviewForm(formdata=None, number=number, channel=channel, locale=locale)
    form.locale.choices = _languages()
    return _page(form, number, channel)


@bp.post("/")
def send() -> ResponseReturnValue:
    """Text the hotline from a test number through the signed webhook; refuse any other number."""
    form = PreviewForm()
    form.locale.choices = _languages()
    number = normal_number(form.number.data or "")
    channel = form.channel.data if form.channel.data in CHANNELS else "sms"
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return _page(form, number, channel, 400)
    if not is_test_number(number):
        log.warning("the phone preview refused a number outside the test range")
        flash(
            _(
                "Only test numbers can be used here, from %(first)s to %(last)s: the preview never texts a real phone.",
                first=FIRST_TEST_NUMBER,
                last=TEST_PREFIX + "99",
            ),
            "error",
        )
        return _page(form, number, channel, 400)
    address = address_of(number, channel)
    with get_db().transaction() as session:
        preview.choose_language(session, address, channel, form.locale.data)
    settings = settings_of(current_app)
    phone = Simulator(
        auth_token=settings.twilio_auth_token,
        sender=address,
        app=current_app._get_current_object(),  # type: ignore[attr-defined]
        signed_base_url=settings.public_base_url or None,
    )
    with get_db().transaction() as session:
        before = preview.newest_id(session, address)
    tapped = form.button.data or ""
    if tapped:  # a button or list item under a reply: sent as WhatsApp reports a tap
        reply = phone.tap(tapped, form.body.data or "", list_item=form.list_item.data == "1")
    else:
        reply = phone.send(form.body.data or "")
    with get_db().transaction() as session:
        answered = preview.newest_id(session, address, "out") > before
    if reply.status != 200:
        flash(_("The webhook answered HTTP %(status)s: nothing was stored.", status=reply.status), "error")
    elif not answered:
        flash(_("The hotline sent no reply to that text."), "info")
    return redirect(url_for("staff_preview.page", number=number, channel=channel, locale=form.locale.data))


@bp.post("/reset")
def reset() -> ResponseReturnValue:
    """Erase a test number's conversation, texts and new reports, to start over."""
    form = PreviewResetForm()
    number, channel = normal_number(form.number.data or ""), form.channel.data or "sms"
    if form.validate_on_submit() and is_test_number(number) and channel in CHANNELS:
        with get_db().transaction() as session:
            preview.start_over(session, address_of(number, channel))
        flash(_("The conversation was erased: the next text starts afresh."), "info")
    else:
        flash(_("Only test numbers can be used here."), "error")
    return redirect(url_for("staff_preview.page", number=number, channel=channel))
