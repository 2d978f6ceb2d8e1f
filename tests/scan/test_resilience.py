"""Faults at the CLI level: throttling, denied families and dead servers change what is
known, never what is concluded from what is known."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from flexaudit.cli import cli
from flexaudit.emulator import Emulator

from tests.support.scanning import cli_scan


def findings(out):
    report = json.loads((out / "flexaudit-report.json").read_text())
    return [(f["rule_id"], f["resource_sid"], f["severity"], f["message"]) for f in report["findings"]]


def test_fifteen_percent_429_and_503_give_exactly_the_fault_free_findings(demo_scenario, tmp_path):
    with Emulator(demo_scenario) as emu:
        assert cli_scan(emu, tmp_path / "clean").exit_code == 0
    with Emulator(demo_scenario, fault_rate=0.15, fault_seed=2026) as emu:
        result = cli_scan(emu, tmp_path / "faulty")
        faults = sum(r["status"] in (429, 503) for r in emu.requests)
    assert result.exit_code == 0, result.output
    assert faults > 0
    assert findings(tmp_path / "faulty") == findings(tmp_path / "clean")


@pytest.mark.parametrize("family", ["proxy", "chat", "studio", "phone_numbers"])
def test_a_denied_family_skips_only_its_rules(demo_scenario, tmp_path, family):
    with Emulator(demo_scenario) as emu:
        cli_scan(emu, tmp_path / "clean")
    with Emulator(demo_scenario, deny={family: 403}) as emu:
        result = cli_scan(emu, tmp_path / "denied")
    assert result.exit_code == 3
    report = json.loads((tmp_path / "denied" / "flexaudit-report.json").read_text())
    gap = next(c for c in report["coverage"] if c["family"] == family)
    # Twilio's own words, whether a list page or a fetch was refused
    assert gap["complete"] is False and gap["error"].startswith("HTTP 403, Twilio error 20403") and gap["skipped_rules"]
    flx901 = [f for f in report["findings"] if f["rule_id"] == "FLX901"]
    assert len(flx901) == 1 and family in flx901[0]["message"]
    skipped = set(gap["skipped_rules"])
    clean_rules = {rule for rule, *_ in findings(tmp_path / "clean")}
    denied_rules = {f["rule_id"] for f in report["findings"]}
    # every rule that did not need the family still ran and still fires; the skipped ones never do
    assert denied_rules - {"FLX901"} == clean_rules - skipped


def test_a_dead_server_is_bounded_by_timeouts_and_says_so(demo_scenario, tmp_path):
    families = ["account", "phone_numbers", "flex_configuration", "flex_flows", "studio", "proxy",
                "messaging", "chat", "conversations", "taskrouter", "conversation_services", "serverless", "messages"]
    with Emulator(demo_scenario, hang=families, hang_seconds=20) as emu:
        started = time.monotonic()
        result = cli_scan(emu, tmp_path / "o", "--timeout", "1")
        elapsed = time.monotonic() - started
        base_url = emu.base_url
    # Every family timing out is Twilio unreachable: one line naming the host and the cause, nothing written.
    assert result.exit_code == 4, result.output
    assert elapsed < 15  # one retry ladder (about 10 s at --timeout 1), not one per family
    assert result.stderr.strip() == (f"flexaudit: error: Twilio could not be reached: {base_url}: timed out; "
                                     "nothing was scanned and no file was written")
    assert not (tmp_path / "o").exists()


def test_a_family_that_times_out_is_incomplete_and_says_so(demo_scenario, tmp_path):
    with Emulator(demo_scenario, hang=["flex_configuration"], hang_seconds=20) as emu:
        result = cli_scan(emu, tmp_path / "o", "--timeout", "1")
    assert result.exit_code == 3, result.output
    assert "could not read" in result.stderr and "Traceback" not in result.output
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    errors = {c["family"]: c["error"] for c in report["coverage"] if not c["complete"]}
    assert set(errors) == {"flex_configuration", "chat", "taskrouter"}
    assert "timed out (6 attempts)" in errors["flex_configuration"]
    # it learns which workspace to read from the Flex configuration, and says so
    assert "Flex configuration could not be read" in errors["taskrouter"]


@pytest.fixture(scope="module")
def demo_snapshot(tmp_path_factory):
    out = tmp_path_factory.mktemp("snap")
    assert CliRunner().invoke(cli, ["scan", "--demo", "--quiet", "--format", "json",
                                    "--output-dir", str(out / "o")]).exit_code == 0
    return out / "o" / "flexaudit-inventory.json"


@pytest.mark.parametrize("today, severity", [
    ("2025-12-02", "medium"),   # 181 days before the end of life
    ("2025-12-03", "high"),     # 180 days before
    ("2026-05-31", "high"),     # the day before
    ("2026-06-01", "critical"),  # the day itself
    ("2026-11-21", "critical"),
])
def test_end_of_life_severity_follows_today_by_default(demo_snapshot, tmp_path, today, severity):
    with freeze_time(f"{today} 23:59:00"):
        result = CliRunner().invoke(cli, ["report", str(demo_snapshot), "--quiet", "--format", "json",
                                          "--output-dir", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "flexaudit-report.json").read_text())
    assert report["as_of"] == today
    assert {f["severity"] for f in report["findings"] if f["rule_id"] == "FLX301"} == {severity}


def test_a_401_on_one_family_is_a_permission_gap_not_rejected_credentials(demo_scenario, tmp_path):
    # Standard API keys may read everything but the Account resource
    with Emulator(demo_scenario, deny={"account": 401}) as emu:
        result = cli_scan(emu, tmp_path / "o")
    assert result.exit_code == 3, result.output
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    account = next(c for c in report["coverage"] if c["family"] == "account")
    assert not account["complete"] and "401" in account["error"] and "Standard API key" in account["error"]
    assert all(c["complete"] for c in report["coverage"] if c["family"] != "account")
    assert report["account"]["friendly_name"] == ""  # unknown, not guessed
    assert any(f["rule_id"] == "FLX301" for f in report["findings"])


def test_ctrl_c_during_a_hung_scan_exits_at_once_with_one_line(demo_scenario, tmp_path):
    import signal
    import subprocess
    import sys

    with Emulator(demo_scenario, hang=["studio", "chat"], hang_seconds=60) as emu:
        process = subprocess.Popen(
            [sys.executable, "-m", "flexaudit", "scan", "--account-sid", emu.account_sid, "--auth-token",
             emu.auth_token, "--api-base-url", emu.base_url, "--output-dir", str(tmp_path / "o")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as a terminal would deliver it
        deadline = time.monotonic() + 20
        # the log records a request when it is answered: once the flows are in, studio and chat hang
        while not any(r["path"].endswith("/FlexFlows") for r in emu.requests):
            assert time.monotonic() < deadline, "the scan never started"
            time.sleep(0.05)
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        _, err = process.communicate(timeout=15)
        elapsed = time.monotonic() - started
    assert process.returncode == 130
    assert elapsed < 3
    assert err.strip() == "flexaudit: error: interrupted"
    assert not (tmp_path / "o").exists()
