"""The terminal summary printed after a scan (not a file format).

Its first lines are what a migration lead acts on: the account, its
prerequisites, the counts, and the first wave of addresses. Every line fits
the terminal (`width`, at least 80 columns): a table cell or a name is cut with
an ellipsis, a path is folded, so nothing wraps into an unreadable block.

Plain text unless `color=True` (the CLI passes `stream.isatty()` and honours
NO_COLOR itself). Account values are printed through `one_line`, so a name
holding escape sequences cannot move the cursor, recolour or clear the terminal.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path
from typing import Sequence

from flexaudit.model.findings import Severity
from flexaudit.report.model import Report
from flexaudit.safe_text import clip, one_line

MIN_WIDTH = 80
TOP_RULES = 10
WAVE_SHOWN = 5

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


def terminal_width(columns: int | None = None) -> int:
    """The width to fit: the terminal's (or `columns`), never less than MIN_WIDTH."""
    return max(MIN_WIDTH, columns if columns is not None else shutil.get_terminal_size().columns)


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and code else text


def render_terminal_summary(report: Report, written: Sequence[Path], color: bool, width: int | None = None) -> str:
    width = terminal_width(width)
    st = _Style(color)
    out: list[str] = []

    def line(text: str = "", code: str = "", severity: Severity | None = None) -> None:
        """One line, cut to the width before it is coloured (escape codes take no column);
        with `severity`, the line starts with that severity's label, which alone is coloured."""
        text = clip(text, width)
        if severity is not None:
            label = severity.label
            text = st(_SEVERITY_COLOR.get(severity, ""), label) + text[len(label):]
        out.append(st(code, text) if text else "")

    name = one_line(report.account_friendly_name) or "(name unknown)"
    line(f"flexaudit {one_line(report.tool_version)}: {name} ({report.account_sid})", _BOLD)
    if report.prerequisites_line:
        line(report.prerequisites_line, _READINESS_COLOR["blocked"])
    counts = ", ".join(f"{c.count} {c.label}" for c in report.summary.counts if c.count) or "none"
    suppressed = f" ({report.summary.suppressed} suppressed)" if report.summary.suppressed else ""
    line(f"Open findings: {counts}{suppressed}")
    waves = ", ".join(f"wave {i}: {rc.count} {rc.label.lower()}" for i, rc in enumerate(report.readiness_counts, 1))
    line(f"Legacy addresses: {report.address_total}" + (f" — {waves}" if report.address_total else ""))
    _first_wave(report, line, width)
    line(f"Scanned {report.scanned_at} · as of {report.as_of.isoformat()}")
    eol_code = _SEVERITY_COLOR[Severity.parse(report.eol.level)] if report.eol.days <= 180 else ""
    line(report.eol.sentence, eol_code)
    line()

    after = _after_cut_over(report, st, width)
    out.extend(after + ([""] if after else []))
    _top_rules(report, st, line, width)
    line()

    gaps = report.coverage_gaps
    if gaps:
        line(f"Scan incomplete: {len(gaps)} resource famil{'y' if len(gaps) == 1 else 'ies'} could not be read", _WARN)
        for c in gaps:
            skipped = ", ".join(c.skipped_rules) or "-"
            line(f"  {c.family}: {one_line(c.error or '')} (skipped: {skipped})")
        line()
    for c in report.coverage:
        if c.note:
            line(f"Note: {c.family}: {one_line(c.note)}")
    expired = report.waivers_expired
    if expired:
        line(f"{len(expired)} waiver{'s' if len(expired) != 1 else ''} expired (no longer suppressing): "
             + ", ".join(f"{w.rule} {one_line(w.resource or 'all')} ({w.expires})" for w in expired), _WARN)
        line()

    if written:
        folder = one_line(str(Path(written[0]).parent))
        out.extend(_folded(f"Reports written to {folder}/:", width))
        row = ""
        for name in (one_line(Path(p).name) for p in written):
            if row and len(row) + 2 + len(name) > width:
                line(row)
                row = ""
            row += "  " + name
        line(row)
    return "\n".join(out).rstrip("\n") + "\n"


def _first_wave(report: Report, line, width: int) -> None:
    first = report.first_wave
    if not first:
        line("Nothing to move: no legacy addresses (Flex Flows).")
        return
    a0 = first[0]
    line(f"Move first: wave {a0.wave} ({a0.readiness}), {len(first)} address{'es' if len(first) != 1 else ''}, "
         "idlest first (last inbound, UTC):", _READINESS_COLOR.get(a0.readiness, ""))
    for a in first[:WAVE_SHOWN]:
        name = one_line(a.friendly_name or a.contact_identity)
        line(f"  {one_line(a.flex_flow_sid)}  {report.last_inbound_label(a):<16}  {name}")
    if len(first) > WAVE_SHOWN:
        line(f"  … and {len(first) - WAVE_SHOWN} more (the reports list them all)")


def _top_rules(report: Report, st: _Style, line, width: int) -> None:
    """One row per rule, worst first: 27 copies of one end-of-life finding would push the rest off the screen."""
    by_rule: dict[str, list] = {}
    for f in report.open_findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    if not by_rule:
        line("No open findings.", _READINESS_COLOR["ready"])
        return
    groups = list(by_rule.values())
    top = groups[:TOP_RULES]
    title = "Top findings by rule, worst first" if len(groups) > len(top) else "Findings by rule, worst first"
    line(f"{title} ({len(top)} of {len(groups)} rules, {len(report.open_findings)} open findings):", _BOLD)
    line(f"{'severity':<9}{'rule':<8}{'count':>5}  finding")
    for group in top:
        f = group[0]
        on = one_line(f.resource_name or f.resource_sid) + (f" +{len(group) - 1} more" if len(group) > 1 else "")
        row = clip(f"{f.severity.label:<9}{f.rule_id:<8}{len(group):>5}  {one_line(f.title)} (on {on})", width)
        # only the severity is coloured; the row was cut to fit before
        line(row, severity=f.severity)
    line("Run `flexaudit rules ID` for what a rule means; the reports list every finding.")


TOP_BROKEN = 5


def _listed(items: list[str], width: int) -> list[str]:
    """Names under a heading, indented and wrapped to the width."""
    return textwrap.wrap(", ".join(items), width, initial_indent="  ", subsequent_indent="  ",
                         break_on_hyphens=False)


def _after_cut_over(report: Report, st: _Style, width: int) -> list[str]:
    """What already moved: broken Conversations addresses, and custom code still on the legacy APIs."""
    out = []
    addresses, broken = report.conversations_addresses, report.conversations_broken
    if addresses:
        text = clip(f"Conversations addresses: {len(broken)} broken now of {len(addresses)}", width)
        out.append(st(_READINESS_COLOR["blocked"] if broken else _READINESS_COLOR["ready"], text))
        names = [f"{clip(a.friendly_name or a.address or a.sid, 28)} ({', '.join(a.rule_ids)})" for a in broken[:TOP_BROKEN]]
        out += _listed(names + ([f"+{len(broken) - TOP_BROKEN} more"] if len(broken) > TOP_BROKEN else []), width)
    code = report.code_findings
    if code:
        functions = sum(1 for f in code if f.resource_type == "serverless_function")
        files = len({f.resource_sid for f in code if f.resource_type == "code_file"})
        out.append(clip(f"Custom code on the legacy APIs: {functions} function(s), {files} file(s)", width))
        names = [clip(f.resource_name or f.resource_sid, 48) for f in code[:TOP_BROKEN]]
        out += _listed(names + ([f"+{len(code) - TOP_BROKEN} more"] if len(code) > TOP_BROKEN else []), width)
    return out


def _folded(text: str, width: int) -> list[str]:
    """A line that must stay whole (a path to copy) folded at the width instead of cut."""
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


_SGR = re.compile(r"\x1b\[[0-9;]*m")


def visible_len(text: str) -> int:
    return len(_SGR.sub("", text))
