import re
from datetime import date
from pathlib import Path

import pytest

from flexaudit.commands.pipeline import audit
from flexaudit.model import snapshot
from flexaudit.report.terminal import render_terminal_summary, terminal_width, visible_len

from tests.support import ROOT
from tests.support.reports import empty_report, hostile_report, incomplete_report, large_report, sample_report

ESC = "\x1b["


@pytest.fixture(scope="module")
def demo_report():
    return audit(snapshot.load(ROOT / "reports" / "demo" / "flexaudit-inventory.json"), date(2026, 11, 21))


def test_plain_text_without_colour():
    out = render_terminal_summary(sample_report(), [Path("reports/x/flexaudit-report.md")], color=False, width=120)
    assert ESC not in out
    lines = out.splitlines()
    assert lines[0] == "flexaudit 0.1.0: Acme Support (AC00000000000000000000000000000001)"
    assert lines[1] == "Open findings: 3 critical, 2 high, 1 info (1 suppressed)"
    assert lines[2] == "Legacy addresses: 3 — wave 1: 1 ready, wave 2: 1 needs work, wave 3: 1 blocked"
    assert lines[3] == "Move first: wave 1 (ready), 1 address, idlest first (last inbound, UTC):"
    assert lines[4] == "  FO00000000000000000000000000000003  2026-10-02 14:03  WhatsApp main"
    assert "Programmable Chat for Flex reached end of life on 2026-06-01: 173 days overdue." in out
    r = sample_report()
    rules = len({f.rule_id for f in r.open_findings})
    assert f"Findings by rule, worst first ({rules} of {rules} rules, {len(r.open_findings)} open findings):" in out
    assert "Reports written to reports/x/:\n  flexaudit-report.md" in out
    assert out.endswith("\n")


def test_the_demo_first_lines_say_what_to_do_first(demo_report):
    lines = render_terminal_summary(demo_report, [], color=False, width=80).splitlines()
    assert lines[0] == "flexaudit 0.1.0: Acme Outdoor Co. (demo) (AC1c334f32f5b422ad4dc9cfd5eefa3de9)"
    assert lines[1] == "Account prerequisites: upgrade Flex UI to 2.x — blocks all 27 addresses"
    assert lines[2].startswith("Open findings: 28 critical, 19 high")
    assert lines[3] == "Legacy addresses: 27 — wave 1: 3 ready, wave 2: 18 needs work, wave 3: 6 blocked"
    assert lines[4].startswith("Move first: wave 1 (ready), 3 addresses, idlest first")
    assert [line.split()[0] for line in lines[5:8]] == [a.flex_flow_sid for a in demo_report.first_wave]
    assert lines[7].endswith("2026-11-21 08:42  SMS Support")


@pytest.mark.parametrize("width", [80, 200])
@pytest.mark.parametrize("color", [False, True])
def test_no_line_is_longer_than_the_terminal(demo_report, width, color):
    written = [Path("reports") / ("AC1c334f32f5b422ad4dc9cfd5eefa3de9-20261121T090000Z-" + "x" * 150) / n
               for n in ("flexaudit-report.md", "flexaudit-summary.md", "flexaudit-report.html")]
    for report in (demo_report, large_report(50), hostile_report(), incomplete_report()):
        out = render_terminal_summary(report, written, color=color, width=width)
        widths = [visible_len(line) for line in out.splitlines()]
        assert max(widths) <= width
        if width == 200 and report is demo_report:
            assert "…" not in out.split("Reports written")[0]  # nothing needs cutting at 200 columns
    # a long output folder is folded, never cut: it can still be copied whole
    out = render_terminal_summary(demo_report, written, color=False, width=80)
    folded = out.split("Reports written to ")[1].split(":\n")[0].replace("\n", "")
    assert folded == str(written[0].parent) + "/"


def test_the_width_is_the_terminals_and_at_least_80(monkeypatch):
    import os
    import shutil

    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(80, 24): os.terminal_size((132, 40)))
    assert terminal_width() == 132
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(80, 24): os.terminal_size((40, 40)))
    assert terminal_width() == 80
    assert max(visible_len(line) for line in render_terminal_summary(large_report(30), [], color=False).splitlines()) <= 80


def test_colour_only_when_asked():
    out = render_terminal_summary(sample_report(), [], color=True)
    assert "\x1b[1;97;41mcritical\x1b[0m" in out
    assert "\x1b[32mMove first" in out
    assert ESC in out


def test_top_findings_are_one_row_per_rule_worst_first():
    r = large_report(50)
    out = render_terminal_summary(r, [], color=False, width=160)
    groups = {}
    for f in r.open_findings:
        groups.setdefault(f.rule_id, []).append(f)
    shown = min(10, len(groups))
    header = f"({shown} of {len(groups)} rules, {len(r.open_findings)} open findings):"
    assert header in out
    table = out.split(header)[1].split("Run `flexaudit rules")[0].strip().splitlines()[1:]
    assert len(table) == shown
    rows = [line.split() for line in table]
    assert [row[1] for row in rows] == list(groups)[:shown]  # worst first, as the findings are sorted
    assert [int(row[2]) for row in rows] == [len(g) for g in list(groups.values())[:shown]]


def test_coverage_gaps_and_notes_listed():
    out = render_terminal_summary(incomplete_report(), [], color=False, width=120)
    assert "Scan incomplete: 2 resource families could not be read" in out
    assert "  proxy: HTTP 403 Forbidden (code 20003) (skipped: FLX101, FLX112, FLX305)" in out
    from flexaudit.model.findings import CoverageEntry

    noted = sample_report(coverage=[CoverageEntry("messages", True, note="not requested (--no-traffic)")])
    assert "Note: messages: not requested (--no-traffic)" in render_terminal_summary(noted, [], color=False)


def test_no_findings():
    out = render_terminal_summary(empty_report(), [], color=True)
    assert "No open findings." in out
    assert "Nothing to move: no legacy addresses (Flex Flows)." in out
    assert "Reports written" not in out


def test_account_values_cannot_inject_escape_sequences():
    for color in (False, True):
        out = render_terminal_summary(hostile_report(), [Path("out/\x1b[2Jx")], color=color)
        assert "\x1b[31m" not in out and "\x1b[2J" not in out and "\x07" not in out
        assert "\u202e" not in out
        if not color:
            assert ESC not in out
        else:
            assert not re.search(r"\x1b\[(?!0m|1m|1;33m|1;31m|1;97;41m|33m|36m|2m|32m)", out)
