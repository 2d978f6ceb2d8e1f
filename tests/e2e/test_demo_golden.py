"""The demo account, end to end: the findings it was built to show, and the sample reports."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from flexaudit.cli import cli
from tests.support import ROOT

CATALOG_IDS = {f"FLX{n}" for n in (*range(101, 114), *range(201, 207), *range(301, 306), *range(401, 410))}


def test_demo_scan_finds_exactly_what_the_demo_was_built_to_show(tmp_path):
    result = CliRunner().invoke(cli, ["scan", "--demo", "--quiet", "--format", "json", "--as-of", "2026-11-21",
                                      "--output-dir", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    intended = json.loads((ROOT / "tests" / "data" / "demo-expected-findings.json").read_text())["findings"]
    got = sorted((f["rule_id"], f["resource_sid"]) for f in report["findings"])
    want = sorted((f["rule_id"], f["resource_sid"]) for f in intended)
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    assert not missing and not extra, f"missing {missing}, unexpected {extra}"
    assert len(got) == len(want)  # one finding per (rule, resource)
    assert {rule for rule, _ in got} == CATALOG_IDS  # every rule FLX101–FLX409 at least once; no FLX901
    assert all(c["complete"] for c in report["coverage"])


def test_sample_reports_in_reports_demo_are_current():
    """reports/demo/ is the golden output for every format; regenerate with `python reports/regenerate.py`."""
    result = subprocess.run([sys.executable, str(ROOT / "reports" / "regenerate.py"), "--check"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
