"""Build TwiML replies."""

from __future__ import annotations

from xml.etree import ElementTree

from flask import Response
from twilio.twiml.messaging_response import MessagingResponse


def twiml_response(replies: list[str], status: int = 200) -> Response:
    """Return a TwiML <Response> with one <Message> per reply (empty when there is nothing to send)."""
    twiml = MessagingResponse()
    for body in replies:
        twiml.message(body)
    return Response(str(twiml), status=status, mimetype="text/xml")


def parse_twiml(xml: str | bytes) -> list[str]:
    """Return the text of each <Message> in a TwiML document (for the chat simulator and tests)."""
    root = ElementTree.fromstring(xml)
    if root.tag != "Response":
        raise ValueError(f"not TwiML: root element is <{root.tag}>")
    replies = []
    for message in root.iter("Message"):
        body = message.find("Body")
        replies.append((body.text if body is not None else message.text) or "")
    return replies
