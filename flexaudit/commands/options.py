"""One options object per command, built by cli.py from the flags and validated there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flexaudit.scan.interface import CodeRoot
from flexaudit.settings import Credentials, Target

FORMATS = ("md", "html", "json", "csv")
# The bundled demo accounts of `scan --demo [NAME]`: legacy (Flex UI 1.x, the default) and migrated.
DEMOS = ("legacy", "migrated")


@dataclass(frozen=True)
class OutputOptions:
    """What `scan` and `report` share: where the files go and what decides the exit code."""

    output_dir: Path | None  # None: reports/<account_sid>-<UTC stamp>/
    formats: tuple[str, ...]
    fail_on: str | None
    as_of: date
    suppressions: Path | None
    quiet: bool


@dataclass(frozen=True)
class ScanOptions:
    credentials: Credentials | None  # None: --demo, the bundled account on the in-process emulator
    target: Target
    concurrency: int
    timeout: float
    output: OutputOptions
    # the credentials' account and every active subaccount it owns (commands/fleet.py)
    all_subaccounts: bool = False
    demo: str = "legacy"  # which bundled account, when credentials is None
    code_roots: tuple[CodeRoot, ...] = ()  # --code, checked
    traffic: bool = True  # read each address's last inbound message date (off: --no-traffic)


@dataclass(frozen=True)
class ReportOptions:
    snapshot: Path
    output: OutputOptions


@dataclass(frozen=True)
class DiffOptions:
    before: Path  # a flexaudit-inventory.json, or a directory holding one
    after: Path
    output_dir: Path | None  # None: reports/<account_sid>-diff-<BEFORE stamp>-<AFTER stamp>/
    formats: tuple[str, ...]  # md, json
    as_of: date | None  # None: AFTER's scan date
    suppressions: Path | None
    fail_on_new: str | None
    quiet: bool


@dataclass(frozen=True)
class PlanOptions:
    snapshot: Path  # a flexaudit-inventory.json, or a directory holding one
    addresses: tuple[str, ...]  # --address FO…: those flows' numbers; none: every ready number
    output_dir: Path | None  # None: reports/<account_sid>-plan-<scan stamp>/
    ignore_account_blockers: bool
    quiet: bool
