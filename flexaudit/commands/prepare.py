"""What `scan` and `report` check before any work: the waivers file and the output directory.

Both fail with exit 2 before a single request is sent. Kept apart from
`finish.py` so that these checks do not import the rules and renderers.
"""

from __future__ import annotations

from pathlib import Path

from flexaudit.exits import Failure
from flexaudit.output import OutputError, check_writable, planned_files


def load_suppressions(path: Path | None):
    if path is None:
        return []
    from flexaudit.rules import all_rules
    from flexaudit.suppressions import SuppressionsError, load_waivers

    try:
        return load_waivers(path, known_rule_ids={r.id for r in all_rules()})
    except SuppressionsError as exc:
        raise Failure(str(exc)) from None


def prepare_output_dir(out_dir: Path, formats, with_inventory: bool) -> None:
    try:
        check_writable(out_dir, planned_files(formats, with_inventory))
    except OutputError as exc:
        raise Failure(str(exc)) from None
