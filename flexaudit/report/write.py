"""Where report files go, and how they are written: never over a file a user has.

The file names are the contract's; they live here rather than with the
renderers so that checking an output directory before a scan does not import
jinja2 and compile every template.
"""

from __future__ import annotations

import errno
import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flexaudit.model import snapshot

if TYPE_CHECKING:
    from flexaudit.model.inventory import Inventory
    from flexaudit.report.model import Report

REPORT_FILES = {
    "md": "flexaudit-report.md",
    "html": "flexaudit-report.html",
    "json": "flexaudit-report.json",
    "csv": "flexaudit-addresses.csv",
}
INVENTORY_FILE = "flexaudit-inventory.json"
# Where everything is when the Markdown report had to leave detail out.
FULL_DETAIL_FILES = (REPORT_FILES["html"], REPORT_FILES["csv"], REPORT_FILES["json"])


class OutputError(Exception):
    """The output directory cannot be used as asked (exit 2, before anything is scanned)."""


class FilesNotWritten(Exception):
    """Some files could not be written; the others were (each file is whole or absent)."""

    def __init__(self, out_dir: Path, failed: list[tuple[str, OSError]], written: list[Path]):
        self.out_dir = out_dir
        self.failed = failed
        self.written = written
        names = ", ".join(name for name, _ in failed)
        reasons = sorted({_reason(exc) for _, exc in failed})
        done = ("written: " + ", ".join(p.name for p in written)) if written else "no file was written"
        super().__init__(f"cannot write {names} in {out_dir}: {'; '.join(reasons)}; {done}")


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
    """That the files can be written there, tried for real, leaving nothing behind: the directory
    (or, while it does not exist, every directory up to it) is created and a file made and removed."""
    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise OutputError(f"--output-dir {out_dir} exists and is not a directory")
        clashes = [n for n in names if (out_dir / n).exists()]
        if clashes:
            raise OutputError(f"{out_dir / clashes[0]} already exists; flexaudit never overwrites a report: "
                              "choose another --output-dir")
        _probe(out_dir)
    except ValueError:  # a NUL byte in the name
        raise OutputError(f"--output-dir {out_dir!r} is not a usable path") from None
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(out_dir) else ""
        raise OutputError(f"--output-dir {out_dir} cannot be written{where}: {_reason(exc)}") from None


def _probe(out_dir: Path) -> None:
    missing: list[Path] = []
    existing = Path(os.path.abspath(out_dir))
    while not existing.exists():
        missing.append(existing)
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"--output-dir {out_dir} cannot be created: {existing} is not a directory")
    created: list[Path] = []
    try:
        for directory in reversed(missing):
            os.mkdir(directory)
            created.append(directory)
        probe = (created[-1] if created else existing) / f".flexaudit-probe-{secrets.token_hex(6)}"
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    finally:
        for directory in reversed(created):
            try:
                os.rmdir(directory)
            except OSError:
                pass  # something else put a file there meanwhile: it is not ours to remove


def write_outputs(report: Report, inventory: Inventory | None, out_dir: Path, formats) -> list[Path]:
    """Write every file; each appears under its final name only when complete, and never over a file.

    Every file is attempted even when one fails (a failed report file must not
    cost the user the others); then FilesNotWritten names what failed and what was written.
    """
    from flexaudit.report import RENDERERS

    files = [(out_dir / RENDERERS[fmt].filename, RENDERERS[fmt].render, report) for fmt in formats]
    if inventory is not None:
        files.append((out_dir / INVENTORY_FILE, snapshot.dumps, inventory))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FilesNotWritten(out_dir, [(path.name, exc) for path, _, _ in files], []) from None
    written: list[Path] = []
    failed: list[tuple[str, OSError]] = []
    for path, render, source in files:
        try:
            write_new(path, render(source))
        except OSError as exc:
            failed.append((path.name, exc))
        else:
            written.append(path)
    if failed:
        raise FilesNotWritten(out_dir, failed, written)
    return written


def write_new(path: Path, text: str) -> Path:
    """Write `path` whole or not at all, never over an existing file.

    The text goes to a temporary name in the same directory (it cannot clash
    with a contract name: those never start with a dot), is flushed to disk,
    and is then linked under its final name: a link fails when the name is
    taken, so nothing is replaced, and a reader never sees half a file. The
    temporary name is removed in every case.
    """
    data = text.encode("utf-8")
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.partial")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _link_no_clobber(temp, path)
    except OSError as exc:
        # Name the file the user asked for, not the temporary one.
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    finally:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
    return path


def _link_no_clobber(temp: Path, path: Path) -> None:
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK, errno.EXDEV):
            raise
        # A file system without hard links: check, then rename (the check and the
        # rename are two steps there, the best such a file system allows).
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.rename(temp, path)


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__
