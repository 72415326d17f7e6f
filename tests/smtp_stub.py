"""A tiny SMTP server on 127.0.0.1 that keeps what it receives (for alert email tests)."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes
from email.message import Message


class SmtpStub:
    """Accept mail over plain SMTP (no TLS, no auth) and keep each message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        stub = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.wfile.write(b"220 stub ESMTP\r\n")
                data: list[bytes] = []
                reading = False
                for line in self.rfile:
                    if reading:
                        if line in (b".\r\n", b".\n"):
                            reading = False
                            stub.messages.append(message_from_bytes(b"".join(data)))
                            data = []
                            self.wfile.write(b"250 queued\r\n")
                        else:
                            data.append(line[1:] if line.startswith(b"..") else line)
                        continue
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        self.wfile.write(b"250-stub\r\n250 8BITMIME\r\n")
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
        return f"smtp://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
