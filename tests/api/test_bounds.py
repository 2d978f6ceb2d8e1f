"""Paging and responses are bounded in every mode (contract): hostile answers from the emulator,
through the real CLI. Each leaves its family incomplete (exit 3) with a one-line reason."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from flexaudit.api import paging
from flexaudit.api.errors import ResponseRefused
from flexaudit.emulator import Emulator

from tests.support.scanning import cli_scan, flexaudit_client


def coverage_errors(out) -> dict[str, str]:
    report = json.loads((out / "flexaudit-report.json").read_text())
    return {c["family"]: c["error"] for c in report["coverage"] if not c["complete"]}


def requests_to(emu, path_end: str) -> int:
    return sum(r["path"].endswith(path_end) for r in emu.requests)


def test_paging_that_repeats_a_page_is_cut(demo_scenario, tmp_path):
    # v1 self link, a 2010 next_page_uri equal to its own uri, and a two-page cycle
    with Emulator(demo_scenario, self_page=["flex_flows", "phone_numbers"], page_cycle=["proxy"]) as emu:
        result = cli_scan(emu, tmp_path / "o")
        flows, numbers = requests_to(emu, "/FlexFlows"), requests_to(emu, "/IncomingPhoneNumbers.json")
        services = sum(r["sub"] == "proxy" and r["path"] == "/v1/Services" for r in emu.requests)
    assert result.exit_code == 3, result.output
    errors = coverage_errors(tmp_path / "o")
    # (the last inbound messages are looked up per Flex Flow address: unknown without the flows)
    assert set(errors) == {"flex_flows", "phone_numbers", "proxy", "messages"}
    assert errors["flex_flows"] == "the list /FlexFlows repeats a page (https://flex-api.twilio.com): cut after 1 page(s)"
    assert "repeats a page (https://api.twilio.com): cut after 1 page(s)" in errors["phone_numbers"]
    assert errors["proxy"] == "the list /Services repeats a page (https://proxy.twilio.com): cut after 2 page(s)"
    # a self link is seen before it is requested; the cycle costs its two pages once
    assert (flows, numbers, services) == (1, 1, 2)


def test_endless_paging_is_cut_at_the_page_limit(demo_scenario, tmp_path, monkeypatch):
    assert paging.MAX_PAGES == 100_000  # the contract's bound; 40 here keeps the test fast
    monkeypatch.setattr(paging, "MAX_PAGES", 40)
    with Emulator(demo_scenario, endless_pages=["messaging"]) as emu:
        result = cli_scan(emu, tmp_path / "o")
        pages = sum(r["sub"] == "messaging" and r["path"] == "/v1/Services" for r in emu.requests)
    assert result.exit_code == 3, result.output
    assert coverage_errors(tmp_path / "o") == {"messaging": "the list /Services passed 40 pages: cut"}
    assert pages == 40


def test_timeout_bounds_a_whole_trickled_response(demo_scenario, tmp_path):
    # 20 bytes a second: the Flex Flows page would take minutes, each socket read a few milliseconds
    with Emulator(demo_scenario, trickle_bps={"flex_flows": 20}) as emu:
        started = time.monotonic()
        result = cli_scan(emu, tmp_path / "o", "--timeout", "1")
        elapsed = time.monotonic() - started
        base_url = emu.base_url
    assert result.exit_code == 3, result.output
    assert elapsed < 20  # six attempts of one second and their backoff
    assert coverage_errors(tmp_path / "o")["flex_flows"] == (
        f"{base_url}: the answer took longer than --timeout (6 attempts)")


def test_a_body_inflating_past_64_mib_is_refused_before_it_is_held(demo_scenario, tmp_path):
    """200 MB from a 200 KB gzip body: refused at 64 MiB, and the process never holds the 200 MB."""
    with Emulator(demo_scenario, gzip_inflate={"conversations": 200_000_000}) as emu:
        measure = ("import resource, subprocess, sys; "
                   "code = subprocess.run(sys.argv[1:]).returncode; "
                   "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        run = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "flexaudit", "scan",
                              "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                              "--api-base-url", emu.base_url, "--quiet", "--format", "json",
                              "--output-dir", str(tmp_path / "o")], capture_output=True, text=True, timeout=120)
        base_url = emu.base_url
    code, peak_kib = map(int, run.stdout.split())
    assert code == 3, run.stderr
    errors = coverage_errors(tmp_path / "o")
    assert errors["conversations"] == f"{base_url} answered with a body over 64 MiB (after decompression): refused"
    assert set(errors) == {"conversations", "active_conversations"}  # which needs the configuration
    assert peak_kib < 200 * 1024  # the body was refused while it inflated, not after


def test_a_gzip_body_under_the_limit_reads_the_same(demo_scenario, tmp_path):
    with Emulator(demo_scenario) as emu:
        assert cli_scan(emu, tmp_path / "plain").exit_code == 0
    with Emulator(demo_scenario, gzip_inflate={family: 3_000_000 for family in ("flex_flows", "studio", "chat")}) as emu:
        assert cli_scan(emu, tmp_path / "gzip").exit_code == 0
    plain = json.loads((tmp_path / "plain" / "flexaudit-report.json").read_text())
    gzipped = json.loads((tmp_path / "gzip" / "flexaudit-report.json").read_text())
    assert plain["findings"] == gzipped["findings"]


def test_retry_after_longer_than_the_wait_budget_is_not_waited_for(demo_scenario, tmp_path):
    with Emulator(demo_scenario, retry_after={"proxy": "100000"}) as emu:
        started = time.monotonic()
        result = cli_scan(emu, tmp_path / "o")
        elapsed = time.monotonic() - started
        base_url = emu.base_url
    assert result.exit_code == 3, result.output
    assert elapsed < 10
    assert coverage_errors(tmp_path / "o") == {"proxy": (
        f"{base_url} answered 429 and asked to wait 100000 s (Retry-After); flexaudit waits at most 30 s in all "
        "for one request")}


def test_retry_after_and_backoff_together_stay_within_30_seconds_per_request(demo_scenario):
    waits: list[float] = []
    with Emulator(demo_scenario, retry_after={"flex_flows": "12"}) as emu:
        client, http = flexaudit_client(emu, sleep=waits.append)
        with pytest.raises(ResponseRefused, match="asked to wait 12 s"):
            list(paging.list_records(client.flex_api.v1, "/FlexFlows"))
        attempts = requests_to(emu, "/FlexFlows")
    assert waits == [12.0, 12.0]  # a third wait of 12 s would pass 30 s: the request gives up instead
    assert attempts == 3
