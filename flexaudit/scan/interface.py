"""What every family scanner is given and what it returns.

A scanner is `scan(ctx, needed) -> Scanned`: `ctx` carries the SDK client and
the pools to overlap requests on, `needed` the values of the families its row
in `families.py` says it needs first (None for a family that could not be
read). It returns the value of its Inventory field(s) and, when it could read
only part of what it should, the error that makes its family incomplete. A
scanner that cannot read its family at all raises; the orchestrator records
the error.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Callable, Mapping

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from flexaudit.api.transport import ApiUnreachable
from flexaudit.model.inventory import FamilyCoverage


@dataclass(frozen=True)
class FamilyProgress:
    """What the orchestrator tells the progress callback: a family started or finished reading.
    (Scanners tell it notes, as text.)"""

    family: str
    finished: bool


@dataclass
class ScanContext:
    client: Client
    account_sid: str
    # Only for leaf requests that never wait on other pool work (fetch one flow,
    # list one pool's numbers): waiting inside the pool could deadlock it.
    fanout: Executor
    progress: Callable[[str | FamilyProgress], None]

    def fetch_all(self, fn, items):
        """fn(item) for every item, concurrently; results in item order."""
        return list(self.fanout.map(fn, items))


# family -> its value, or None when that family could not be read
Needed = Mapping[str, object]


@dataclass(frozen=True)
class Scanned:
    """A family's value (a tuple when it fills several Inventory fields) and whether it is whole."""

    value: object
    error: str | None = None  # what could not be read; None: the family is complete
    note: str | None = None  # what a reader of the coverage should know besides (shown in the reports)

    @property
    def coverage(self) -> FamilyCoverage:
        return FamilyCoverage(self.error is None, self.error, self.note)


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
