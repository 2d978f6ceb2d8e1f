from pathlib import Path

from flexaudit.report.terminal import render_terminal_summary

from tests.support.reports import empty_report, hostile_report, incomplete_report, large_report, sample_report

ESC = "\x1b["


def test_plain_text_without_colour():
    out = render_terminal_summary(sample_report(), [Path("reports/x/flexaudit-report.md")], color=False)
    assert ESC not in out
    lines = out.splitlines()
    assert lines[0] == "flexaudit 0.1.0: Acme Support (AC00000000000000000000000000000001)"
    assert "Programmable Chat for Flex reached end of life on 2026-06-01: 173 days overdue." in out
    # severity and readiness counts side by side
    assert any(line.split()[:2] == ["critical", "3"] and "blocked" in line for line in lines)
    assert any(line.split()[:2] == ["suppressed", "1"] for line in lines)
    r = sample_report()
    rules = len({f.rule_id for f in r.open_findings})
    assert f"Findings by rule, worst first ({rules} of {rules} rules, {len(r.open_findings)} open findings):" in out
    assert "Reports written:\n  reports/x/flexaudit-report.md" in out
    assert out.endswith("\n")


def test_colour_only_when_asked():
    out = render_terminal_summary(sample_report(), [], color=True)
    assert "\x1b[1;97;41mcritical\x1b[0m" in out
    assert "\x1b[1;31mblocked\x1b[0m" in out
    assert ESC in out


def test_top_findings_are_one_row_per_rule_worst_first():
    r = large_report(50)
    out = render_terminal_summary(r, [], color=False)
    groups = {}
    for f in r.open_findings:
        groups.setdefault(f.rule_id, []).append(f)
    shown = min(10, len(groups))
    header = f"({shown} of {len(groups)} rules, {len(r.open_findings)} open findings):"
    assert header in out
    table = out.split(header)[1].split("Run `flexaudit rules`")[0].strip().splitlines()[2:]
    assert len(table) == shown
    rows = [line.split() for line in table]
    assert [row[1] for row in rows] == list(groups)[:shown]  # worst first, as the findings are sorted
    assert [int(row[2]) for row in rows] == [len(g) for g in list(groups.values())[:shown]]


def test_coverage_gaps_listed():
    out = render_terminal_summary(incomplete_report(), [], color=False)
    assert "Scan incomplete: 2 resource families could not be read" in out
    assert "proxy     HTTP 403 Forbidden (code 20003)  FLX101, FLX112, FLX305" in out


def test_no_findings():
    out = render_terminal_summary(empty_report(), [], color=True)
    assert "No open findings." in out
    assert "Reports written" not in out


def test_account_values_cannot_inject_escape_sequences():
    for color in (False, True):
        out = render_terminal_summary(hostile_report(), [Path("out/\x1b[2Jx")], color=color)
        assert "\x1b[31m" not in out and "\x1b[2J" not in out and "\x07" not in out
        assert "\u202e" not in out
        if not color:
            assert ESC not in out
