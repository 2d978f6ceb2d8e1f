"""Legacy API use in source text (rules.md Terms): where, never what.

One matcher for Twilio Functions (FLX601) and local trees (FLX602). It
returns `(line number, pattern)` pairs and never a line's text: the caller
drops the source as soon as this returns, so nothing of it can reach the
inventory, a report, the terminal or an exception.

The patterns are plain, case-sensitive substrings. A match inside a comment
counts (a reviewer decides); `client.conversations.v1`, `'twilio-chat-helper'`
and the like contain none of them.
"""

from __future__ import annotations

from bisect import bisect_right

PATTERNS: tuple[str, ...] = (
    # Programmable Chat REST, through a helper library or by URL
    ".chat.v1", ".chat.v2", ".chat.services(", ".ipMessaging", "chat.twilio.com",
    # the Programmable Chat client SDK as a module name
    "'twilio-chat'", '"twilio-chat"',
    # Proxy
    ".proxy.v1", ".proxy.services(", "proxy.twilio.com",
    # the Flex Flow API
    ".flexFlow", ".flex_flow", "/FlexFlows",
)


def legacy_api_use(text: str) -> list[tuple[int, str]]:
    """(1-based line number, pattern) of every pattern on every line that holds it, by line then
    by the patterns' order; a pattern found twice on one line is listed once."""
    found: set[tuple[int, int]] = set()  # (line, index of the pattern)
    newlines: list[int] | None = None
    for index, pattern in enumerate(PATTERNS):
        at = text.find(pattern)
        if at < 0:
            continue
        if newlines is None:  # only text that holds a pattern pays for the line index
            newlines = _newlines(text)
        while at >= 0:
            found.add((bisect_right(newlines, at) + 1, index))
            at = text.find(pattern, at + 1)
    return [(line, PATTERNS[index]) for line, index in sorted(found)]


def _newlines(text: str) -> list[int]:
    out = []
    at = text.find("\n")
    while at >= 0:
        out.append(at)
        at = text.find("\n", at + 1)
    return out


def describe(path: str, locations) -> list[str]:
    """`path:line (pattern)` for each location (CodeLocation or (line, pattern))."""
    out = []
    for loc in locations:
        line, pattern = (loc.line, loc.pattern) if hasattr(loc, "line") else loc
        out.append(f"{path}:{line} ({pattern})")
    return out
