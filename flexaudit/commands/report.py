"""`flexaudit report SNAPSHOT.json`: the rules and renderers again, offline, from a saved inventory."""

from __future__ import annotations

from datetime import datetime, timezone

from flexaudit.commands import pipeline
from flexaudit.commands.options import ReportOptions


def run_report_command(options: ReportOptions) -> int:
    inventory = pipeline.load_snapshot(options.snapshot)
    waivers = pipeline.load_waivers(options.output.suppressions)
    out_dir = pipeline.output_dir(options.output, inventory.account_sid, datetime.now(timezone.utc),
                                  with_inventory=False)
    return pipeline.finish(inventory, options.output, out_dir, waivers, write_inventory=False)
