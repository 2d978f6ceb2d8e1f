"""How a failed read is told in the coverage, FLX901 and the terminal: one line, no credential.

A server's own words (an error message, a link it named) are made safe to
show here, before any report or terminal line repeats them.
"""

from __future__ import annotations

from twilio.base.exceptions import TwilioRestException, TwilioServiceException

from flexaudit.api.errors import ReadFailed
from flexaudit.safe_text import one_line


def describe_error(exc: BaseException, family: str | None = None) -> str:
    """One line for coverage and FLX901; carries no credential (none is ever in these)."""
    if isinstance(exc, TwilioRestException):
        code = f", Twilio error {exc.code}" if exc.code else ""
        msg = one_line((exc.msg or "").strip().splitlines()[0])[:200] if exc.msg and exc.msg.strip() else ""
        line = f"HTTP {exc.status}{code}: {msg}" if msg else f"HTTP {exc.status}{code}"
        if exc.status == 401 and family == "account":
            line += " (a Standard API key cannot read the Account resource; the other families do not need it)"
        return line
    if isinstance(exc, TwilioServiceException):  # an RFC 9457 error body: every field is the server's
        what = one_line(exc.detail or exc.title or "")[:200]
        return f"HTTP {one_line(exc.status)[:8]}, Twilio error {one_line(exc.code)[:12]}" + (f": {what}" if what else "")
    if isinstance(exc, ReadFailed):  # unreachable, a refused link or answer, a cut list
        return one_line(exc)
    if isinstance(exc, RecursionError):
        return "an answer nested too deeply to read"
    return f"unexpected {exc.__class__.__name__}: {one_line(exc)[:200]}"
