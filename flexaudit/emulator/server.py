"""The emulator's HTTP server: threads, keep-alive, request log, start/stop."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterable, Mapping

from flexaudit.emulator import delivery
from flexaudit.emulator.dispatch import Dispatcher
from flexaudit.emulator.faults import FaultInjector
from flexaudit.emulator.requestlog import RequestLog
from flexaudit.emulator.scenario import Scenario, load_scenario

# An idle keep-alive connection is dropped after this long, so its thread ends.
_IDLE_SECONDS = 30
# A write's form body is a few hundred bytes; anything far larger is refused.
_MAX_FORM_BYTES = 1 << 20


class Emulator:
    """A local Twilio REST API serving one scenario at http://127.0.0.1:PORT/<subdomain>/<path>."""

    def __init__(self, scenario, port: int = 0, latency_ms: float = 0, fault_rate: float = 0.0,
                 fault_seed: int = 0, deny: Mapping[str, int] | None = None,
                 hang: Iterable[str] | None = None, hang_seconds: float = 60,
                 request_log_path: str | Path | None = None, host: str = "127.0.0.1",
                 allow_writes: bool = False, *,
                 self_page: Iterable[str] | None = None, page_cycle: Iterable[str] | None = None,
                 endless_pages: Iterable[str] | None = None, next_page_url: Mapping[str, str] | None = None,
                 trickle_bps: Mapping[str, float] | None = None, gzip_inflate: Mapping[str, int] | None = None,
                 redirect: Mapping[str, str] | None = None, retry_after: Mapping[str, object] | None = None,
                 retry_after_times: int = 0, error_message: Mapping[str, str] | None = None):
        """allow_writes: answer the writes of routes/writes.py (otherwise every non-GET is 405).
        The keyword-only options are the hostile-answer faults (faults.py, SCENARIOS.md)."""
        self.scenario: Scenario = load_scenario(scenario)
        settings = self.scenario.faults.overridden(
            latency_ms=latency_ms, fault_rate=fault_rate, fault_seed=fault_seed, deny=deny,
            hang=hang, hang_seconds=hang_seconds, retry_after_times=retry_after_times,
            self_page=self_page, page_cycle=page_cycle, endless_pages=endless_pages, next_page_url=next_page_url,
            trickle_bps=trickle_bps, gzip_inflate=gzip_inflate, redirect=redirect, retry_after=retry_after,
            error_message=error_message)
        self.faults = FaultInjector(settings)
        self.allow_writes = allow_writes
        self._dispatcher = Dispatcher(self.scenario, self.faults, allow_writes=allow_writes)
        self._host = host
        self._port = port
        self._request_log_path = request_log_path
        self._log: RequestLog | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- what callers read ---------------------------------------------------

    @property
    def account_sid(self) -> str:
        return self.scenario.account_sid

    @property
    def auth_token(self) -> str:
        return self.scenario.auth_token

    @property
    def api_keys(self) -> dict[str, str]:
        return dict(self.scenario.api_keys)

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def subaccounts(self) -> dict[str, str]:
        """Each subaccount's SID and auth token (its credentials, as the parent's listing gives them)."""
        return {sub.account_sid: sub.auth_token for sub in self.scenario.subaccounts}

    @property
    def requests(self) -> list[dict]:
        """Logged requests so far: method, sub, path, query, status, username, account, time, duration_ms."""
        return self._log.entries() if self._log else []

    # --- lifecycle -----------------------------------------------------------

    def start(self) -> "Emulator":
        if self._server is not None:
            return self
        self._log = RequestLog(self._request_log_path)
        self.faults.arm()
        self._server = _Server((self._host, self._port), _Handler, self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="flexaudit-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self.faults.release()  # wake requests sleeping in latency or hang
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None
        self._log.close()

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- called by the handler threads ----------------------------------------

    def _serve(self, method: str, target: str, authorization: str | None,
               form: bytes = b"") -> tuple[int, bytes, dict, float | None]:
        """(status, body bytes, extra headers, trickle rate or None) for one request."""
        started = time.monotonic()
        answer = self._dispatcher.answer(method, target, authorization, form)
        body = b"" if answer.body is None else json.dumps(answer.body, separators=(",", ":")).encode()
        headers = dict(answer.headers)
        if answer.body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        if answer.inflate_to:
            body = delivery.inflating_gzip(body, answer.inflate_to)
            headers["Content-Encoding"] = "gzip"
        # Never the form body: a write may carry secrets (a webhook URL's token).
        self._log.record({
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": method,
            "sub": answer.sub,
            "path": answer.path,
            "query": answer.query,
            "status": answer.status,
            "username": answer.username,
            "account": answer.account,
            "duration_ms": round((time.monotonic() - started) * 1000, 3),
        })
        return answer.status, body, headers, answer.trickle_bps


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops simultaneous connects, and a
    # dropped SYN costs the client a 1 s retransmit.
    request_queue_size = 128

    def __init__(self, address, handler, emulator: Emulator):
        self.emulator = emulator
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self.in_flight = 0
        super().__init__(address, handler)

    def handle_error(self, request, client_address) -> None:
        # A client that hangs up (one refusing an answer half-read) is not the emulator's error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)

    def process_request_thread(self, request, client_address):
        with self._open_lock:
            self._open.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def close_connections(self) -> None:
        # Keep-alive connections would otherwise outlive the server and keep
        # answering clients that pooled them.
        with self._open_lock:
            for sock in list(self._open):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's pooled connections expect
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    timeout = _IDLE_SECONDS
    server: _Server

    def version_string(self) -> str:
        return "flexaudit-emulator"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_FORM_BYTES:
            self.send_error(413)
            self.close_connection = True
            return
        # Read it all: the form of a write, and a drained connection for the next request.
        form = self.rfile.read(length) if length else b""
        server = self.server
        with server._open_lock:
            server.in_flight += 1
            concurrent = server.in_flight
        try:
            status, body, headers, trickle_bps = server.emulator._serve(
                self.command, self.path, self.headers.get("Authorization"), form)
        finally:
            with server._open_lock:
                server.in_flight -= 1
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Twilio-Request-Id", "RQ" + uuid.uuid4().hex)
            self.send_header("Twilio-Concurrent-Requests", str(concurrent))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command == "HEAD":
                return
            if trickle_bps:
                if not delivery.trickle(self.wfile.write, body, trickle_bps, server.emulator.faults.pause):
                    self.close_connection = True  # the emulator stops: cut the body off
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout test against a hanging family).
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer

    def log_message(self, format, *args) -> None:
        pass  # the request log replaces stderr chatter
