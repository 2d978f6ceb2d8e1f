"""The terminal summary printed after a scan (not a file format).

Plain text unless `color=True` (the CLI passes `stream.isatty()` and honours
NO_COLOR itself). Account values are printed through `one_line`, so a name
holding escape sequences cannot move the cursor, recolour or clear the terminal.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Sequence

from tabulate import tabulate

from flexaudit.model.findings import Severity
from flexaudit.report.model import Report
from flexaudit.safe_text import one_line

TOP_FINDINGS = 10
_MAX_CELL = 60

_RESET = "\x1b[0m"
_SEVERITY_COLOR = {
    Severity.CRITICAL: "\x1b[1;97;41m",  # bold white on red
    Severity.HIGH: "\x1b[1;31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
    Severity.INFO: "\x1b[2m",
}
_READINESS_COLOR = {"blocked": "\x1b[1;31m", "needs-work": "\x1b[33m", "ready": "\x1b[32m"}
_BOLD = "\x1b[1m"
_WARN = "\x1b[1;33m"


def _clip(value: object, width: int = _MAX_CELL) -> str:
    text = one_line(value)
    return text if len(text) <= width else text[: width - 1] + "…"


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and code else text

    def severity(self, sev: Severity, text: str | None = None) -> str:
        return self(_SEVERITY_COLOR.get(sev, ""), text if text is not None else sev.label)

    def readiness(self, readiness: str, text: str | None = None) -> str:
        return self(_READINESS_COLOR.get(readiness, ""), text if text is not None else readiness)


def render_terminal_summary(report: Report, written: Sequence[Path], color: bool) -> str:
    st = _Style(color)
    out: list[str] = []

    name = one_line(report.account_friendly_name) or "(name unknown)"
    out.append(st(_BOLD, f"flexaudit {one_line(report.tool_version)}: {name} ({report.account_sid})"))
    out.append(f"scanned {report.scanned_at} · as of {report.as_of.isoformat()}")
    eol_code = _SEVERITY_COLOR[Severity.parse(report.eol.level)]
    out.append(st(eol_code, report.eol.sentence) if report.eol.days <= 180 else report.eol.sentence)
    out.append("")

    # severity counts next to readiness counts
    sev_rows = [[st.severity(c.severity), c.count] for c in report.summary.counts]
    sev_rows.append(["suppressed", report.summary.suppressed])
    rd_rows = [[st.readiness(rc.readiness), rc.count] for rc in report.readiness_counts]
    rd_rows.append(["total", report.address_total])
    left = tabulate(sev_rows, headers=["severity", "open"], tablefmt="simple", colalign=("left", "right")).splitlines()
    right = tabulate(rd_rows, headers=["addresses", "count"], tablefmt="simple", colalign=("left", "right")).splitlines()
    width = max(_visible_len(line) for line in left)
    for i in range(max(len(left), len(right))):
        lhs = left[i] if i < len(left) else ""
        rhs = right[i] if i < len(right) else ""
        out.append((lhs + " " * (width - _visible_len(lhs)) + "    " + rhs).rstrip())
    out.append("")
    out.extend(_after_cut_over(report, st))

    open_findings = report.open_findings
    if open_findings:
        # One row per rule, worst first: 27 copies of one end-of-life finding
        # would otherwise push every other problem off the screen.
        by_rule: dict[str, list] = {}
        for f in open_findings:
            by_rule.setdefault(f.rule_id, []).append(f)
        groups = list(by_rule.values())
        top = groups[:TOP_FINDINGS]
        title = "Top findings by rule, worst first" if len(groups) > len(top) else "Findings by rule, worst first"
        out.append(st(_BOLD, f"{title} ({len(top)} of {len(groups)} rules, {len(open_findings)} open findings):"))
        rows = [
            [
                st.severity(group[0].severity),
                group[0].rule_id,
                len(group),
                _clip(group[0].title, 60),
                _clip(group[0].resource_name or group[0].resource_sid, 28)
                + (f" +{len(group) - 1} more" if len(group) > 1 else ""),
            ]
            for group in top
        ]
        out.append(tabulate(rows, headers=["severity", "rule", "count", "finding", "on"], tablefmt="simple",
                            colalign=("left", "left", "right", "left", "left")))
        out.append("Run `flexaudit rules` for what each rule means; the reports list every finding.")
    else:
        out.append(st(_READINESS_COLOR["ready"], "No open findings."))
    out.append("")

    gaps = report.coverage_gaps
    if gaps:
        out.append(st(_WARN, f"Scan incomplete: {len(gaps)} resource famil{'y' if len(gaps) == 1 else 'ies'} could not be read"))
        rows = [[c.family, _clip(c.error or "", 60), ", ".join(c.skipped_rules) or "-"] for c in gaps]
        out.append(tabulate(rows, headers=["family", "error", "skipped rules"], tablefmt="simple"))
        out.append("")
    expired = report.waivers_expired
    if expired:
        out.append(st(_WARN, f"{len(expired)} waiver{'s' if len(expired) != 1 else ''} expired (no longer suppressing): ")
                   + ", ".join(f"{w.rule} {one_line(w.resource or 'all')} ({w.expires})" for w in expired))
        out.append("")

    if written:
        out.append("Reports written:")
        out.extend(f"  {one_line(str(p))}" for p in written)
    return "\n".join(out).rstrip("\n") + "\n"


TOP_BROKEN = 5
WIDTH = 80


def _listed(items: list[str]) -> list[str]:
    """Names under a heading, indented and wrapped to the terminal's usual width."""
    return textwrap.wrap(", ".join(items), WIDTH, initial_indent="  ", subsequent_indent="  ",
                         break_on_hyphens=False)


def _after_cut_over(report: Report, st: _Style) -> list[str]:
    """What already moved: broken Conversations addresses, and custom code still on the legacy APIs."""
    out = []
    addresses, broken = report.conversations_addresses, report.conversations_broken
    if addresses:
        line = f"Conversations addresses: {len(broken)} broken now of {len(addresses)}"
        out.append(st(_READINESS_COLOR["blocked"] if broken else _READINESS_COLOR["ready"], line))
        names = [f"{_clip(a.friendly_name or a.address or a.sid, 28)} ({', '.join(a.rule_ids)})" for a in broken[:TOP_BROKEN]]
        out += _listed(names + ([f"+{len(broken) - TOP_BROKEN} more"] if len(broken) > TOP_BROKEN else []))
    code = report.code_findings
    if code:
        functions = sum(1 for f in code if f.resource_type == "serverless_function")
        files = len({f.resource_sid for f in code if f.resource_type == "code_file"})
        out.append(f"Custom code on the legacy APIs: {functions} function(s), {files} file(s)")
        names = [_clip(f.resource_name or f.resource_sid, 48) for f in code[:TOP_BROKEN]]
        out += _listed(names + ([f"+{len(code) - TOP_BROKEN} more"] if len(code) > TOP_BROKEN else []))
    return out + [""] if out else []


_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _visible_len(text: str) -> int:
    return len(_SGR.sub("", text))
