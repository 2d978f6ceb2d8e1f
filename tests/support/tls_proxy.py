"""A corporate-style HTTPS proxy on loopback that stands in for Twilio, and records every leak.

A real-mode scan (no --api-base-url) addresses https://<sub>.twilio.com. With
HTTPS_PROXY and HTTP_PROXY pointing here and REQUESTS_CA_BUNDLE naming the
throwaway CA (trustme, made per test: no certificate is committed), the scan
reaches:
- `CONNECT <sub>.twilio.com:443`: the tunnel's TLS ends here, with a
  certificate for *.twilio.com, and each request is answered by the emulator
  at /<sub>/<path> (the proxy-for-twilio: the credential belongs there);
- anything else, through a tunnel to another host (answered with a
  certificate the CA also signs, so a client that followed would really send
  its headers), as a plain-HTTP proxy request, or sent straight to this port:
  recorded in `leaks` (host, path, Authorization) and answered with an empty
  list page.
"""

from __future__ import annotations

import http.client
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import trustme

_EMPTY_PAGE = json.dumps({"meta": {"key": "items", "next_page_url": None}, "items": []}).encode()
_HOP_BY_HOP = {"host", "connection", "proxy-connection", "keep-alive", "proxy-authorization"}


class TwilioStandInProxy:
    def __init__(self, ca_file):
        self.ca = trustme.CA()
        self.ca.cert_pem.write_to_path(str(ca_file))
        self.ca_file = str(ca_file)
        cert = self.ca.issue_cert("*.twilio.com", "twilio.com", "evil.example", "*.evil.example",
                                  "studio.twilio.com.evil.example", "127.0.0.1")
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.tls)
        self.emulator: tuple[str, int] | None = None  # set by forward_to
        self.leaks: list[tuple[str, str, str | None]] = []
        self.tunnels: list[str] = []  # every CONNECT target
        self.forwarded = 0  # requests answered by the emulator
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Outer)
        self._server.daemon_threads = True
        self._server.proxy = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def forward_to(self, emulator_base_url: str) -> None:
        """Answer the tunnels to *.twilio.com from this emulator."""
        emulator = urlsplit(emulator_base_url)
        self.emulator = (emulator.hostname, emulator.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "TwilioStandInProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def record_leak(self, host: str, path: str, authorization: str | None) -> None:
        with self._lock:
            self.leaks.append((host, path, authorization))


class _Outer(BaseHTTPRequestHandler):
    """The proxy's own port: CONNECT tunnels, plain proxy requests, and direct requests."""

    protocol_version = "HTTP/1.1"

    def do_CONNECT(self):  # noqa: N802 - http.server's naming
        proxy: TwilioStandInProxy = self.server.proxy
        host, _, port = self.path.rpartition(":")
        with proxy._lock:
            proxy.tunnels.append(self.path)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        try:
            tls = proxy.tls.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused the certificate: it sent nothing
        tunnel = type("Tunnel", (_Tunnel,), {"tunnel_host": host.lower(), "tunnel_port": port})
        try:
            tunnel(tls, self.client_address, self.server)
        except (ssl.SSLError, OSError):
            pass

    def do_GET(self):  # noqa: N802
        # Absolute form (a plain-HTTP proxy request) or origin form (sent straight here): never Twilio.
        parts = urlsplit(self.path)
        self.server.proxy.record_leak(parts.netloc or self.headers.get("Host", "?"), self.path,
                                      self.headers.get("Authorization"))
        _answer(self, 200, _EMPTY_PAGE, {"Content-Type": "application/json"})

    def log_message(self, *args):
        pass


class _Tunnel(BaseHTTPRequestHandler):
    """Requests inside one TLS tunnel: to Twilio (answered by the emulator) or to anyone else (a leak)."""

    protocol_version = "HTTP/1.1"
    tunnel_host = ""
    tunnel_port = ""

    def do_GET(self):  # noqa: N802
        proxy: TwilioStandInProxy = self.server.proxy
        if not (self.tunnel_host.endswith(".twilio.com") and self.tunnel_port == "443"):
            proxy.record_leak(f"{self.tunnel_host}:{self.tunnel_port}", self.path, self.headers.get("Authorization"))
            _answer(self, 200, _EMPTY_PAGE, {"Content-Type": "application/json"})
            return
        sub = self.tunnel_host.split(".", 1)[0]
        upstream = http.client.HTTPConnection(*proxy.emulator, timeout=10)
        try:
            upstream.request("GET", f"/{sub}{self.path}",
                             headers={k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP})
            answer = upstream.getresponse()
            body = answer.read()
        finally:
            upstream.close()
        with proxy._lock:
            proxy.forwarded += 1
        _answer(self, answer.status, body, {k: v for k, v in answer.getheaders()
                                            if k.lower() in ("content-type", "content-encoding", "location",
                                                             "retry-after", "www-authenticate")})

    def log_message(self, *args):
        pass


def _answer(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
