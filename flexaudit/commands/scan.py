"""`flexaudit scan`: credentials → SDK client → scanners → Inventory → reports."""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime, timezone

import click

from flexaudit.api.transport import GuardedHttpClient, make_client
from flexaudit.commands import pipeline
from flexaudit.commands.options import ScanOptions
from flexaudit.exits import EXIT_UNREACHABLE, Failure
from flexaudit.model.inventory import Inventory
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
                             concurrency=options.concurrency, progress=progress, code_roots=options.code_roots)
    except CredentialsRejected as exc:
        raise Failure(str(exc)) from None
    if http.stats.requests and http.stats.connection_errors == http.stats.requests:
        # Not one answer, from any family: there is nothing to report on.
        cause = next((c.error for c in inventory.coverage.values() if c.error), "no answer")
        raise Failure(f"Twilio could not be reached: {cause}", EXIT_UNREACHABLE)
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
        return lambda _msg: None

    def show(message):
        if message is None:
            click.echo("\r\033[K", nl=False, err=True)
        else:
            click.echo(f"\r\033[Kscanning… {message[:100]}", nl=False, err=True)

    return show
