"""The floor for bench/load.py: a bare Flask app answering POST /sms with fixed TwiML, nothing else."""

from __future__ import annotations

from flask import Flask, Response

app = Flask(__name__)
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks, we got it.</Message></Response>'


@app.post("/sms")
def sms() -> Response:
    """Answer a webhook with a fixed reply, reading the form as a real handler would."""
    return Response(TWIML if "Body" in request_form() else "<Response/>", mimetype="text/xml")


@app.get("/healthz")
def healthz() -> Response:
    """Tell the harness the server is up."""
    return Response("ok", mimetype="text/plain")


def request_form() -> dict[str, str]:
    """The posted form (parsed, as the hotline parses it)."""
    from flask import request

    return dict(request.form)
