"""What `scan` and `report` share once they hold an Inventory: audit, write, summarise, exit code."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from flexaudit.audit import audit
from flexaudit.exits import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, Failure
from flexaudit.model.findings import Severity
from flexaudit.model.inventory import Inventory
from flexaudit.output import write_outputs
from flexaudit.report.terminal import render_terminal_summary


def finish(inventory: Inventory, *, as_of: date, waivers, out_dir: Path, formats, fail_on: str | None,
           quiet: bool, write_inventory: bool) -> int:
    report = audit(inventory, as_of, waivers)
    try:
        written = write_outputs(report, inventory if write_inventory else None, out_dir, formats)
    except OSError as exc:
        what = f"{Path(exc.filename).name} in {out_dir}" if exc.filename else f"reports to {out_dir}"
        raise Failure(f"cannot write {what}: {exc.strerror or exc}; every other file that could be written is there") from None
    if not quiet:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")  # https://no-color.org
        click.echo(render_terminal_summary(report, written, color=color), nl=False)
    incomplete = [c.family for c in report.coverage if not c.complete]
    if incomplete:
        click.echo(f"flexaudit: scan incomplete: could not read {', '.join(incomplete)}; "
                   "the reports say which rules were skipped", err=True)
    if fail_on is not None:
        threshold = Severity.parse(fail_on)
        if any(not f.suppressed and f.severity >= threshold for f in report.findings):
            return EXIT_FINDINGS
    return EXIT_INCOMPLETE if incomplete else EXIT_OK
