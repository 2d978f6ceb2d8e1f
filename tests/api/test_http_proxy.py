"""HTTP_PROXY / NO_PROXY from the environment, end to end, through a forwarding proxy."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from flexaudit.emulator import Emulator

from tests.support.scanning import cli_scan


class _ForwardingProxy(BaseHTTPRequestHandler):
    """A plain HTTP forward proxy: takes absolute-form GETs, forwards them, records the URLs."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.server.seen.append(self.path)
        request = urllib.request.Request(self.path, headers={k: v for k, v in self.headers.items()
                                                             if k.lower() not in ("host", "proxy-connection")})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never loop through ourselves
        try:
            with opener.open(request, timeout=10) as upstream:
                status, body, content_type = upstream.status, upstream.read(), upstream.headers.get("Content-Type")
        except urllib.error.HTTPError as error:
            status, body, content_type = error.code, error.read(), error.headers.get("Content-Type")
        self.send_response(status)
        self.send_header("Content-Type", content_type or "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops a scan's simultaneous connects (each
    # dropped SYN costs a 1 s retransmit), as the emulator's own server notes.
    request_queue_size = 128


@pytest.fixture
def proxy():
    server = _ProxyServer(("127.0.0.1", 0), _ForwardingProxy)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def findings(out):
    return json.loads((out / "flexaudit-report.json").read_text())["findings"]


def test_a_scan_goes_through_the_environments_proxy_and_reads_the_same(demo_scenario, tmp_path, monkeypatch, proxy):
    with Emulator(demo_scenario) as emu:
        assert cli_scan(emu, tmp_path / "direct").exit_code == 0
        direct = len(emu.requests)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
        result = cli_scan(emu, tmp_path / "proxied")
        answered = len(emu.requests) - direct
        base_url = emu.base_url
    assert result.exit_code == 0, result.output
    assert len(proxy.seen) == answered == direct  # every request of the scan, through the proxy
    assert all(url.startswith(base_url + "/") for url in proxy.seen)
    assert findings(tmp_path / "proxied") == findings(tmp_path / "direct")


def test_no_proxy_sends_a_host_direct(demo_scenario, tmp_path, monkeypatch, proxy):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with Emulator(demo_scenario) as emu:
        assert cli_scan(emu, tmp_path / "o").exit_code == 0
    assert proxy.seen == []
