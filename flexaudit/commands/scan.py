"""`flexaudit scan`: credentials → SDK client → scanners → Inventory → reports."""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime, timezone

import click

from flexaudit.api.transport import GuardedHttpClient, make_client
from flexaudit.commands.prepare import load_suppressions, prepare_output_dir
from flexaudit.exits import Failure
from flexaudit.output import default_output_dir
from flexaudit.scan.orchestrator import CredentialsRejected, run_scan
from flexaudit.settings import Credentials, SettingsError, Target, resolve_credentials, resolve_target


def run_scan_command(*, account_sid, auth_token, api_key, api_secret, region, edge, api_base_url, demo,
                     concurrency, timeout, output_dir, formats, fail_on, as_of, suppressions, quiet) -> int:
    started = datetime.now(timezone.utc)
    waivers = load_suppressions(suppressions)
    with _target(demo, account_sid, auth_token, api_key, api_secret, region, edge, api_base_url) as (creds, target):
        out_dir = output_dir or default_output_dir(creds.account_sid, started)
        prepare_output_dir(out_dir, formats, with_inventory=True)
        http = GuardedHttpClient(api_base_url=target.api_base_url, concurrency=concurrency, timeout=timeout)
        client = make_client(creds, target, http)
        progress = _progress_printer(quiet)
        try:
            inventory = run_scan(client, creds.account_sid, fanout_workers=2 * concurrency, progress=progress,
                                 while_waiting=_load_reporting)
        except CredentialsRejected as exc:
            raise Failure(str(exc)) from None
        finally:
            progress(None)
    from flexaudit.commands.finish import finish

    return finish(inventory, as_of=as_of, waivers=waivers, out_dir=out_dir, formats=formats, fail_on=fail_on,
                  quiet=quiet, write_inventory=True)


def _load_reporting() -> None:
    """Import the rules and the renderers and compile the templates (about 0.1 s of CPU).

    The scan needs none of it until its last answer, so it is not loaded before
    the first request, but while the chat chain runs alone (run_scan's while_waiting).
    """
    from flexaudit.commands import finish  # noqa: F401
    from flexaudit.report import RENDERERS  # noqa: F401


@contextlib.contextmanager
def _target(demo, account_sid, auth_token, api_key, api_secret, region, edge, api_base_url):
    if not demo:
        try:
            creds = resolve_credentials(account_sid, auth_token, api_key, api_secret)
            target = resolve_target(region, edge, api_base_url)
        except SettingsError as exc:
            raise Failure(str(exc)) from None
        yield creds, target
        return
    # The demo account is served in-process on loopback and scanned through the
    # very same client and scanners as a live account.
    from flexaudit.emulator import Emulator, demo_scenario_path, load_scenario

    with Emulator(load_scenario(demo_scenario_path()), port=0) as emulator:
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
