"""The Twilio Messaging webhook: POST /sms (and /sms/fallback for when /sms fails)."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, request
from flask.typing import ResponseReturnValue

from bot.config import settings_of
from bot.sms.inbound import inbound_from_form
from bot.sms.signature import is_from_twilio
from bot.sms.twiml import twiml_response

log = logging.getLogger("holdline.sms")
bp = Blueprint("sms", __name__)


def _verified() -> None:
    settings = settings_of(current_app)
    if not is_from_twilio(request, settings.twilio_auth_token, settings.public_base_url):
        log.warning("rejected a webhook request without a valid Twilio signature")
        abort(403)


@bp.post("/sms")
def receive_sms() -> ResponseReturnValue:
    """Store and answer one text from Twilio (SMS or WhatsApp)."""
    _verified()
    inbound = inbound_from_form(request.form)
    if inbound is None:
        log.warning("rejected a signed webhook request without MessageSid or From")
        return twiml_response([], status=400)
    replies = current_app.extensions["holdline.hotline"].receive(inbound)
    return twiml_response(replies)


@bp.post("/sms/fallback")
def receive_fallback() -> ResponseReturnValue:
    """Twilio's fallback URL: try once more to store and answer; apologise if that fails too."""
    _verified()
    inbound = inbound_from_form(request.form)
    hotline = current_app.extensions["holdline.hotline"]
    if inbound is not None:
        try:
            return twiml_response(hotline.receive(inbound))
        except Exception:
            log.error("fallback could not store an inbound message")
    return twiml_response([hotline.flows.messages["apology"].format_map(hotline.context())])
