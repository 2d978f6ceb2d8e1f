"""Local source trees (`--code DIR`, repeatable): Flex plugins and Functions projects on disk.

Not an HTTP family: it walks each directory, reads each candidate file in
memory, keeps only where it uses a legacy API (`path:line (pattern)`) and how
a `package.json` declares `@twilio/flex-ui`, and drops the text (contract:
source text stays in memory).

Skipped (rules.md FLX602): directories named node_modules, .git, build, dist
or coverage; symbolic links, to files or directories; files over 2 MB. Only
.js .jsx .mjs .cjs .ts .tsx .py files are searched, and package.json files
are read for FLX603.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from flexaudit.analysis.legacy_api import legacy_api_use
from flexaudit.model.inventory import CodeFile, CodeLocation, CodeTree, FlexUiDependency
from flexaudit.scan.interface import CodeRoot, Needed, ScanContext, Scanned

SKIPPED_DIRECTORIES = frozenset({"node_modules", ".git", "build", "dist", "coverage"})
SOURCE_SUFFIXES = frozenset({".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".py"})
MANIFEST = "package.json"
MAX_FILE_BYTES = 2 * 1024 * 1024
FLEX_UI = "@twilio/flex-ui"
DEPENDENCY_SECTIONS = ("dependencies", "devDependencies", "peerDependencies")
MAX_RANGE_CHARS = 100
NOT_REQUESTED = "not requested (no --code)"

# why an entry was not read -> the key of CodeTree.skipped
SKIP_DIRECTORY, SKIP_LINK, SKIP_LARGE, SKIP_UNREADABLE = "directory", "symbolic link", "over 2 MB", "unreadable"

_FLEX_UI_KEY = re.compile(r'"@twilio/flex-ui"\s*:')


class CodeRootError(ValueError):
    """A --code path that is not a readable directory."""


def code_roots(paths) -> tuple[CodeRoot, ...]:
    """The --code directories, checked before any request, each with the label its findings carry.

    With one root, paths are relative to it. With several, each path starts with
    its root's directory name (`plugin-a/src/index.js`); a name that two roots
    share gets `-2`, `-3` … in the order given.
    """
    roots: list[CodeRoot] = []
    seen: dict[str, int] = {}
    several = len(paths) > 1
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise CodeRootError(f"--code {raw}: no such directory")
        if not path.is_dir():
            raise CodeRootError(f"--code {raw}: not a directory")
        if not os.access(path, os.R_OK | os.X_OK):
            raise CodeRootError(f"--code {raw}: directory cannot be read")
        name = path.resolve().name or "code"
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name}-{seen[name]}"
        roots.append(CodeRoot(path, label, f"{label}/" if several else ""))
    return tuple(roots)


def scan_code(ctx: ScanContext, needed: Needed) -> Scanned:
    if not ctx.code_roots:
        return Scanned([], note=NOT_REQUESTED)
    trees = [scan_tree(root) for root in ctx.code_roots]
    unreadable = sum(t.skipped.get(SKIP_UNREADABLE, 0) for t in trees)
    ctx.progress(f"code: {sum(t.files_scanned for t in trees)} files read")
    error = f"{unreadable} file(s) or directories under --code could not be read" if unreadable else None
    return Scanned(trees, error)


def scan_tree(root: CodeRoot) -> CodeTree:
    tree = CodeTree(label=root.label)
    pending = [(root.path, "")]  # (directory, its path relative to the root, '/'-terminated)
    while pending:
        directory, relative = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            _skip(tree, SKIP_UNREADABLE)
            continue
        below = []
        for entry in entries:
            try:
                if entry.is_symlink():
                    _skip(tree, SKIP_LINK)
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name in SKIPPED_DIRECTORIES:
                        _skip(tree, SKIP_DIRECTORY)
                    else:
                        below.append((Path(entry.path), f"{relative}{_printable(entry.name)}/"))
                elif entry.is_file(follow_symlinks=False) and _wanted(entry.name):
                    _read(tree, entry, root.prefix + relative + _printable(entry.name))
            except OSError:
                _skip(tree, SKIP_UNREADABLE)
        pending.extend(reversed(below))  # depth first, in name order
    return tree


def _printable(name: str) -> str:
    """A file name as text that every report can encode: bytes that are not UTF-8 (which the file
    system hands over as lone surrogates) become U+FFFD."""
    return os.fsencode(name).decode("utf-8", errors="replace")


def _wanted(name: str) -> bool:
    return name == MANIFEST or os.path.splitext(name)[1] in SOURCE_SUFFIXES


def _skip(tree: CodeTree, why: str) -> None:
    tree.skipped[why] = tree.skipped.get(why, 0) + 1


def _read(tree: CodeTree, entry: os.DirEntry, path: str) -> None:
    if entry.stat(follow_symlinks=False).st_size > MAX_FILE_BYTES:
        _skip(tree, SKIP_LARGE)
        return
    raw = _read_bytes(entry.path)
    if raw is None:  # replaced by a link, or grown past the limit, since it was listed
        _skip(tree, SKIP_LINK)
        return
    text = raw.decode("utf-8", errors="replace")
    tree.files_scanned += 1
    found = CodeFile(path)
    if entry.name == MANIFEST:
        found.flex_ui = flex_ui_dependencies(text)
    else:
        found.legacy_api_use = [CodeLocation(line, pattern) for line, pattern in legacy_api_use(text)]
    if found.flex_ui or found.legacy_api_use:
        tree.files.append(found)


def _read_bytes(path: str) -> bytes | None:
    """The file's bytes, opened without following a link (one swapped in after the listing)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):
            return None
        raise exc
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        data = fh.read(MAX_FILE_BYTES + 1)
    return None if len(data) > MAX_FILE_BYTES else data


def flex_ui_dependencies(text: str) -> list[FlexUiDependency]:
    """How a package.json declares @twilio/flex-ui, section by section, with the line of each."""
    try:
        manifest = json.loads(text)
    except (ValueError, RecursionError):
        return []
    if not isinstance(manifest, dict):
        return []
    declared = [(name, section[FLEX_UI]) for name in DEPENDENCY_SECTIONS
                if isinstance(section := manifest.get(name), dict) and FLEX_UI in section]
    if not declared:
        return []
    # JSON keeps the sections' order of the text, so the n-th declaration is on the n-th line naming the key
    lines = [text.count("\n", 0, m.start()) + 1 for m in _FLEX_UI_KEY.finditer(text)]
    order = sorted(declared, key=lambda d: list(manifest).index(d[0]))
    return [FlexUiDependency(name, value[:MAX_RANGE_CHARS] if isinstance(value, str) else None,
                             lines[i] if len(lines) == len(order) else None)
            for i, (name, value) in enumerate(order)]
