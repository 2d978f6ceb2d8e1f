"""Where report files go, and how they are written: never over a file a user has.

The file names are the contract's; they live here rather than with the
renderers so that checking an output directory before a scan does not import
jinja2 and compile every template.
"""

from __future__ import annotations

import errno
import functools
import os
import secrets
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


class FilesNotWritten(OSError):
    """Some files could not be written; the others were (each file is whole or absent).

    An OSError, so that every caller that handles a failed write handles this one.
    """

    def __init__(self, out_dir: Path, failed: list[tuple[str, OSError]], written: list[Path]):
        self.out_dir = out_dir
        self.failed = failed
        self.written = written
        names = ", ".join(name for name, _ in failed)
        reasons = sorted({_reason(exc) for _, exc in failed})
        done = ("written: " + ", ".join(p.name for p in written)) if written else "no file was written"
        super().__init__(f"cannot write {names} in {out_dir}: {'; '.join(reasons)}; {done}")

    def __str__(self) -> str:
        return self.args[0]


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
    """Each (file name, its text or its text's renderer) into out_dir, never over an existing file,
    each whole or not at all; the names in `executable` (generated scripts) get mode 0755 instead of 0644.

    Every file is attempted even when one fails (a failed report file must not
    cost the user the others); then FilesNotWritten names what failed and what was written.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FilesNotWritten(out_dir, [(name, exc) for name, _ in files], []) from None
    written: list[Path] = []
    failed: list[tuple[str, OSError]] = []
    for name, text in files:
        try:
            write_new(out_dir / name, text() if callable(text) else text, 0o755 if name in executable else 0o644)
        except OSError as exc:
            failed.append((name, exc))
        else:
            written.append(out_dir / name)
    if failed:
        raise FilesNotWritten(out_dir, failed, written)
    return written


def write_new(path: Path, text: str, mode: int = 0o644) -> Path:
    """Write `path` whole or not at all, never over an existing file.

    The text goes to a temporary name in the same directory (it cannot clash
    with a contract name: those never start with a dot), is flushed to disk,
    and is then linked under its final name: a link fails when the name is
    taken, so nothing is replaced, and a reader never sees half a file. The
    temporary name is removed in every case.
    """
    data = text.encode("utf-8")
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.partial")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
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
