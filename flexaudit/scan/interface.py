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
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

from flexaudit.model.inventory import FamilyCoverage

if TYPE_CHECKING:  # the CLI reads CodeRoot at start-up: no need to load the SDK for it
    from twilio.rest import Client


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
    # Local source trees to read (--code): the one family that reads the disk, not the API.
    code_roots: tuple["CodeRoot", ...] = ()

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
    # A complete family that holds nothing on purpose says why ("not requested (--no-traffic)")
    note: str | None = None

    @property
    def coverage(self) -> FamilyCoverage:
        return FamilyCoverage(self.error is None, self.error, self.note)


@dataclass(frozen=True)
class CodeRoot:
    """A --code directory and the label its files' paths carry ("" when it is the only one)."""

    path: Path
    label: str
    prefix: str = ""  # put before every path found under it: "<label>/" when several roots are scanned

