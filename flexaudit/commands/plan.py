"""`flexaudit plan SNAPSHOT`: per-number migrate and rollback scripts, written for review, never run.

Offline: it reads the snapshot and sends no request at all.
"""

from __future__ import annotations

from pathlib import Path

import click

from flexaudit.commands import pipeline
from flexaudit.commands.options import PlanOptions
from flexaudit.exits import EXIT_OK, Failure
from flexaudit.report.write import OutputError, check_writable, unused_dir, write_texts
from flexaudit.safe_text import one_line


def run_plan_command(options: PlanOptions) -> int:
    from flexaudit.migration.render import plan_files
    from flexaudit.migration.scripts import PlanError, plan_numbers
    from flexaudit.rules import account_blockers, get_rule

    inventory = pipeline.load_snapshot(options.snapshot)
    scanned = pipeline.scan_time(inventory)
    # Readiness reads every finding, waived or not: no --suppressions here.
    report = pipeline.audit(inventory, scanned.date())
    blockers = account_blockers(report.findings)
    if blockers and not options.ignore_account_blockers:
        first = get_rule(blockers[0])
        raise Failure(f"the snapshot has an account-wide blocker, {first.id} ({first.title}): no address can move "
                      "until it is fixed. Fix it, scan again, then plan (or pass --ignore-account-blockers); "
                      "nothing written")
    # Each address's readiness already comes from its own findings only (account-wide blockers
    # are the report's account_blockers), so --ignore-account-blockers needs nothing recomputed.
    try:
        plan = plan_numbers(inventory, report.addresses, report.tool_version, options.addresses)
    except PlanError as exc:
        raise Failure(f"{exc}; nothing written") from None
    files = plan_files(plan)
    out_dir = options.output_dir or unused_dir(
        Path("reports") / f"{inventory.account_sid}-plan-{scanned.strftime('%Y%m%dT%H%M%SZ')}")
    try:
        check_writable(out_dir, [name for name, _ in files])
        # the scripts are meant to be run: `./migrate-PN….py` works as well as `python migrate-PN….py`
        written = write_texts(out_dir, files, executable=[name for name, _ in files if name.endswith(".py")])
    except OutputError as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise pipeline.write_failure(exc, out_dir) from None
    if not options.quiet:
        pairs = len(plan.numbers)
        click.echo(f"flexaudit plan: {pairs} number{'s' if pairs != 1 else ''} to move "
                   f"({len(plan.unplanned)} not planned: PLAN.md says why); review, then run them yourself")
        click.echo("written:")
        for path in written:
            click.echo(f"  {one_line(str(path))}")
    return EXIT_OK
