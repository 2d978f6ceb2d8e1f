"""`flexaudit report SNAPSHOT.json`: the rules and renderers again, offline, from a saved inventory."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from flexaudit.model import snapshot
from flexaudit.exits import Failure
from flexaudit.commands.finish import finish
from flexaudit.commands.prepare import load_suppressions, prepare_output_dir
from flexaudit.output import default_output_dir


def run_report_command(*, snapshot_path: Path, output_dir, formats, fail_on, as_of, suppressions, quiet) -> int:
    try:
        inventory = snapshot.load(snapshot_path)
    except snapshot.SnapshotError as exc:
        raise Failure(str(exc)) from None
    waivers = load_suppressions(suppressions)
    out_dir = output_dir or default_output_dir(inventory.account_sid, datetime.now(timezone.utc))
    prepare_output_dir(out_dir, formats, with_inventory=False)
    return finish(inventory, as_of=as_of, waivers=waivers, out_dir=out_dir, formats=formats, fail_on=fail_on,
                  quiet=quiet, write_inventory=False)
