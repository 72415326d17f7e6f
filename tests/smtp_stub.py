"""A tiny SMTP server on 127.0.0.1 that keeps what it receives (for alert email tests).

`SmtpStub()` speaks plain SMTP and offers no STARTTLS; `SmtpStub(tls=context)` offers STARTTLS with that
server certificate (a throw-away one from tests/tls.py); `SmtpStub(tls=context, implicit=True)` speaks TLS
from the first byte (smtps). AUTH PLAIN is offered only once the connection is encrypted, and every AUTH
line is kept with whether it came over TLS, so a test sees a password sent in clear.
"""

from __future__ import annotations

import socketserver
import ssl
import threading
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message


@dataclass(frozen=True)
class AuthSeen:
    line: bytes
    encrypted: bool


class SmtpStub:
    """Accept mail and keep each message; TLS as asked."""

    def __init__(self, tls: ssl.SSLContext | None = None, implicit: bool = False) -> None:
        self.messages: list[Message] = []
        self.auth: list[AuthSeen] = []
        self.scheme = "smtps" if implicit else "smtp"
        stub = self

        class Handler(socketserver.StreamRequestHandler):
            def setup(self) -> None:
                self.encrypted = False
                if implicit and tls is not None:
                    try:
                        self.request = tls.wrap_socket(self.request, server_side=True)
                    except (ssl.SSLError, OSError):
                        self.request = None
                        return
                    self.encrypted = True
                super().setup()

            def _starttls(self) -> bool:
                assert tls is not None
                self.wfile.write(b"220 ready to start TLS\r\n")
                try:
                    self.request = tls.wrap_socket(self.request, server_side=True)
                except (ssl.SSLError, OSError):
                    return False  # the client refused our certificate
                self.rfile = self.request.makefile("rb")
                self.wfile = self.request.makefile("wb", buffering=0)
                self.encrypted = True
                return True

            def handle(self) -> None:
                if self.request is None:
                    return
                self.wfile.write(b"220 stub ESMTP\r\n")
                data: list[bytes] = []
                reading = False
                while line := self.rfile.readline():
                    if reading:
                        if line in (b".\r\n", b".\n"):
                            reading = False
                            stub.messages.append(message_from_bytes(b"".join(data)))
                            data = []
                            self.wfile.write(b"250 queued\r\n")
                        else:
                            data.append(line[1:] if line.startswith(b"..") else line)
                        continue
                    verb = line[:8].split(b" ")[0].strip().upper()
                    if verb in (b"EHLO", b"HELO"):
                        offers = [b"8BITMIME"]
                        if tls is not None and not self.encrypted:
                            offers.append(b"STARTTLS")
                        if self.encrypted:
                            offers.append(b"AUTH PLAIN")
                        lines = [b"250-stub", *(b"250-" + offer for offer in offers[:-1]), b"250 " + offers[-1]]
                        self.wfile.write(b"\r\n".join(lines) + b"\r\n")
                    elif verb == b"STARTTLS" and tls is not None and not self.encrypted:
                        if not self._starttls():
                            return
                    elif verb == b"AUTH":
                        stub.auth.append(AuthSeen(line, self.encrypted))
                        self.wfile.write(b"235 authenticated\r\n")
                    elif verb == b"DATA":
                        reading = True
                        self.wfile.write(b"354 go ahead\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    def url_with_login(self, user: str = "alerts", password: str = "mail-password-123") -> str:
        return f"{self.scheme}://{user}:{password}@127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
