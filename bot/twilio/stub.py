"""A local stand-in for Twilio's Messages API, for tests and `make run`: nothing leaves the machine.

It answers `POST /2010-04-01/Accounts/{sid}/Messages.json` as Twilio does (201 and a JSON message
with a `sid`), records each text, answers DELETE on a message or its media (recorded in `deleted`),
and can be told to fail: `fail_next(500, times=2)`, `opt_out("+13125550100")` (400 with code 21610),
`delay = 2.0` (for timeouts), and `close_window("whatsapp:+1312…")`: WhatsApp's 24 hours since that
family's last message are over, so free-form texts get error 63016 and only a template sent by
`ContentSid` (+ `ContentVariables`) goes. It also plays the Content API's `POST /v1/Content` (served
under /content): a Content template made there is kept in `contents`, and a text sent with its SID
must fill every one of its `{{n}}` placeholders (else 63028, as WhatsApp answers).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

CONTENT_PATH = "/content/v1/Content"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages\.json$")
CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
ERROR_MESSAGES = {
    21610: "Attempt to send to unsubscribed recipient",
    63016: "Failed to send freeform message because you are outside the allowed window. Please use a Template.",
    63028: "Number of parameters provided does not match the expected number of parameters",
}
DELETE_PATH = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages/(?P<message>\w+)(?:/Media/(?P<media>\w+))?\.json$"
)


@dataclass
class StubText:
    """One text the stub received."""

    account: str
    to: str
    from_: str
    body: str
    sid: str
    at: float = field(default_factory=time.monotonic)
    content_sid: str | None = None  # a template sent by Content SID (then body is "")
    content_variables: dict[str, str] | None = None
    status_callback: str = ""  # where Twilio would report what became of the text


class TwilioStub:
    """A threaded HTTP server on 127.0.0.1 that plays Twilio's Messages API."""

    def __init__(self, port: int = 0, echo: bool = False) -> None:
        self.texts: list[StubText] = []
        self.attempts: list[float] = []  # when each POST arrived (monotonic), failures included
        self.failures: list[tuple[int, int | None]] = []  # (HTTP status, Twilio code) to answer next, in order
        self.opted_out: set[str] = set()
        self.closed_windows: set[str] = set()
        self.deleted: list[tuple[str, str | None]] = []  # (message SID, media SID or None) Twilio was told to delete
        self.contents: dict[str, dict[str, Any]] = {}  # Content templates made here, by SID
        self.delay = 0.0
        self.echo = echo
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> TwilioStub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, status: int = 500, times: int = 1, code: int | None = None) -> None:
        """Answer the next `times` requests with an error."""
        with self._lock:
            self.failures.extend([(status, code)] * times)

    def opt_out(self, number: str) -> None:
        """Answer texts to this number with error 21610, as Twilio does after the number texted STOP."""
        self.opted_out.add(number)

    def close_window(self, address: str) -> None:
        """Answer free-form WhatsApp texts to this address with 63016, as after 24 hours without their message."""
        self.closed_windows.add(address)

    def open_window(self, address: str) -> None:
        """The family wrote again: free-form texts to them go through."""
        self.closed_windows.discard(address)

    def _answer(self, account: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.attempts.append(time.monotonic())
            failure = self.failures.pop(0) if self.failures else None
        to = form.get("To", "")
        content_sid = form.get("ContentSid")
        if failure is None and to in self.opted_out:
            failure = (400, 21610)
        if failure is None and to in self.closed_windows and not content_sid:
            failure = (400, 63016)
        if failure is not None:
            status, code = failure
            message = ERROR_MESSAGES.get(code or 0, "stub failure")
            return status, {"code": code or status * 100, "message": message, "status": status, "more_info": ""}
        if not to or not (form.get("Body") or content_sid) or not (form.get("From") or form.get("MessagingServiceSid")):
            return 400, {"code": 21604, "message": "A 'To', 'From' and 'Body' are required", "status": 400}
        variables = None
        if content_sid:
            if not CONTENT_SID.match(content_sid):
                return 400, {"code": 21655, "message": "The ContentSid is invalid", "status": 400}
            try:
                variables = json.loads(form.get("ContentVariables") or "{}")
            except ValueError:
                variables = None
            if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
                return 400, {"code": 21656, "message": "The ContentVariables Parameter is invalid", "status": 400}
            made = self.contents.get(content_sid)
            if made is not None and set(PLACEHOLDER.findall(json.dumps(made["types"]))) - set(variables):
                return 400, {"code": 63028, "message": ERROR_MESSAGES[63028], "status": 400}
        sid = "SM" + uuid.uuid4().hex
        sender = form.get("From") or form.get("MessagingServiceSid", "")
        text = StubText(
            account,
            to,
            sender,
            form.get("Body", ""),
            sid,
            content_sid=content_sid,
            content_variables=variables,
            status_callback=form.get("StatusCallback", ""),
        )
        with self._lock:
            self.texts.append(text)
        if self.echo:
            shown = f"template {content_sid} {variables}" if content_sid else text.body
            print(f"[twilio stub] text to {to}:\n  " + shown.replace("\n", "\n  "), flush=True)
        payload = {"sid": sid, "account_sid": account, "to": to, "from": text.from_, "body": text.body}
        return 201, payload | {"status": "queued", "num_segments": "1", "direction": "outbound-api"}

    def _make_content(self, account: str, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:  # noqa: ARG002
        """Keep a Content template as the Content API does and give it an HX SID."""
        if not isinstance(request.get("types"), dict) or not request.get("friendly_name"):
            return 400, {"code": 20001, "message": "types and friendly_name are required", "status": 400}
        sid = "HX" + uuid.uuid4().hex
        types = {name: value for name, value in request["types"].items() if value is not None}
        made = {"sid": sid, "account_sid": account, "friendly_name": request["friendly_name"], "types": types}
        made |= {"language": request.get("language") or "en", "variables": request.get("variables") or {}}
        with self._lock:
            self.contents[sid] = made
        return 201, made

    def _delete(self, message: str, media: str | None) -> tuple[int, dict[str, Any] | None]:
        with self._lock:
            self.attempts.append(time.monotonic())
            failure = self.failures.pop(0) if self.failures else None
            if failure is None:
                self.deleted.append((message, media))
        if failure is not None:
            status, code = failure
            return status, {"code": code or status * 100, "message": "stub failure", "status": status, "more_info": ""}
        return 204, None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_DELETE(self) -> None:  # noqa: N802 (http.server's name)
                match = DELETE_PATH.match(self.path.split("?", 1)[0])
                if match is None:
                    status, payload = 404, {"code": 20404, "message": "not found", "status": 404}
                else:
                    status, payload = stub._delete(match["message"], match["media"])
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                if data:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                match = MESSAGES_PATH.match(self.path.split("?", 1)[0])
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if stub.delay:
                    time.sleep(stub.delay)
                if self.path.split("?", 1)[0] == CONTENT_PATH:
                    try:
                        request = json.loads(raw or "{}")
                    except ValueError:
                        request = {}
                    status, payload = stub._make_content("", request if isinstance(request, dict) else {})
                elif match is None:
                    status, payload = 404, {"code": 20404, "message": "not found", "status": 404}
                else:
                    form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                    status, payload = stub._answer(match["account"], form)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                    pass

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
                return  # the request line holds nothing useful and the form holds numbers

        return Handler
