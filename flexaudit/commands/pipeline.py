"""What `scan` and `report` share, in the order it happens: check the inputs before any
work, then audit the Inventory, write the files, print the summary, choose the exit code."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import click

from flexaudit import __version__
from flexaudit.commands.options import OutputOptions
from flexaudit.exits import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, Failure
from flexaudit.model.findings import Severity
from flexaudit.model.inventory import Inventory
from flexaudit.report.write import (INVENTORY_FILE, FilesNotWritten, OutputError, check_writable, default_output_dir,
                                    planned_files)

def load_waivers(path: Path | None) -> list:
    """The --suppressions file, validated against the rule catalog (exit 2 before any work)."""
    if path is None:
        return []
    from flexaudit.rules import rule_ids
    from flexaudit.suppressions import SuppressionsError, load_waivers as load

    try:
        return load(path, known_rule_ids=rule_ids())
    except SuppressionsError as exc:
        raise Failure(str(exc)) from None


def load_snapshot(path: Path) -> Inventory:
    """A saved inventory: the file, or the flexaudit-inventory.json in that directory (exit 2 if unusable).

    Its account SID and scan time name output directories and scripts: both must have Twilio's form
    (the loader checks the SID).
    """
    from flexaudit.model import snapshot

    path = Path(path)
    if path.is_dir():
        path = path / INVENTORY_FILE
    try:
        inventory = snapshot.load(path)
    except snapshot.SnapshotError as exc:
        raise Failure(str(exc)) from None
    scan_time(inventory, path)
    return inventory


def scan_time(inventory: Inventory, source: Path | str = "snapshot") -> datetime:
    """When the snapshot was taken (its `scanned_at`, UTC); exit 2 when it is not such a time."""
    try:
        return datetime.strptime(str(inventory.scanned_at), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise Failure(f"{source}: scanned_at is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)") from None


def output_dir(options: OutputOptions, account_sid: str, started, *, with_inventory: bool) -> Path:
    """Where this run writes, checked to be usable (exit 2 before any work)."""
    out_dir = options.output_dir or default_output_dir(account_sid, started)
    try:
        check_writable(out_dir, planned_files(options.formats, with_inventory))
    except OutputError as exc:
        raise Failure(str(exc)) from None
    return out_dir


def write_failure(exc: OSError, out_dir: Path) -> Failure:
    """The one line for files that could not be written (the writer tries every file before it raises):
    which ones, why, and which were written."""
    if isinstance(exc, FilesNotWritten):
        return Failure(str(exc))
    what = f"{Path(exc.filename).name} in {out_dir}" if exc.filename else f"files to {out_dir}"
    return Failure(f"cannot write {what}: {exc.strerror or exc}")


def audit(inventory: Inventory, as_of: date, waivers=()):
    """Inventory in, Report out: rules, waivers, readiness and the report model; pure."""
    from flexaudit.report.conversations import address_health
    from flexaudit.readiness import account_prerequisites, plan_addresses
    from flexaudit.report.model import build_report
    from flexaudit.rules import evaluate
    from flexaudit.suppressions import apply_waivers

    evaluation = evaluate(inventory, as_of)
    findings, waiver_results = apply_waivers(evaluation.findings, list(waivers), as_of)
    # Readiness reads every finding, waived or not: a waiver silences a gate, it
    # does not make a blocked address migratable.
    addresses = plan_addresses(inventory, findings, evaluation.context)
    prerequisites = account_prerequisites(inventory, findings, evaluation.context)
    health = address_health(inventory, findings, evaluation.context)
    return build_report(inventory, findings, addresses, evaluation.coverage, waiver_results, as_of, __version__,
                        conversations_addresses=health, account_blockers=prerequisites)


def load_audit_and_renderers() -> None:
    """Import now what `audit` and `write` import when first called, and load the rule catalog.

    For runs that audit several accounts on threads: threads importing the same
    modules at once can meet Python's import-deadlock avoidance, which hands one
    of them a half-initialised module.
    """
    import flexaudit.readiness  # noqa: F401
    import flexaudit.report.model  # noqa: F401
    import flexaudit.suppressions  # noqa: F401
    from flexaudit.report import RENDERERS  # noqa: F401
    from flexaudit.rules import rule_ids

    rule_ids()


def finish(inventory: Inventory, options: OutputOptions, out_dir: Path, waivers, *, write_inventory: bool) -> int:
    """Audit, write every file, print the summary; the exit code."""
    report = audit(inventory, options.as_of, waivers)
    written = write(report, inventory if write_inventory else None, out_dir, options.formats)
    if not options.quiet:
        from flexaudit.report.terminal import render_terminal_summary

        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")  # https://no-color.org
        click.echo(render_terminal_summary(report, written, color=color), nl=False)
    incomplete = [c.family for c in report.coverage if not c.complete]
    if incomplete:
        click.echo(f"flexaudit: scan incomplete: could not read {', '.join(incomplete)}; "
                   "the reports say which rules were skipped", err=True)
    return exit_code(report, options.fail_on)


def write(report, inventory: Inventory | None, out_dir: Path, formats) -> list[Path]:
    """Every report file (and the snapshot, when given); a file that cannot be written is one line."""
    from flexaudit.report.write import write_outputs

    try:
        return write_outputs(report, inventory, out_dir, formats)
    except OSError as exc:
        raise write_failure(exc, out_dir) from None


def exit_code(report, fail_on: str | None) -> int:
    """1 for an unsuppressed finding at or above --fail-on, else 3 for an incomplete scan, else 0."""
    if fail_on is not None:
        threshold = Severity.parse(fail_on)
        if any(not f.suppressed and f.severity >= threshold for f in report.findings):
            return EXIT_FINDINGS
    return EXIT_INCOMPLETE if not report.scan_complete else EXIT_OK
