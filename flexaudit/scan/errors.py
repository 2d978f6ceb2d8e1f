"""How a failed read is told in the coverage, FLX901 and the terminal: one line, no credential."""

from __future__ import annotations

from twilio.base.exceptions import TwilioRestException

from flexaudit.api.transport import ApiUnreachable


def describe_error(exc: BaseException, family: str | None = None) -> str:
    """One line for coverage and FLX901; carries no credential (none is ever in these)."""
    if isinstance(exc, TwilioRestException):
        code = f", Twilio error {exc.code}" if exc.code else ""
        msg = (exc.msg or "").strip().splitlines()[0] if exc.msg else ""
        line = f"HTTP {exc.status}{code}: {msg}" if msg else f"HTTP {exc.status}{code}"
        if exc.status == 401 and family == "account":
            line += " (a Standard API key cannot read the Account resource; the other families do not need it)"
        return line
    if isinstance(exc, ApiUnreachable):
        return str(exc)
    return f"unexpected {exc.__class__.__name__}: {str(exc)[:200]}"
