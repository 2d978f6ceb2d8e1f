"""`flexaudit scan`: credentials → SDK client → scanners → Inventory → reports."""

from __future__ import annotations

import contextlib
import shutil
import sys
import threading
import time
from datetime import datetime, timezone

import click

from flexaudit.api.transport import GuardedHttpClient, make_client
from flexaudit.commands import pipeline
from flexaudit.commands.options import ScanOptions
from flexaudit.exits import EXIT_UNREACHABLE, Failure
from flexaudit.model.inventory import Inventory
from flexaudit.safe_text import one_line
from flexaudit.scan.interface import FamilyProgress
from flexaudit.scan.messages import NO_TRAFFIC_NOTE
from flexaudit.scan.orchestrator import CredentialsRejected, run_scan
from flexaudit.settings import Credentials, Target


# `scan --demo NAME` -> the bundled scenario it scans
DEMO_SCENARIOS = {"legacy": "demo", "migrated": "demo-migrated"}


def run_scan_command(options: ScanOptions) -> int:
    started = datetime.now(timezone.utc)
    waivers = pipeline.load_waivers(options.output.suppressions)
    with account_to_scan(options, DEMO_SCENARIOS[options.demo]) as (creds, target):
        out_dir = pipeline.output_dir(options.output, creds.account_sid, started, with_inventory=True)
        progress = _progress_printer(options.output.quiet)
        try:
            inventory = scan_inventory(creds, target, options, progress)
        finally:
            progress(None)
    return pipeline.finish(inventory, options.output, out_dir, waivers, write_inventory=True)


def scan_inventory(creds: Credentials, target: Target, options: ScanOptions, progress) -> Inventory:
    """One account read into its Inventory, through its own transport (its own --concurrency).

    Raises Failure: credentials rejected (exit 2), or no answer from the API at
    all (exit 4; nothing is written then). A family that could not be read is
    not a failure: the Inventory's coverage says so.
    """
    http = GuardedHttpClient(api_base_url=target.api_base_url, concurrency=options.concurrency,
                             timeout=options.timeout)
    try:
        inventory = run_scan(make_client(creds, target, http), creds.account_sid,
                             concurrency=options.concurrency, progress=progress, code_roots=options.code_roots,
                             not_requested=None if options.traffic else {"messages": NO_TRAFFIC_NOTE})
    except CredentialsRejected as exc:
        raise Failure(str(exc)) from None
    unreachable = http.unreachable()
    if unreachable is not None:
        # Not one answer, from any family: there is nothing to report on.
        raise Failure(f"{unreachable.sentence}; nothing was scanned and no file was written", EXIT_UNREACHABLE)
    return inventory


@contextlib.contextmanager
def account_to_scan(options: ScanOptions, demo_scenario: str):
    """The credentials and target to scan: the user's, or (--demo) those of a bundled scenario's account."""
    if options.credentials is not None:
        yield options.credentials, options.target
        return
    # The demo account is served in-process on loopback and scanned through the
    # very same client and scanners as a live account.
    from flexaudit.emulator import Emulator, bundled_scenario_path, load_scenario

    with Emulator(load_scenario(bundled_scenario_path(demo_scenario)), port=0) as emulator:
        creds = Credentials(emulator.account_sid, emulator.account_sid, emulator.auth_token, "auth_token")
        yield creds, Target(api_base_url=emulator.base_url)


def _progress_printer(quiet: bool):
    """A single self-rewriting status line on stderr, only when a person is watching it."""
    if quiet or not sys.stderr.isatty():
        return lambda _event: None
    return ProgressLine(lambda text: click.echo(text, nl=False, err=True))


class ProgressLine:
    """`scanning… 4.2 s · reading chat, messages · chat service IS…: 3000 channels so far`.

    Fed by the orchestrator's progress callback: FamilyProgress events keep the set of
    families still being read, text is the latest note; None clears the line. The line
    is cut to the terminal's width, so it never wraps (a wrapped line cannot be rewritten).
    """

    def __init__(self, write, clock=time.monotonic, width=lambda: shutil.get_terminal_size().columns):
        self._write, self._clock, self._width = write, clock, width
        self._started = clock()
        self._running: dict[str, None] = {}  # in start order
        self._note = ""
        self._lock = threading.Lock()

    def __call__(self, event) -> None:
        with self._lock:
            if event is None:
                self._write("\r\033[K")
                return
            if isinstance(event, FamilyProgress):
                if event.finished:
                    self._running.pop(event.family, None)
                else:
                    self._running[event.family] = None
            else:
                self._note = one_line(event)
            self._write("\r\033[K" + self.line())

    def line(self) -> str:
        parts = [f"scanning… {self._clock() - self._started:.1f} s"]
        if self._running:
            parts.append("reading " + ", ".join(self._running))
        if self._note:
            parts.append(self._note)
        text = " · ".join(parts)
        width = max(20, self._width() - 1)  # the last column would wrap in some terminals
        return text if len(text) <= width else text[: width - 1] + "…"
