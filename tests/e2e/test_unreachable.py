"""Twilio unreachable (refused, DNS, TLS, proxy): one line naming the host and the cause, nothing
written, exit 4, and no 5 s of retries first. Run as users run it: a process, its environment."""

from __future__ import annotations

import json
import re
import socket
import time

from flexaudit.emulator import Emulator

from tests.support.process import run_flexaudit
from tests.support.scanning import cli_scan

ACCOUNT = "AC" + "1" * 32
TOKEN = "2" * 32


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scan(out, *args, env_extra=None):
    started = time.monotonic()
    result = run_flexaudit(["scan", "--account-sid", ACCOUNT, "--auth-token", TOKEN, "--output-dir", str(out), *args],
                           env_extra, timeout=60)
    return result, time.monotonic() - started


def assert_unreachable(result, out, line_pattern: str):
    assert result.returncode == 4, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and re.fullmatch(line_pattern, lines[0]), result.stderr
    assert result.stdout == ""
    assert not out.exists()  # not even an empty directory


def test_a_refused_connection_is_one_line_and_exit_4_at_once(tmp_path):
    port = closed_port()
    result, elapsed = scan(tmp_path / "o", "--api-base-url", f"http://127.0.0.1:{port}")
    assert_unreachable(result, tmp_path / "o", re.escape(
        f"flexaudit: error: Twilio could not be reached: http://127.0.0.1:{port}: connection refused; nothing was scanned and no "
        "file was written"))
    assert elapsed < 4  # no retries against a refused port (it took 5 s of them)


def test_an_unknown_host_is_said_to_be_a_dns_failure(tmp_path):
    result, _ = scan(tmp_path / "o", "--api-base-url", "http://flexaudit-test.invalid")
    assert_unreachable(result, tmp_path / "o", re.escape(
        "flexaudit: error: Twilio could not be reached: http://flexaudit-test.invalid: name not resolved (DNS); nothing was scanned "
        "and no file was written"))


def test_a_tls_failure_names_tls(demo_scenario, tmp_path):
    with Emulator(demo_scenario) as emu:  # plain HTTP: a TLS handshake with it fails
        port = emu.port
        result, _ = scan(tmp_path / "o", "--api-base-url", f"https://127.0.0.1:{port}")
    assert_unreachable(result, tmp_path / "o",
                       re.escape(f"flexaudit: error: Twilio could not be reached: https://127.0.0.1:{port}: TLS failed") + r".*"
                       + re.escape("; nothing was scanned and no file was written"))


def test_an_untrusted_certificate_on_a_real_scan_is_a_tls_failure(tmp_path):
    from tests.support.tls_proxy import TwilioStandInProxy

    with TwilioStandInProxy(tmp_path / "ca.pem") as proxy:  # its CA is not given to the scan
        result, _ = scan(tmp_path / "o", env_extra={"HTTPS_PROXY": proxy.url})
        assert proxy.leaks == [] and proxy.forwarded == 0
    assert_unreachable(result, tmp_path / "o",
                       re.escape(f"flexaudit: error: Twilio could not be reached: the proxy {proxy.url} (for https://") + r"[a-z-]+"
                       + re.escape(".twilio.com): TLS failed (CERTIFICATE_VERIFY_FAILED); nothing was scanned "
                                   "and no file was written"))


def test_a_dead_proxy_is_named_as_the_proxy(tmp_path):
    port = closed_port()
    result, elapsed = scan(tmp_path / "o", env_extra={"HTTPS_PROXY": f"http://user:pr0xy-pass@127.0.0.1:{port}"})
    assert_unreachable(result, tmp_path / "o",
                       re.escape(f"flexaudit: error: Twilio could not be reached: the proxy http://127.0.0.1:{port} (for https://")
                       + r"[a-z-]+" + re.escape(".twilio.com): connection refused; nothing was scanned and no file "
                                                 "was written"))
    assert "pr0xy-pass" not in result.stderr and elapsed < 4


def test_flx409_is_skipped_when_the_conversations_configuration_could_not_be_read(demo_scenario, tmp_path):
    demo_scenario.pop("conversations_configuration", None)  # would fire FLX409 if it were read
    with Emulator(demo_scenario) as emu:
        assert cli_scan(emu, tmp_path / "read").exit_code == 0
    with Emulator(demo_scenario, deny={"conversations": 503}) as emu:
        assert cli_scan(emu, tmp_path / "denied", "--timeout", "1").exit_code == 3
    read = json.loads((tmp_path / "read" / "flexaudit-report.json").read_text())
    denied = json.loads((tmp_path / "denied" / "flexaudit-report.json").read_text())
    assert "FLX409" in {f["rule_id"] for f in read["findings"]}
    assert "FLX409" not in {f["rule_id"] for f in denied["findings"]}
    gap = next(c for c in denied["coverage"] if c["family"] == "conversations")
    assert "FLX409" in gap["skipped_rules"]
