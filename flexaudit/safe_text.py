"""Account text made safe to show: on one line, without control characters, without backticks.

Every value that comes from an account (a name, an identity, a server's error
text) goes through `one_line` before a renderer escapes it for where it goes,
so it can neither break a table row nor smuggle terminal escape sequences or
bidi overrides into a report. `prose` is the stricter form for the messages
and steps flexaudit writes itself, where backticks mark commands.
"""

from __future__ import annotations

import re

# C0/C1 controls (but tab/newline, handled separately), DEL, and the Unicode
# bidirectional overrides/isolates ("Trojan Source"): never shown as they are.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\t\u2028\u2029\x85]")


def one_line(value: object) -> str:
    """Account text made safe to show on one line: breaks become spaces, controls become U+FFFD.

    Every renderer passes account values (names, messages, identities) through
    this before its own escaping, so a value can neither break a table row nor
    smuggle terminal escape sequences or bidi overrides into a report.
    """
    if value is None:
        return ""
    text = str(value)
    # Every character either pattern matches is unprintable, so printable text
    # (nearly all of it) needs neither substitution; the exact-str check keeps
    # the result a plain str, as the substitutions make it, even when __str__
    # returns a subclass such as Markup.
    if type(text) is str and text.isprintable():
        return text
    text = _LINE_BREAKS.sub(" ", text)
    return _CONTROL.sub("\ufffd", text)


def clipped(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, an ellipsis marking a cut (for values quoted in messages)."""
    return text if len(text) <= limit else text[:max(limit - 1, 0)] + "…"


def clip(value: object, limit: int) -> str:
    """Account text on one line, cut to `limit` characters (an ellipsis says so)."""
    return clipped(one_line(value), limit)


def shown(value: object) -> str:
    """A value from a file the user handed in, short, for a one-line error (its repr, cut)."""
    return clipped(repr(value), 40)


def prose(value: object, default: str = "", limit: int | None = None) -> str:
    """A text for flexaudit's own sentences: `one_line`, no backticks (so no value from
    the account can open a code span), runs of white space folded; non-text is empty."""
    text = " ".join(one_line(value if isinstance(value, str) else "").replace("`", "'").split())
    if limit is not None:
        text = text[:limit]
    return text or default
