"""Where report files go, and how they are written: never over a file a user has.

The file names are the contract's; they live here rather than with the
renderers so that checking an output directory before a scan does not import
jinja2 and compile every template.
"""

from __future__ import annotations

import functools
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Sequence

from flexaudit.model import snapshot

if TYPE_CHECKING:
    from flexaudit.model.inventory import Inventory
    from flexaudit.report.model import Report

# Each report file by its renderer's key (flexaudit.report.RENDERERS); written when the
# --format of WRITTEN_WITH (else of the key itself) is asked for.
REPORT_FILES = {
    "md": "flexaudit-report.md",
    "summary": "flexaudit-summary.md",
    "html": "flexaudit-report.html",
    "json": "flexaudit-report.json",
    "csv": "flexaudit-addresses.csv",
}
WRITTEN_WITH = {"summary": "md"}
INVENTORY_FILE = "flexaudit-inventory.json"
# What the summary, sized for a comment, points at for everything else.
ATTACHMENTS = (REPORT_FILES["md"], REPORT_FILES["html"], REPORT_FILES["csv"], REPORT_FILES["json"])


def report_keys(formats) -> list[str]:
    """The renderers that the --format values ask for, in REPORT_FILES order."""
    return [key for key in REPORT_FILES if WRITTEN_WITH.get(key, key) in formats]


class OutputError(Exception):
    """The output directory cannot be used as asked (exit 2, before anything is scanned)."""


def planned_files(formats, with_inventory: bool) -> list[str]:
    names = [REPORT_FILES[key] for key in report_keys(formats)]
    return names + ([INVENTORY_FILE] if with_inventory else [])


def default_output_dir(name: str, started: datetime, root: Path = Path("reports")) -> Path:
    """reports/<name>-<UTC stamp>/ (name: the account SID, or `fleet`), suffixed -2, -3 … if a run in
    the same second got there first."""
    return unused_dir(root / f"{name}-{started.strftime('%Y%m%dT%H%M%SZ')}")


def unused_dir(base: Path) -> Path:
    """`base`, or the first of base-2, base-3 … that does not exist yet."""
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

    Every file is attempted even when one fails (a failed report file must not
    cost the user the others); then the first OSError is raised.
    """
    from flexaudit.report import RENDERERS

    files = [(RENDERERS[key].filename, functools.partial(RENDERERS[key].render, report)) for key in report_keys(formats)]
    if inventory is not None:
        files.append((INVENTORY_FILE, functools.partial(snapshot.dumps, inventory)))
    return write_texts(out_dir, files)


def write_texts(out_dir: Path, files: Sequence[tuple[str, str | Callable[[], str]]],
                executable: Collection[str] = ()) -> list[Path]:
    """Each (file name, its text or its text's renderer) into out_dir, never over an existing file;
    the names in `executable` (generated scripts) get mode 0755 instead of 0644.

    Every file is attempted even when one fails; then the first OSError is raised.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    first_error: OSError | None = None
    for name, text in files:
        try:
            _write_new(out_dir / name, text() if callable(text) else text, 0o755 if name in executable else 0o644)
        except OSError as exc:
            first_error = first_error or exc
    if first_error is not None:
        raise first_error
    return [out_dir / name for name, _ in files]


def _write_new(path: Path, text: str, mode: int = 0o644) -> Path:
    # O_EXCL: if something appeared since the check, fail rather than clobber it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return path
