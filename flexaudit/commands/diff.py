"""`flexaudit diff BEFORE AFTER`: migration progress between two scans of one account, offline."""

from __future__ import annotations

from pathlib import Path

import click

from flexaudit.commands import pipeline
from flexaudit.commands.options import DiffOptions
from flexaudit.exits import EXIT_FINDINGS, EXIT_OK, Failure
from flexaudit.model.findings import Severity
from flexaudit.report.write import OutputError, check_writable, unused_dir, write_texts

STAMP = "%Y%m%dT%H%M%SZ"


def run_diff_command(options: DiffOptions) -> int:
    from flexaudit.migration.progress import Evaluated, compare
    from flexaudit.migration.render import DIFF_FILES, diff_files, render_diff_terminal

    before = pipeline.load_snapshot(options.before)
    after = pipeline.load_snapshot(options.after)
    if before.account_sid != after.account_sid:
        raise Failure(f"BEFORE is a scan of {before.account_sid} and AFTER of {after.account_sid}: "
                      "diff compares two scans of one account")
    waivers = pipeline.load_waivers(options.suppressions)
    before_at, after_at = pipeline.scan_time(before), pipeline.scan_time(after)
    as_of = options.as_of or after_at.date()
    out_dir = options.output_dir or unused_dir(
        Path("reports") / f"{after.account_sid}-diff-{before_at.strftime(STAMP)}-{after_at.strftime(STAMP)}")
    try:
        check_writable(out_dir, [DIFF_FILES[f] for f in options.formats])
    except OutputError as exc:
        raise Failure(str(exc)) from None

    progress = compare(Evaluated(before, pipeline.audit(before, as_of, waivers)),
                       Evaluated(after, pipeline.audit(after, as_of, waivers)), as_of)
    try:
        written = write_texts(out_dir, diff_files(progress, options.formats))
    except OSError as exc:
        raise pipeline.write_failure(exc, out_dir) from None
    threshold = Severity.parse(options.fail_on_new) if options.fail_on_new else None
    if not options.quiet:
        click.echo(render_diff_terminal(progress, written, threshold), nl=False)
    return EXIT_FINDINGS if threshold is not None and progress.fails(threshold) else EXIT_OK
