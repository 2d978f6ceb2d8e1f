"""Which major versions an npm version range admits (FLX603: a Flex UI 1.x plugin).

Enough of node-semver's range grammar for dependency declarations as people
write them: `1.34.6`, `1.x`, `^1.2.0`, `~1.19`, `>=1 <2`, `1.0.0 - 1.9.9`,
`^1 || ^2`, `*`. Anything else (a URL, a git or file reference, a tag) reads
as unknown: no judgement.
"""

from __future__ import annotations

import math
import re

_WILDCARD = {"x", "X", "*"}
_PART = r"(?:\d+|[xX*])"
# a trailing dot (`1.`, as people shorten `1.x`) reads as the version without it
_VERSION = re.compile(rf"^v?({_PART})(?:\.({_PART}))?(?:\.({_PART}))?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\.?$")
_COMPARATOR = re.compile(r"(\^|~>|~|>=|<=|>|<|=)?\s*([^\s<>=^~]+)")
_HYPHEN = re.compile(r"^(\S+)\s+-\s+(\S+)$")


def major_bounds(text: str) -> tuple[int, float] | None:
    """(lowest, highest) major version the range admits, the highest inf when unbounded; None: unreadable."""
    if not isinstance(text, str):
        return None
    lows, highs = [], []
    for alternative in text.split("||"):
        bounds = _alternative(alternative.strip())
        if bounds is None:
            return None
        lows.append(bounds[0])
        highs.append(bounds[1])
    return min(lows), max(highs)


def _version(text: str) -> tuple[int | None, int | None, int | None] | None:
    found = _VERSION.match(text)
    if not found:
        return None
    parts = [None if p is None or p in _WILDCARD else int(p) for p in found.groups()]
    return parts[0], parts[1], parts[2]


def _alternative(alt: str) -> tuple[int, float] | None:
    if alt in ("", "*", "x", "X", "latest"):
        return 0, math.inf
    hyphen = _HYPHEN.match(alt)
    if hyphen:
        low, high = _version(hyphen.group(1)), _version(hyphen.group(2))
        if low is None or high is None:
            return None
        return low[0] or 0, math.inf if high[0] is None else high[0]
    low, high = 0, math.inf
    consumed = 0
    for match in _COMPARATOR.finditer(alt):
        if alt[consumed:match.start()].strip():
            return None  # text between comparators that is not one
        consumed = match.end()
        op, version = match.group(1) or "", _version(match.group(2))
        if version is None:
            return None
        major, minor, patch = version
        if major is None:  # `*`, `x`: no bound
            continue
        if op in ("", "=", "^", "~", "~>"):
            low, high = max(low, major), min(high, major)
        elif op == ">=":
            low = max(low, major)
        elif op == ">":
            low = max(low, major + 1 if minor is None else major)
        elif op == "<=":
            high = min(high, major)
        elif op == "<":
            high = min(high, major - 1 if not minor and not patch else major)
    if alt[consumed:].strip() or low > high:
        return None
    return low, high
