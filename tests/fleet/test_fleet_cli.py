"""`flexaudit scan --all-subaccounts` against the emulator's fleet: every account as itself, one failing
account never stopping the others, the fleet report of the contract, the exit code rule."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
import pytest

from flexaudit.emulator import Emulator, bundled_scenario_path
from flexaudit.report.json_format import load_schema

from tests.fleet.conftest import (FLEET, PARENT, PARENT_KEY, PARENT_TOKEN, every_secret, fleet_scan,
                                  sub_sid)

ACCOUNT_FILES = {"flexaudit-report.md", "flexaudit-summary.md", "flexaudit-report.html", "flexaudit-report.json",
                 "flexaudit-addresses.csv", "flexaudit-inventory.json"}
RETAIL, SUSPENDED, CLOSED, WHOLESALE, OUTLET = (sub_sid(n) for n in ("Retail EU", "Old Brand", "Pilot",
                                                                     "Wholesale", "Outlet"))


@pytest.fixture(scope="module")
def validator():
    schema = load_schema("fleet-v1")
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def fleet_run(tmp_path_factory):
    """The bundled fleet, scanned once with the parent's auth token (the module's tests read it)."""
    out = tmp_path_factory.mktemp("fleet") / "out"
    with Emulator(bundled_scenario_path("fleet")) as emu:
        result = fleet_scan(emu, out)
        requests = emu.requests
    return result, out, requests


def fleet_json(out) -> dict:
    return json.loads((out / "flexaudit-fleet.json").read_text(encoding="utf-8"))


def test_every_active_account_is_scanned_into_its_own_folder(fleet_run):
    result, out, _ = fleet_run
    assert result.exit_code == 2, result.output  # Outlet's 401 comes first of 2, 4, 1, 3, 0
    assert {p.name for p in out.iterdir()} == {"flexaudit-fleet.md", "flexaudit-fleet.json", PARENT, RETAIL,
                                               WHOLESALE}
    for sid in (PARENT, RETAIL, WHOLESALE):
        assert {p.name for p in (out / sid).iterdir()} == ACCOUNT_FILES
        report = json.loads((out / sid / "flexaudit-report.json").read_text())
        assert report["account"]["sid"] == sid


def test_the_fleet_json_has_the_contracts_shape_and_one_row_per_listed_account(fleet_run, validator):
    _, out, _ = fleet_run
    fleet = fleet_json(out)
    validator.validate(fleet)
    assert list(fleet)[:5] == ["schema_version", "scanned_at", "as_of", "parent", "accounts"]
    assert (fleet["schema_version"], fleet["as_of"], fleet["parent"]) == (1, "2026-11-21", PARENT)
    rows = {a["sid"]: a for a in fleet["accounts"]}
    assert list(rows) == [PARENT, RETAIL, SUSPENDED, CLOSED, WHOLESALE, OUTLET]
    assert list(rows[PARENT])[:9] == ["sid", "friendly_name", "status", "exit_code", "summary", "addresses",
                                      "account_blockers", "coverage_complete", "error"]
    assert [(a["status"], a["exit_code"], a["coverage_complete"]) for a in fleet["accounts"]] == [
        ("active", 0, True), ("active", 0, True), ("suspended", None, False), ("closed", None, False),
        ("active", 3, False), ("active", 2, False)]
    assert rows[WHOLESALE]["error"] == "scan incomplete: could not read proxy"
    assert rows[WHOLESALE]["coverage_gaps"] == ["proxy"]
    assert rows[OUTLET]["error"].startswith("credentials rejected by Twilio (HTTP 401)")
    assert rows[OUTLET]["summary"] is None and rows[OUTLET]["addresses"] is None
    assert rows[SUSPENDED]["error"] is None and rows[SUSPENDED]["summary"] is None
    assert fleet["exit_code"] == 2 and fleet["listing_error"] is None


def test_each_rows_counts_are_its_own_reports(fleet_run):
    _, out, _ = fleet_run
    for row in fleet_json(out)["accounts"]:
        if row["summary"] is None:
            continue
        report = json.loads((out / row["sid"] / "flexaudit-report.json").read_text())
        assert row["summary"] == report["summary"]
        readiness = [a["readiness"] for a in report["addresses"]]
        assert row["addresses"] == {r: readiness.count(r) for r in ("ready", "needs-work", "blocked")}
        assert row["report"] == f"{row['sid']}/flexaudit-report.md"
        assert row["friendly_name"] == report["account"]["friendly_name"]


def test_the_fleet_markdown_lists_every_account_and_links_each_report(fleet_run):
    _, out, _ = fleet_run
    text = (out / "flexaudit-fleet.md").read_text(encoding="utf-8")
    assert text.startswith("# Flex legacy messaging audit: fleet of Fleet Outdoor Group (parent)\n")
    for sid in (PARENT, RETAIL, WHOLESALE):
        assert f"[report]({sid}/flexaudit-report.md)" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`AC" in line]
    assert len(rows) == 6
    assert "| Outlet | `" + OUTLET + "` | active | 2 |" in text
    assert "- **Old Brand** `" + SUSPENDED + "`: suspended" in text
    assert "(exit 3): scan incomplete: could not read proxy" in text


def test_one_line_per_failing_account_on_stderr_and_the_table_on_stdout(fleet_run):
    result, out, _ = fleet_run
    errors = result.stderr.strip().splitlines()
    assert errors == [f"flexaudit: account {WHOLESALE} (Wholesale): scan incomplete: could not read proxy",
                      f"flexaudit: account {OUTLET} (Outlet): credentials rejected by Twilio (HTTP 401): check the "
                      "account SID and its auth token or API key"]
    assert "fleet of Fleet Outdoor Group (parent)" in result.stdout and "4 of 6 accounts scanned" in result.stdout
    assert str(out / "flexaudit-fleet.md") in result.stdout
    # no progress lines when stderr is not a terminal
    assert "scanning" not in result.stderr and "\x1b" not in result.output


def test_every_request_of_a_subaccount_is_authenticated_as_that_subaccount(fleet_run):
    _, _, requests = fleet_run
    listing = [r for r in requests if r["path"] == "/2010-04-01/Accounts.json"]
    assert [(r["username"], r["status"]) for r in listing] == [(PARENT, 200)]
    for sid in (RETAIL, WHOLESALE):
        own = [r for r in requests if r["account"] == sid]
        assert {r["username"] for r in own} == {sid}
        assert {r["sub"] for r in own} >= {"api", "flex-api", "studio", "chat", "conversations", "taskrouter"}
    # the parent's credentials read the parent only; suspended and closed accounts get no request at all
    assert {r["account"] for r in requests if r["username"] == PARENT} == {PARENT}
    assert not [r for r in requests if r["username"] in (SUSPENDED, CLOSED) or r["account"] in (SUSPENDED, CLOSED)]
    # Outlet was tried with the token the listing gave, and refused
    assert {r["status"] for r in requests if r["username"] == OUTLET} == {401}


def test_with_the_parents_api_key_subaccounts_are_still_read_as_themselves(tmp_path):
    with Emulator(bundled_scenario_path("fleet")) as emu:
        result = fleet_scan(emu, tmp_path / "out", "--format", "json", "--quiet",
                            username=PARENT_KEY["sid"], password=PARENT_KEY["secret"])
        requests = emu.requests
    assert result.exit_code == 2, result.output
    assert {r["username"] for r in requests if r["account"] == PARENT} == {PARENT_KEY["sid"]}
    for sid in (RETAIL, WHOLESALE):
        assert {r["username"] for r in requests if r["account"] == sid} == {sid}
    assert [a["exit_code"] for a in fleet_json(tmp_path / "out")["accounts"]] == [0, 0, None, None, 3, 2]


def test_exit_code_is_the_first_of_2_4_1_3_0_over_the_accounts(fleet_scenario, tmp_path):
    del fleet_scenario["subaccounts"][-1]  # without Outlet's 401, Wholesale's incomplete scan decides
    with Emulator(fleet_scenario) as emu:
        incomplete = fleet_scan(emu, tmp_path / "a", "--format", "json", "--quiet")
        gated = fleet_scan(emu, tmp_path / "b", "--format", "json", "--quiet", "--fail-on", "critical")
    assert incomplete.exit_code == 3, incomplete.output
    assert gated.exit_code == 1, gated.output
    assert [a["exit_code"] for a in fleet_json(tmp_path / "b")["accounts"]] == [1, 1, None, None, 1]


def test_an_account_that_does_not_answer_is_exit_4_and_the_others_go_on(fleet_scenario, tmp_path, one_attempt):
    del fleet_scenario["subaccounts"][-1]
    families = ["account", "phone_numbers", "messages", "flex_configuration", "flex_flows", "studio", "proxy",
                "messaging", "chat", "conversations", "conversation_services", "active_conversations",
                "serverless", "taskrouter"]
    fleet_scenario["subaccounts"][0]["faults"] = {"hang": families, "hang_seconds": 5}  # Retail EU
    with Emulator(fleet_scenario) as emu:
        result = fleet_scan(emu, tmp_path / "out", "--format", "json", "--quiet", "--timeout", "1")
    assert result.exit_code == 4, result.output
    rows = {a["sid"]: a for a in fleet_json(tmp_path / "out")["accounts"]}
    assert rows[RETAIL]["exit_code"] == 4 and rows[RETAIL]["error"].startswith("Twilio could not be reached: ")
    assert "timed out" in rows[RETAIL]["error"]
    assert not (tmp_path / "out" / RETAIL).exists()  # nothing read, nothing written
    assert rows[PARENT]["exit_code"] == 0 and rows[WHOLESALE]["exit_code"] == 3


def test_a_listing_that_fails_still_scans_the_parent_and_says_so(fleet_scenario, tmp_path):
    # the listing and the account fetch are the `account` family: a Standard key's lot
    with Emulator(fleet_scenario, deny={"account": 401}) as emu:
        result = fleet_scan(emu, tmp_path / "out", "--format", "json", "--quiet")
        requests = emu.requests
    assert result.exit_code == 3, result.output
    fleet = fleet_json(tmp_path / "out")
    assert [a["sid"] for a in fleet["accounts"]] == [PARENT]
    assert fleet["listing_error"].startswith("HTTP 401") and "Standard API key" in fleet["listing_error"]
    assert "Subaccounts could not be listed" not in result.stdout  # --quiet
    assert not [r for r in requests if r["username"] != PARENT]


def test_an_unreachable_api_is_exit_4_one_line_and_nothing_written(tmp_path, one_attempt):
    from click.testing import CliRunner

    from flexaudit.cli import cli

    result = CliRunner().invoke(cli, ["scan", "--all-subaccounts", "--account-sid", PARENT, "--auth-token",
                                      PARENT_TOKEN, "--api-base-url", "http://127.0.0.1:9", "--output-dir",
                                      str(tmp_path / "out")])
    assert result.exit_code == 4, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("flexaudit: error: Twilio could not be reached: http://127.0.0.1:9")
    assert not (tmp_path / "out").exists()


def test_earlier_runs_are_never_overwritten_and_are_found_before_any_scan(tmp_path):
    out = tmp_path / "out"
    (out / RETAIL).mkdir(parents=True)
    (out / RETAIL / "flexaudit-report.json").write_text("mine")
    with Emulator(bundled_scenario_path("fleet")) as emu:
        account_clash = fleet_scan(emu, out, "--quiet")
        after_listing = list(emu.requests)
        (out / "flexaudit-fleet.json").write_text("mine too")
        fleet_clash = fleet_scan(emu, out, "--quiet")
        assert len(emu.requests) == len(after_listing)  # refused before its first request
    assert account_clash.exit_code == 2 and "already exists" in account_clash.stderr
    assert [r["path"] for r in after_listing] == ["/2010-04-01/Accounts.json"]  # the listing, then nothing
    assert fleet_clash.exit_code == 2 and "flexaudit-fleet.json already exists" in fleet_clash.stderr
    assert (out / RETAIL / "flexaudit-report.json").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == sorted([RETAIL, "flexaudit-fleet.json"])


def test_hostile_account_names_are_escaped_in_every_fleet_output(fleet_scenario, tmp_path):
    evil = "Evil | `x` [a](javascript:alert(1)) <img src=x> \x1b[31mred\x1b[0m \u202egnp"
    fleet_scenario["subaccounts"][0]["account"]["friendly_name"] = evil
    with Emulator(fleet_scenario) as emu:
        result = fleet_scan(emu, tmp_path / "out", "--format", "json")
    text = (tmp_path / "out" / "flexaudit-fleet.md").read_text()
    assert "Evil \\| \\`x\\` \\[a\\](javascript:alert(1)) \\<img src=x\\> \ufffd\\[31mred" in text
    assert "\x1b" not in text and "\u202e" not in text and "\x1b" not in result.output
    assert json.loads((tmp_path / "out" / "flexaudit-fleet.json").read_text())["accounts"][1]["friendly_name"] == evil
    # every row keeps its columns
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`AC" in line]
    assert len({line.replace("\\|", "").count("|") for line in rows}) == 1


def test_demo_all_subaccounts_scans_the_bundled_fleet(tmp_path):
    from click.testing import CliRunner

    from flexaudit.cli import cli

    result = CliRunner().invoke(cli, ["scan", "--demo", "--all-subaccounts", "--quiet", "--format", "md",
                                      "--output-dir", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert [a["sid"] for a in fleet_json(tmp_path / "out")["accounts"]] == \
        [PARENT, RETAIL, SUSPENDED, CLOSED, WHOLESALE, OUTLET]
    assert {p.name for p in (tmp_path / "out" / RETAIL).iterdir()} == {"flexaudit-report.md", "flexaudit-summary.md",
                                                                       "flexaudit-inventory.json"}


def test_no_token_of_any_account_in_any_file_or_terminal_output(tmp_path):
    """A real process, every way of passing credentials; then grep everything it wrote and printed."""
    log = tmp_path / "requests.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "FLEXAUDIT_"))}
    runs = []
    with Emulator(bundled_scenario_path("fleet"), request_log_path=log) as emu:
        base = [sys.executable, "-m", "flexaudit", "scan", "--all-subaccounts", "--api-base-url", emu.base_url]
        runs.append(subprocess.run([*base, "--account-sid", PARENT, "--auth-token", PARENT_TOKEN,
                                    "--output-dir", str(tmp_path / "a")], capture_output=True, text=True, env=env,
                                   timeout=120))
        runs.append(subprocess.run([*base, "--output-dir", str(tmp_path / "b"), "--fail-on", "info"],
                                   capture_output=True, text=True, timeout=120,
                                   env={**env, "TWILIO_ACCOUNT_SID": PARENT, "TWILIO_API_KEY": PARENT_KEY["sid"],
                                        "TWILIO_API_SECRET": PARENT_KEY["secret"]}))
    assert [r.returncode for r in runs] == [2, 2], [r.stderr for r in runs]
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) > 20
    blob = "\n".join([r.stdout + r.stderr for r in runs] +
                     [p.read_text(encoding="utf-8", errors="replace") for p in written])
    secrets = every_secret(FLEET)
    assert len(secrets) == 12  # 6 tokens, 5 API key secrets, Outlet's rotated token
    leaked = [s for s in secrets if s in blob]
    assert not leaked
    for sid in (PARENT, RETAIL, WHOLESALE):
        assert "auth_token" not in (tmp_path / "a" / sid / "flexaudit-inventory.json").read_text()
