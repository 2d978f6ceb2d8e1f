"""Limits on what flexaudit takes in, in one place: how deep a value nests, how large a file is.

Values kept from the API (a Studio definition, a Flex Flow's integration)
nest at most NESTING_LIMIT containers deep: deeper ones are not kept, so the
snapshot writer and every reader after it stay within Python's recursion
limit. Files a user hands in (a snapshot, waivers, a scenario) are read only
when they are regular files, at most a stated number of bytes, and their
parsed content must not nest deeper than the loader allows.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

NESTING_LIMIT = 32
# What a value nested deeper than NESTING_LIMIT is kept as, where the field takes any value
# (a Studio definition): the Studio rules report it as a definition that cannot be parsed.
TOO_DEEP = f"(not kept by flexaudit: nested deeper than {NESTING_LIMIT} levels)"


class InputFileError(Exception):
    """A file that cannot be taken in; str() says why in a few words (the caller names the file)."""


def nesting_exceeds(value: object, limit: int) -> bool:
    """Whether `value` (parsed JSON/TOML) holds containers more than `limit` deep. Never recurses."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def parse_json(text: str, max_depth: int) -> object:
    """JSON text parsed within the limits; InputFileError saying, in a few words, why not."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise InputFileError(f"nested deeper than {max_depth} levels") from None
    except ValueError:  # Python refuses to convert integers of more than 4,300 digits
        raise InputFileError("holds a number too long to read") from None
    if nesting_exceeds(data, max_depth):
        raise InputFileError(f"nested deeper than {max_depth} levels")
    return data


def read_text(path: Path, max_bytes: int) -> str:
    """The UTF-8 text of a regular file of at most `max_bytes` (read_limited); InputFileError otherwise."""
    try:
        return read_limited(path, max_bytes).decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError("not UTF-8 text") from None


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; InputFileError otherwise.

    Opened without blocking (a FIFO would wait for a writer forever) and checked
    to be a regular file before anything is read: /dev/zero, a pipe or a
    directory is refused, never read until memory runs out.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputFileError("no such file") from None
    except PermissionError:
        raise InputFileError("permission denied") from None
    except (OSError, ValueError) as exc:
        raise InputFileError(f"cannot be opened ({getattr(exc, 'strerror', None) or exc.__class__.__name__})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a directory" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else \
                "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
            raise InputFileError(f"is {kind}, not a file" if kind != "not a regular file" else "is not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise InputFileError(f"is larger than {_size(max_bytes)}")
        return b"".join(chunks)
    except OSError as exc:
        raise InputFileError(f"cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    finally:
        os.close(fd)


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 else f"{n >> 10} KiB"
