"""The Twilio Messaging webhooks: POST /sms (and /sms/fallback for when /sms fails), and /sms/status.

/sms/status is the StatusCallback of texts the outbox sends: Twilio reports there a WhatsApp text that
failed after it was accepted (63016 outside the 24-hour window, 63027…), which is kept on its outbox row.
"""

from __future__ import annotations

import logging
import uuid

from flask import Blueprint, Response, abort, current_app, request
from flask.typing import ResponseReturnValue

from bot.config import settings_of
from bot.core.logsafe import log_fields
from bot.sms.inbound import inbound_from_form
from bot.sms.signature import is_from_twilio
from bot.sms.twiml import twiml_response

log = logging.getLogger("holdline.sms")
bp = Blueprint("sms", __name__)

# Twilio posts about 20 fields, 2 more per photo (10 at most), a few more on WhatsApp.
MAX_FORM_FIELDS = 100


@bp.before_request
def _bounded_and_verified() -> None:
    """Refuse oversized or many-field requests before parsing them, then check Twilio's signature."""
    log_fields.set({"request_id": request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]})
    raw = request.get_data(cache=True)  # MAX_CONTENT_LENGTH bounds this read (413 above it)
    if raw.count(b"&") >= MAX_FORM_FIELDS:
        log.warning("refused a webhook request with too many form fields")
        abort(413)
    settings = settings_of(current_app)
    if not is_from_twilio(request, settings.twilio_auth_token, settings.public_base_url):
        log.warning("rejected a webhook request without a valid Twilio signature")
        abort(403)


def _receive() -> ResponseReturnValue:
    inbound = inbound_from_form(request.form)
    if inbound is None:
        log.warning("rejected a signed webhook request without MessageSid or From")
        return twiml_response([], status=400)
    return twiml_response(current_app.extensions["holdline.hotline"].answer(inbound))


@bp.post("/sms")
def receive_sms() -> ResponseReturnValue:
    """Store and answer one text from Twilio (SMS or WhatsApp); journal it when the database cannot."""
    return _receive()


@bp.post("/sms/fallback")
def receive_fallback() -> ResponseReturnValue:
    """Twilio's fallback URL (when /sms failed or was too slow): the same path, journal included."""
    return _receive()


@bp.post("/sms/status")
def delivery_status() -> ResponseReturnValue:
    """Keep what Twilio says became of a sent text: a failure (and its error code) marks the text failed."""
    sid, status = request.form.get("MessageSid", ""), request.form.get("MessageStatus", "")
    code = request.form.get("ErrorCode", "")
    if not sid or not status:
        return Response(status=400)
    if status in ("failed", "undelivered"):
        error_code = int(code) if code.isdigit() else None
        found = current_app.extensions["holdline.hotline"].delivery_failed(sid, status, error_code)
        log.info(
            "status callback: a sent text was %s (code %s)%s", status, code or "none", "" if found else "; not ours"
        )
    return Response(status=204)
