"""`flexaudit report SNAPSHOT.json`: the rules and renderers again, offline, from a saved inventory."""

from __future__ import annotations

from datetime import datetime, timezone

from flexaudit.commands import pipeline
from flexaudit.commands.options import ReportOptions
from flexaudit.exits import Failure
from flexaudit.model import snapshot


def run_report_command(options: ReportOptions) -> int:
    try:
        inventory = snapshot.load(options.snapshot)
    except snapshot.SnapshotError as exc:
        raise Failure(str(exc)) from None
    waivers = pipeline.load_waivers(options.output.suppressions)
    out_dir = pipeline.output_dir(options.output, inventory.account_sid, datetime.now(timezone.utc),
                                  with_inventory=False)
    return pipeline.finish(inventory, options.output, out_dir, waivers, write_inventory=False)
