"""Where report files go, and the promise never to overwrite what a user has."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flexaudit.model import snapshot
from flexaudit.parallel_jobs import Job, run_jobs
from flexaudit.report.files import INVENTORY_FILE, REPORT_FILES

if TYPE_CHECKING:
    from flexaudit.model.inventory import Inventory
    from flexaudit.report.model import Report

# Milliseconds each file takes to render on the medium bench account
# (bench/render_bench.py --preset medium), to split them evenly between two processes.
_COST = {"md": 30, "html": 75, "json": 23, "csv": 33, "inventory": 39}


class OutputError(Exception):
    """The output directory cannot be used as asked (exit 2, before anything is scanned)."""


def planned_files(formats, with_inventory: bool) -> list[str]:
    names = [REPORT_FILES[f] for f in formats]
    return names + ([INVENTORY_FILE] if with_inventory else [])


def default_output_dir(account_sid: str, started: datetime, root: Path = Path("reports")) -> Path:
    """reports/<sid>-<UTC stamp>/, suffixed -2, -3 … if a run in the same second got there first."""
    base = root / f"{account_sid}-{started.strftime('%Y%m%dT%H%M%SZ')}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def check_writable(out_dir: Path, names: list[str]) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"--output-dir {out_dir} exists and is not a directory")
    clashes = [n for n in names if (out_dir / n).exists()]
    if clashes:
        raise OutputError(f"{out_dir / clashes[0]} already exists; flexaudit never overwrites a report: "
                          "choose another --output-dir")


def write_outputs(report: Report, inventory: Inventory | None, out_dir: Path, formats) -> list[Path]:
    """Write every file; a file that already exists is never replaced (checked again, atomically).

    The files are rendered on two cores where possible (see parallel_jobs); an
    OSError from either process is raised here as an OSError.
    """
    from flexaudit.report import RENDERERS

    out_dir.mkdir(parents=True, exist_ok=True)
    files = [(fmt, out_dir / RENDERERS[fmt].filename, RENDERERS[fmt].render, report) for fmt in formats]
    if inventory is not None:
        files.append(("inventory", out_dir / INVENTORY_FILE, snapshot.dumps, inventory))
    run_jobs([Job(path.name, _writer(path, render, source), _COST.get(kind, 1.0))
              for kind, path, render, source in files])
    return [path for _, path, _, _ in files]


def _writer(path: Path, render, source):
    return lambda: _write_new(path, render(source))


def _write_new(path: Path, text: str) -> Path:
    # O_EXCL: if something appeared since the check, fail rather than clobber it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return path
