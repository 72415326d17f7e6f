"""Throw-away TLS for tests: a self-signed certificate for 127.0.0.1/localhost, and a TLS-terminating proxy.

The proxy does what nginx or Heroku's router does in production: it ends TLS and forwards each request over
plain HTTP to the app with `X-Forwarded-Proto: https`, `X-Forwarded-For` and `X-Forwarded-Host`.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import socketserver
import ssl
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOP_HEADERS = {b"connection", b"keep-alive", b"proxy-connection", b"x-forwarded-for", b"x-forwarded-proto",
               b"x-forwarded-host", b"x-forwarded-port", b"upgrade"}  # fmt: skip


def self_signed(directory: Path) -> tuple[Path, Path]:
    """Write a fresh certificate and key for 127.0.0.1 and localhost; return their paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "holdline test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


class TlsProxy:
    """Listen for https on 127.0.0.1 and forward each request, one per connection, to a plain-http backend."""

    def __init__(self, backend_port: int, context: ssl.SSLContext) -> None:
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                try:
                    tls = context.wrap_socket(self.request, server_side=True)
                except (ssl.SSLError, OSError):
                    return  # e.g. a client that gave up on the certificate
                with tls:
                    proxy.forward(tls, self.client_address[0])

        self.backend_port = backend_port
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def forward(self, client: ssl.SSLSocket, client_ip: str) -> None:
        """Relay one request with the X-Forwarded-* headers a production proxy sets, then the whole response."""
        head, body = _read_request(client)
        if not head:
            return
        request_line, *header_lines = head.split(b"\r\n")
        headers = [line for line in header_lines if line.split(b":", 1)[0].strip().lower() not in HOP_HEADERS]
        host = next((line.split(b":", 1)[1].strip() for line in headers if line.lower().startswith(b"host:")), b"")
        headers += [
            b"X-Forwarded-For: " + client_ip.encode(),
            b"X-Forwarded-Proto: https",
            b"X-Forwarded-Host: " + host,
            b"Connection: close",
        ]
        with socket.create_connection(("127.0.0.1", self.backend_port), timeout=30) as backend:
            backend.sendall(b"\r\n".join([request_line, *headers]) + b"\r\n\r\n" + body)
            while chunk := backend.recv(65536):
                client.sendall(chunk)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _read_request(client: ssl.SSLSocket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk:
            return b"", b""
        data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = client.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body
