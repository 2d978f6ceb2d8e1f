"""The fleet report: one row per account of a `--all-subaccounts` scan.

`flexaudit-fleet.json` (contract "Fleet", schema_version 1, validated by
schema/fleet-v1.schema.json), `flexaudit-fleet.md` and the terminal table,
all three from one FleetReport. Like the single-account renderers they are
pure: account values (names, statuses, errors) go through `one_line` and the
Markdown filters, and the same FleetReport always renders to the same text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote


from flexaudit.exits import EXIT_OK
from flexaudit.model.findings import SEVERITIES_DESC
from flexaudit.report.model import READINESS, READINESS_LABELS, Report
from flexaudit.report.terminal import terminal_width
from flexaudit.safe_text import clip, one_line

SCHEMA_VERSION = 1
FLEET_FILES = {"md": "flexaudit-fleet.md", "json": "flexaudit-fleet.json"}
SUMMARY_KEYS = (*(s.label for s in SEVERITIES_DESC), "suppressed")


@dataclass(frozen=True)
class FleetAccount:
    sid: str
    friendly_name: str | None
    status: str | None
    scanned: bool  # False: not active (suspended, closed), listed only
    exit_code: int | None = None  # None when not scanned
    summary: dict[str, int] | None = None  # None when nothing could be read
    readiness: dict[str, int] | None = None
    account_blockers: tuple[str, ...] = ()
    coverage_gaps: tuple[str, ...] = ()  # the families that could not be read
    error: str | None = None
    report_file: str | None = None  # relative to the fleet folder: this account's main report, when written

    @property
    def coverage_complete(self) -> bool:
        return self.scanned and self.summary is not None and not self.coverage_gaps


@dataclass(frozen=True)
class FleetReport:
    scanned_at: str
    as_of: date
    parent: str
    accounts: tuple[FleetAccount, ...]  # the parent first, then the listing's order
    exit_code: int
    tool_version: str
    listing_error: str | None = None  # the subaccounts could not be listed: only the parent was scanned
    files: dict[str, str] = field(default_factory=lambda: dict(FLEET_FILES))

    @property
    def parent_name(self) -> str | None:
        return next((a.friendly_name for a in self.accounts if a.sid == self.parent), None)

    @property
    def scanned(self) -> tuple[FleetAccount, ...]:
        return tuple(a for a in self.accounts if a.scanned)

    @property
    def not_scanned(self) -> tuple[FleetAccount, ...]:
        return tuple(a for a in self.accounts if not a.scanned)

    @property
    def with_errors(self) -> tuple[FleetAccount, ...]:
        return tuple(a for a in self.accounts if a.error)


def scanned_account(sid: str, friendly_name: str | None, status: str | None, exit_code: int,
                    report: Report | None, error: str | None, report_file: str | None) -> FleetAccount:
    """A scanned account's row: its Report's counts when the scan got that far."""
    if report is None:
        return FleetAccount(sid, friendly_name, status, True, exit_code, error=error)
    from flexaudit.rules import account_blockers

    return FleetAccount(
        sid, friendly_name, status, True, exit_code,
        summary=report.summary.as_dict(),
        readiness={r: report.readiness_count(r) for r in reversed(READINESS)},
        # as readiness reads them: every finding, waived or not
        account_blockers=tuple(account_blockers(report.findings)),
        coverage_gaps=tuple(c.family for c in report.coverage_gaps),
        error=error, report_file=report_file)


# --- flexaudit-fleet.json ------------------------------------------------------------------------

def fleet_to_dict(fleet: FleetReport) -> dict:
    """flexaudit-fleet.json: the contract's keys in its order; extensions after them."""
    return {
        "schema_version": SCHEMA_VERSION,
        "scanned_at": fleet.scanned_at,
        "as_of": fleet.as_of.isoformat(),
        "parent": fleet.parent,
        "accounts": [
            {
                "sid": a.sid,
                "friendly_name": "" if a.friendly_name is None else a.friendly_name,
                "status": "" if a.status is None else a.status,
                "exit_code": a.exit_code,
                "summary": None if a.summary is None else {k: a.summary.get(k, 0) for k in SUMMARY_KEYS},
                "addresses": None if a.readiness is None else {r: a.readiness.get(r, 0) for r in
                                                               reversed(READINESS)},
                "account_blockers": list(a.account_blockers),
                "coverage_complete": a.coverage_complete,
                "error": a.error,
                # extensions
                "scanned": a.scanned,
                "coverage_gaps": list(a.coverage_gaps),
                "report": a.report_file,
            }
            for a in fleet.accounts
        ],
        # extensions
        "tool": {"name": "flexaudit", "version": fleet.tool_version},
        "exit_code": fleet.exit_code,
        "listing_error": fleet.listing_error,
    }


def render_fleet_json(fleet: FleetReport) -> str:
    return json.dumps(fleet_to_dict(fleet), indent=2, ensure_ascii=False) + "\n"


# --- flexaudit-fleet.md --------------------------------------------------------------------------

def render_fleet_markdown(fleet: FleetReport) -> str:
    from flexaudit.report.markdown import Md, markdown_environment

    env = markdown_environment()
    # A link to an account's report: the path is built from a checked AC SID and a
    # fixed file name, and quoted anyway.
    env.filters["md_report_link"] = lambda path: Md(f"[report]({quote(path, safe='/')})") if path else Md("—")
    text = env.get_template("fleet.md.j2").render(f=fleet, summary_keys=SUMMARY_KEYS,
                                                  readiness=tuple(reversed(READINESS)), labels=READINESS_LABELS)
    return text.rstrip("\n") + "\n"


# --- the terminal ---------------------------------------------------------------------------------

def render_fleet_terminal(fleet: FleetReport, written: list, width: int | None = None) -> str:
    """The fleet after the run: two lines per account (who, then how it went), then where the files
    are. Plain text, every line within the terminal's width."""
    width = terminal_width(width)
    out = [clip(f"flexaudit {one_line(fleet.tool_version)}: fleet of {one_line(fleet.parent_name or fleet.parent)}",
                width),
           f"parent {fleet.parent} · {len(fleet.scanned)} of {len(fleet.accounts)} accounts scanned",
           f"scanned {fleet.scanned_at} · as of {fleet.as_of.isoformat()}", ""]
    for a in fleet.accounts:
        out.append(f"{clip(a.friendly_name or '(name unknown)', width - len(a.sid) - 2)}  {one_line(a.sid)}")
        facts = [f"exit {a.exit_code}"] if a.exit_code is not None else []
        if a.summary is not None:
            open_total = sum(a.summary[k] for k in SUMMARY_KEYS if k != "suppressed")
            facts.append(f"{open_total} open ({a.summary['critical']} critical, {a.summary['high']} high)")
        if a.readiness is not None:
            facts.append(", ".join(f"{a.readiness[r]} {READINESS_LABELS[r].lower()}"
                                   for r in ("ready", "needs-work", "blocked")))  # waves 1, 2, 3
        note = a.error or ("" if a.scanned else f"not scanned: {one_line(a.status) or 'status unknown'}")
        out.append(clip("    " + " · ".join(facts + ([one_line(note)] if note else [])), width))
    out.append("")
    if fleet.listing_error:
        out.append(clip(f"Subaccounts could not be listed ({one_line(fleet.listing_error)}): only the parent "
                        "was scanned.", width))
    out.append(f"Exit code {fleet.exit_code}: the first of 2, 4, 1, 3, 0 that any account produced."
               if fleet.exit_code != EXIT_OK else "Exit code 0: every scanned account is complete and under --fail-on.")
    if written:
        out.append("Fleet reports written (each account's are in the folder named by its SID):")
        out.extend(f"  {one_line(str(p))}" for p in written)
    return "\n".join(out) + "\n"
