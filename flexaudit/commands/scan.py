"""`flexaudit scan`: credentials → SDK client → scanners → Inventory → reports."""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime, timezone

import click

from flexaudit.api.transport import GuardedHttpClient, make_client
from flexaudit.commands import pipeline
from flexaudit.commands.options import ScanOptions
from flexaudit.exits import Failure
from flexaudit.scan.orchestrator import CredentialsRejected, run_scan
from flexaudit.settings import Credentials, Target


def run_scan_command(options: ScanOptions) -> int:
    started = datetime.now(timezone.utc)
    waivers = pipeline.load_waivers(options.output.suppressions)
    with _account(options) as (creds, target):
        out_dir = pipeline.output_dir(options.output, creds.account_sid, started, with_inventory=True)
        http = GuardedHttpClient(api_base_url=target.api_base_url, concurrency=options.concurrency,
                                 timeout=options.timeout)
        progress = _progress_printer(options.output.quiet)
        try:
            inventory = run_scan(make_client(creds, target, http), creds.account_sid,
                                 concurrency=options.concurrency, progress=progress, code_roots=options.code_roots)
        except CredentialsRejected as exc:
            raise Failure(str(exc)) from None
        finally:
            progress(None)
    return pipeline.finish(inventory, options.output, out_dir, waivers, write_inventory=True)


@contextlib.contextmanager
def _account(options: ScanOptions):
    """The credentials and target to scan: the user's, or the demo account's."""
    if options.credentials is not None:
        yield options.credentials, options.target
        return
    # The demo account is served in-process on loopback and scanned through the
    # very same client and scanners as a live account.
    from flexaudit.emulator import Emulator, bundled_scenario_path, demo_scenario_path, load_scenario

    scenario = demo_scenario_path() if options.demo == "legacy" else bundled_scenario_path("demo-migrated")
    with Emulator(load_scenario(scenario), port=0) as emulator:
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
