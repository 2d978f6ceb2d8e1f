"""The demo accounts, end to end: the findings each was built to show, and the sample reports."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from flexaudit.cli import cli
from tests.support import ROOT

CATALOG_IDS = {f"FLX{n}" for n in (*range(101, 114), *range(201, 207), *range(301, 306), *range(401, 410))}


def scan_demo(out, demo: str, expected: str):
    """`scan --demo <demo>` as of the samples' day: (its output, its report, the (rule, resource) pairs found,
    those its expected-findings file says it was built to show)."""
    result = CliRunner().invoke(cli, ["scan", "--demo", demo, "--as-of", "2026-11-21", "--output-dir", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "flexaudit-report.json").read_text())
    intended = json.loads((ROOT / "tests" / "data" / expected).read_text())["findings"]
    got = sorted((f["rule_id"], f["resource_sid"]) for f in report["findings"])
    return result, report, got, sorted((f["rule_id"], f["resource_sid"]) for f in intended)


def test_demo_scan_finds_exactly_what_the_demo_was_built_to_show(tmp_path):
    _, report, got, want = scan_demo(tmp_path / "o", "legacy", "demo-expected-findings.json")
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    assert not missing and not extra, f"missing {missing}, unexpected {extra}"
    assert len(got) == len(want)  # one finding per (rule, resource)
    assert {rule for rule, _ in got} == CATALOG_IDS  # every rule FLX101–FLX409 at least once; no FLX901
    assert all(c["complete"] for c in report["coverage"])


NEW_IN_THE_MIGRATED_DEMO = {"FLX207", *(f"FLX{n}" for n in range(501, 509)), "FLX601", "FLX602", "FLX603"}


def test_migrated_demo_reports_every_new_rule_on_its_resource_and_nothing_else(tmp_path):
    result, report, got, want = scan_demo(tmp_path / "o", "migrated", "demo-migrated-expected-findings.json")
    assert got == want, f"missing {sorted(set(want) - set(got))}, unexpected {sorted(set(got) - set(want))}"
    assert {rule for rule, _ in got} >= NEW_IN_THE_MIGRATED_DEMO
    assert all(c["complete"] for c in report["coverage"])  # its code tree was scanned: `code` is complete, no note
    assert next(c for c in report["coverage"] if c["family"] == "code")["note"] is None
    # what a migration lead sees first: which addresses are broken now, which code still calls the legacy APIs
    health = {a["friendly_name"]: a["health"] for a in report["conversations_addresses"]}
    assert health == {"Support SMS": "ok", "Support WhatsApp": "ok", "Sales SMS": "ok", "Returns SMS": "broken",
                      "Warranty SMS": "broken", "Store pickup SMS": "broken", "Partner SMS": "broken",
                      "WhatsApp Spain": "broken", "Spring sale SMS": "broken", "Bot webhook SMS": "broken"}
    assert "Conversations addresses: 7 broken now of 10" in result.output
    assert "Custom code on the legacy APIs: 2 function(s), 3 file(s)" in result.output
    first_screen = (tmp_path / "o" / "flexaudit-report.md").read_text().split("## Address readiness")[0]
    assert "⛔ 7 broken now" in first_screen and "northwind-flex/cleanup-chat-channels" in first_screen
    assert "plugin-agent-tools/package.json" in first_screen


def test_sample_reports_in_reports_demo_are_current():
    """reports/demo/ and reports/demo-migrated/ are the golden output for every format; regenerate with
    `python reports/regenerate.py`."""
    result = subprocess.run([sys.executable, str(ROOT / "reports" / "regenerate.py"), "--check"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
