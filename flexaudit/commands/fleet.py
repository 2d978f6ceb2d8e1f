"""`flexaudit scan --all-subaccounts`: the credentials' account and every active subaccount, each as itself.

In order: the output folder is checked; the accounts the credentials own are
listed (`GET /2010-04-01/Accounts.json`); each account's own folder is
checked; then up to four accounts are scanned at a time, each through the
single-account pipeline (its own transport and `--concurrency`: the REST
concurrency limit is per account) into `<output-dir>/<account_sid>/`; last,
`flexaudit-fleet.md` and `flexaudit-fleet.json` sum them up.

The parent is read with the credentials given. A subaccount is read with its
own SID and the `auth_token` the listing returned (facts §11.4: v1 APIs
authenticate as the subaccount): that token lives on the ListedAccount and in
the subaccount's transport, and is never shown or written. Suspended and
closed accounts are listed, not scanned. One account's failure is its row's
error and never stops the others; the exit code is the first of 2, 4, 1, 3, 0
that any account produced.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import click
from twilio.base.exceptions import TwilioRestException

from flexaudit import __version__
from flexaudit.api.errors import ApiUnreachable
from flexaudit.api.transport import GuardedHttpClient, make_client
from flexaudit.commands import pipeline
from flexaudit.commands.account_lines import AccountLines
from flexaudit.commands.options import ScanOptions
from flexaudit.commands.scan import account_to_scan, scan_inventory
from flexaudit.exits import EXIT_INCOMPLETE, EXIT_INTERNAL, EXIT_UNREACHABLE, EXIT_USAGE, Failure, first_exit_code
from flexaudit.report.fleet import FLEET_FILES, FleetAccount, FleetReport, scanned_account
from flexaudit.report.write import OutputError, REPORT_FILES, check_writable, default_output_dir, planned_files
from flexaudit.safe_text import one_line
from flexaudit.scan.orchestrator import describe_error
from flexaudit.scan.subaccounts import ListedAccount, list_accounts
from flexaudit.settings import Credentials, SettingsError, Target, resolve_credentials

ACCOUNTS_AT_ONCE = 4


@dataclass(frozen=True)
class _Planned:
    """One listed account and how it is scanned: its credentials, or why it is not."""

    listed: ListedAccount
    credentials: Credentials | None  # None: not scanned
    problem: str | None = None  # an active account that cannot be scanned (exit 2)


def run_fleet_command(options: ScanOptions) -> int:
    started = datetime.now(timezone.utc)
    waivers = pipeline.load_waivers(options.output.suppressions)
    with account_to_scan(options, "fleet") as (creds, target):
        root = _checked_root(options, started)
        listed, listing_error = _list(creds, target, options)
        planned = _plan(creds, listed)
        _check_account_folders(root, planned, options)
        pipeline.load_audit_and_renderers()
        lines = AccountLines(sys.stderr if not options.output.quiet and sys.stderr.isatty() else None)
        pool = ThreadPoolExecutor(max_workers=ACCOUNTS_AT_ONCE, thread_name_prefix="account")
        try:
            futures = [pool.submit(_scan_one, entry, target, options, waivers, root, lines) for entry in planned]
            accounts = [future.result() for future in futures]
        except BaseException:
            # Ctrl-C: leave at once; requests still in flight may each take a full timeout.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            lines.close()
        pool.shutdown()

    codes = [a.exit_code for a in accounts if a.exit_code is not None]
    if listing_error:
        codes.append(EXIT_INCOMPLETE)
    fleet = FleetReport(scanned_at=started.strftime("%Y-%m-%dT%H:%M:%SZ"), as_of=options.output.as_of,
                        parent=creds.account_sid, accounts=tuple(accounts), exit_code=first_exit_code(codes),
                        tool_version=__version__, listing_error=listing_error)
    written = _write_fleet(fleet, root)
    for account in fleet.with_errors:
        click.echo(f"flexaudit: account {account.sid} ({one_line(account.friendly_name) or 'name unknown'}): "
                   f"{one_line(account.error)}", err=True)
    if not options.output.quiet:
        from flexaudit.report.fleet import render_fleet_terminal

        click.echo(render_fleet_terminal(fleet, written), nl=False)
    return fleet.exit_code


def _checked_root(options: ScanOptions, started: datetime) -> Path:
    """The fleet's folder, checked before the first request: usable, and no fleet file of an earlier run in it."""
    root = options.output.output_dir or default_output_dir("fleet", started)
    try:
        check_writable(root, list(FLEET_FILES.values()))
    except OutputError as exc:
        raise Failure(str(exc)) from None
    return root


def _list(creds: Credentials, target: Target, options: ScanOptions) -> tuple[list[ListedAccount], str | None]:
    """The accounts the credentials own, and why they could not be listed (then: the parent alone).

    Only an API that does not answer at all stops the run (exit 4). Any other
    failure (401 for a Standard API key, which cannot read /Accounts; 403; 5xx)
    still scans the parent with its own credentials, which says whether they work.
    """
    http = GuardedHttpClient(api_base_url=target.api_base_url, concurrency=1, timeout=options.timeout)
    try:
        return list_accounts(make_client(creds, target, http)), None
    except ApiUnreachable as exc:
        raise Failure(f"{exc.sentence}; nothing was scanned and no file was written", EXIT_UNREACHABLE) from None
    except TwilioRestException as exc:
        error = describe_error(exc)
        if exc.status in (401, 403):
            error += " (a Standard API key cannot list accounts: use the auth token or a Main key)"
        return [], error


def _plan(creds: Credentials, listed: list[ListedAccount]) -> list[_Planned]:
    """The parent first (with the credentials given), then every other listed account in the listing's order."""
    parent = next((a for a in listed if a.sid == creds.account_sid), None)
    planned = [_Planned(ListedAccount(creds.account_sid, parent.friendly_name if parent else None,
                                      parent.status if parent else "active"), creds)]
    for account in listed:
        if account.sid == creds.account_sid:
            continue
        if not account.well_formed:
            planned.append(_Planned(account, None, "not scanned: the listing gave a malformed account SID"))
        elif not account.active:
            planned.append(_Planned(account, None))
        else:
            try:
                planned.append(_Planned(account, resolve_credentials(account.sid, account.auth_token, None, None)))
            except SettingsError as exc:  # says what is wrong with the token, never the token
                planned.append(_Planned(account, None, f"the listing gave no usable auth token: {exc}"))
    return planned


def _check_account_folders(root: Path, planned: list[_Planned], options: ScanOptions) -> None:
    """Every account's folder, checked before the first account is scanned: no file of an earlier run in it."""
    names = planned_files(options.output.formats, with_inventory=True)
    for entry in planned:
        if entry.credentials is not None:
            try:
                check_writable(root / entry.listed.sid, names)
            except OutputError as exc:
                raise Failure(str(exc)) from None


def _scan_one(entry: _Planned, target: Target, options: ScanOptions, waivers, root: Path,
              lines: AccountLines) -> FleetAccount:
    """One account through the single-account pipeline; whatever goes wrong becomes its row's error."""
    listed = entry.listed
    if entry.credentials is None:
        scanned = entry.problem is not None and listed.well_formed and listed.active
        return FleetAccount(listed.sid, listed.friendly_name, listed.status, scanned,
                            EXIT_USAGE if scanned else None, error=entry.problem)
    lines.start(listed.sid, listed.friendly_name)
    report, error, code, report_file = None, None, None, None
    try:
        inventory = scan_inventory(entry.credentials, target, options, lambda msg: lines.update(listed.sid, msg))
        report = pipeline.audit(inventory, options.output.as_of, waivers)
        pipeline.write(report, inventory, root / listed.sid, options.output.formats)
        report_file = f"{listed.sid}/{REPORT_FILES[_main_format(options.output.formats)]}"
        code = pipeline.exit_code(report, options.output.fail_on)
        if report.coverage_gaps:
            error = f"scan incomplete: could not read {', '.join(c.family for c in report.coverage_gaps)}"
    except Failure as exc:
        code, error = exc.code, str(exc)
    except Exception as exc:  # noqa: BLE001 - a bug met in one account must not cost the others
        if os.environ.get("FLEXAUDIT_DEBUG"):
            raise
        code = EXIT_INTERNAL
        error = f"internal error: {exc.__class__.__name__} (set FLEXAUDIT_DEBUG=1 for details, and please report it)"
    finally:
        lines.finish(listed.sid, f"exit {code}" + (f", {error}" if error else ""))
    return scanned_account(listed.sid, listed.friendly_name, listed.status, code, report, error, report_file)


def _main_format(formats) -> str:
    """The report a fleet row links to: Markdown when written, else the first format asked for."""
    return "md" if "md" in formats else formats[0]


def _write_fleet(fleet: FleetReport, root: Path) -> list[Path]:
    from flexaudit.report.fleet import render_fleet_json, render_fleet_markdown
    from flexaudit.report.write import write_texts

    try:
        return write_texts(root, [(FLEET_FILES["md"], lambda: render_fleet_markdown(fleet)),
                                  (FLEET_FILES["json"], lambda: render_fleet_json(fleet))])
    except OSError as exc:
        raise pipeline.write_failure(exc, root) from None
