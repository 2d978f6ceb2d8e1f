"""Command line: parse options, call the pipeline, map every failure to one line and an exit code.

Exit codes (contract): 0 clean, 1 findings at or above --fail-on, 2 usage /
credential / input-file error, 3 scan incomplete, 4 Twilio unreachable, 70 a
bug in flexaudit. When several apply (also across the accounts of a fleet): 2, 4, 1, 3, 0.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import traceback
from datetime import date, datetime, timezone
from pathlib import Path

import click

from flexaudit import __version__
from flexaudit.commands.options import DEMOS, FORMATS, DiffOptions, OutputOptions, PlanOptions, ReportOptions, ScanOptions
from flexaudit.exits import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, Failure
from flexaudit.safe_text import one_line
from flexaudit.settings import CredentialFlags, SettingsError, load_profile, resolve_settings, resolve_target

SEVERITY_NAMES = ("info", "low", "medium", "high", "critical")


class OneLineErrors(click.Group):
    """Every error is one line on stderr, never a traceback.

    Subcommands listed in `lazy_commands` are imported only when used: the
    emulator's server code has no business in a scan's start-up time.
    """

    lazy_commands = {"emulator": "flexaudit.emulator.command:emulator_command"}

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx, cmd_name):
        if cmd_name in self.lazy_commands:
            module, _, name = self.lazy_commands[cmd_name].partition(":")
            return getattr(importlib.import_module(module), name)
        return super().get_command(ctx, cmd_name)

    def main(self, args=None, prog_name=None, **extra):
        extra.pop("standalone_mode", None)
        try:
            rv = super().main(args=args, prog_name=prog_name or "flexaudit", standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            _error(exc.format_message().replace("\n", " ") + hint)
            sys.exit(EXIT_USAGE)
        except click.ClickException as exc:
            _error(exc.format_message().replace("\n", " "))
            sys.exit(exc.exit_code)
        except Failure as exc:
            _error(str(exc))
            sys.exit(exc.code)
        except (click.Abort, KeyboardInterrupt):
            _error("interrupted")
            sys.stdout.flush()
            sys.stderr.flush()
            # Leave now: worker threads blocked in a socket read would hold a normal
            # exit for up to a whole request timeout. Nothing is left half-written
            # that matters: a report file is only opened once the scan is over.
            os._exit(130)
        except Exception as exc:  # noqa: BLE001 - the promise is: no traceback, unless asked for
            if os.environ.get("FLEXAUDIT_DEBUG"):
                traceback.print_exc()
                _error(f"internal error: {exc.__class__.__name__}")
            else:
                _error(f"internal error: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                       "(set FLEXAUDIT_DEBUG=1 for details, and please report it)")
            sys.exit(EXIT_INTERNAL)
        sys.exit(rv if isinstance(rv, int) else 0)


def _error(message: str) -> None:
    # Messages may quote a file's or a server's text: one line, no control sequence.
    click.echo(f"flexaudit: error: {one_line(message)}", err=True)


def _parse_as_of(value: str | None) -> date:
    if value is None:
        return datetime.now(timezone.utc).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Failure("--as-of must be a date in the form YYYY-MM-DD") from None


def _output_options(fn):
    options = [
        click.option("--output-dir", type=click.Path(path_type=Path),
                     help="Where files go (default: reports/<account_sid>-<UTC timestamp>/). Never overwrites."),
        click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
                     help="Report format; repeat for several (default: all four)."),
        click.option("--fail-on", type=click.Choice(SEVERITY_NAMES, case_sensitive=False),
                     help="Exit 1 if an unsuppressed finding is at or above this severity."),
        click.option("--as-of", help="Evaluate dates (end-of-life countdowns) as of YYYY-MM-DD (default: today, UTC)."),
        click.option("--suppressions", type=click.Path(path_type=Path),
                     help="Waivers file (TOML or JSON) with [[suppress]] entries."),
        click.option("--quiet", is_flag=True, help="No terminal summary; errors only."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _output(output_dir, formats, fail_on, as_of, suppressions, quiet) -> OutputOptions:
    return OutputOptions(output_dir=output_dir, formats=tuple(formats) or FORMATS, fail_on=fail_on,
                         as_of=_parse_as_of(as_of), suppressions=suppressions, quiet=quiet)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flexaudit")
def cli():
    """Audit a Twilio Flex account's legacy messaging and plan its move to Flex Conversations."""


@cli.command()
# The TWILIO_* variables are read by settings.resolve_settings, not by click: a named
# --profile replaces them, and only a flag given on the command line wins over it.
@click.option("--account-sid", help="Account to audit (AC…). Env: TWILIO_ACCOUNT_SID.")
@click.option("--auth-token",
              help="Auth token; '-' reads it from standard input. Prefer the environment (TWILIO_AUTH_TOKEN) "
                   "or '-': a value given here shows in `ps` for the whole scan.")
@click.option("--api-key", help="API key SID (SK…) instead of the auth token. Env: TWILIO_API_KEY.")
@click.option("--api-secret",
              help="The API key's secret; '-' reads it from standard input. Prefer the environment "
                   "(TWILIO_API_SECRET) or '-': a value given here shows in `ps`.")
@click.option("--region", help="Twilio region, passed to the SDK. Env: TWILIO_REGION.")
@click.option("--edge", help="Twilio edge, passed to the SDK. Env: TWILIO_EDGE.")
@click.option("--profile", "profile_name", metavar="NAME",
              help="Use the account SID, API key and secret, region and edge of this twilio-cli profile "
                   "(profiles.NAME in $TWILIO_CONFIG_DIR/config.json, default ~/.twilio-cli) instead of the "
                   "TWILIO_* variables; credential flags still win.")
@click.option("--api-base-url", envvar="FLEXAUDIT_API_BASE_URL",
              help="Send every request to URL/<subdomain>/<path> instead of *.twilio.com. Env: FLEXAUDIT_API_BASE_URL.")
@click.option("--demo", type=click.Choice(DEMOS), is_flag=False, flag_value="legacy", default=None,
              help="Scan a bundled demo account through the in-process emulator; no credentials needed. "
                   "--demo (or --demo legacy): a Flex UI 1.x account on legacy messaging; --demo migrated: a "
                   "half-migrated Flex UI 2.x account, with its local code tree scanned as --code.")
@click.option("--all-subaccounts", is_flag=True,
              help="Also scan every active subaccount the credentials own, each as itself, up to 4 at a time: "
                   "one folder per account and flexaudit-fleet.md/.json (default output: reports/fleet-<UTC timestamp>/). "
                   "With --demo: the emulator's bundled fleet.")
@click.option("--concurrency", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Requests in flight at once, per account (the scan shares the account's REST concurrency limit).")
@click.option("--timeout", type=click.FloatRange(1, 600), default=30.0, show_default=True,
              help="Seconds one response may take in all (waiting and reading its body) before it is retried.")
@click.option("--code", "code_dirs", multiple=True, type=click.Path(path_type=Path), metavar="DIR",
              help="Also scan a local source tree (Flex plugin, Functions project) for legacy API use "
                   "(FLX602) and Flex UI 1.x plugins (FLX603); repeat for several. Skips node_modules, .git, "
                   "build, dist, coverage, symbolic links and files over 2 MB.")
@click.option("--no-traffic", is_flag=True,
              help="Skip reading each address's last inbound message date (one Messages request per enabled "
                   "sms/whatsapp address).")
@_output_options
def scan(account_sid, auth_token, api_key, api_secret, region, edge, profile_name, api_base_url, demo,
         all_subaccounts, concurrency, timeout, code_dirs, no_traffic, **output):
    """Scan one account (or --demo, or a fleet with --all-subaccounts), evaluate the rules, write the reports."""
    from flexaudit.scan.code import CodeRootError, code_roots

    try:
        if not demo:
            auth_token, api_secret = _secrets_from_stdin(auth_token, api_secret)
        flags = CredentialFlags(account_sid, auth_token, api_key, api_secret, region, edge)
        if demo:
            # the demo runs on its own in-process emulator: no credentials, its own base URL
            credentials, target = None, resolve_target(region, edge, api_base_url)
        else:
            profile = None if profile_name is None else load_profile(profile_name, os.environ)
            credentials, target = resolve_settings(flags, os.environ, profile, api_base_url)
        if demo == "migrated" and not all_subaccounts:
            from flexaudit.emulator import demo_code_path

            code_dirs = (demo_code_path(), *code_dirs)
        roots = code_roots(code_dirs)
    except (SettingsError, CodeRootError) as exc:
        raise Failure(str(exc)) from None
    options = ScanOptions(credentials=credentials, target=target, concurrency=concurrency, timeout=timeout,
                          output=_output(**output), all_subaccounts=all_subaccounts, demo=demo or "legacy",
                          code_roots=roots, traffic=not no_traffic)
    if all_subaccounts:
        from flexaudit.commands.fleet import run_fleet_command

        return run_fleet_command(options)
    from flexaudit.commands.scan import run_scan_command

    return run_scan_command(options)


def _secrets_from_stdin(auth_token: str | None, api_secret: str | None) -> tuple[str | None, str | None]:
    """A secret given as '-' is read from standard input (its first line, stripped): it then never
    shows in `ps`, as a flag's value does."""
    if auth_token == "-" and api_secret == "-":
        raise SettingsError("only one of --auth-token and --api-secret can be read from standard input ('-')")
    if "-" not in (auth_token, api_secret):
        return auth_token, api_secret
    name = "--auth-token" if auth_token == "-" else "--api-secret"
    line = click.get_text_stream("stdin").readline(4096).strip()
    if not line:
        raise SettingsError(f"{name} - reads the secret from standard input, which was empty")
    return (line, api_secret) if auth_token == "-" else (auth_token, line)


@cli.command()
@click.argument("snapshot_path", metavar="SNAPSHOT.json", type=click.Path(path_type=Path))
@_output_options
def report(snapshot_path, **output):
    """Re-run the rules and render reports from a saved inventory, offline."""
    from flexaudit.commands.report import run_report_command

    return run_report_command(ReportOptions(snapshot=snapshot_path, output=_output(**output)))


@cli.command()
@click.argument("before", metavar="BEFORE", type=click.Path(path_type=Path))
@click.argument("after", metavar="AFTER", type=click.Path(path_type=Path))
@click.option("--output-dir", type=click.Path(path_type=Path),
              help="Where files go (default: reports/<account_sid>-diff-<BEFORE stamp>-<AFTER stamp>/). Never overwrites.")
@click.option("--format", "formats", multiple=True, type=click.Choice(("md", "json")),
              help="md (flexaudit-diff.md) or json (flexaudit-diff.json); repeat for both (default: both).")
@click.option("--as-of", help="Evaluate both scans as of YYYY-MM-DD (default: AFTER's scan date).")
@click.option("--suppressions", type=click.Path(path_type=Path),
              help="Waivers file (TOML or JSON), applied to both scans alike.")
@click.option("--fail-on-new", type=click.Choice(SEVERITY_NAMES, case_sensitive=False),
              help="Exit 1 if a new unsuppressed finding is at or above this severity, or any address is lost "
                   "(a lost address counts as critical).")
@click.option("--quiet", is_flag=True, help="No terminal summary; errors only.")
def diff(before, after, output_dir, formats, as_of, suppressions, fail_on_new, quiet):
    """Migration progress between two scans of one account, offline.

    BEFORE and AFTER are flexaudit-inventory.json files, or the directories of two scans.
    """
    from flexaudit.commands.diff import run_diff_command

    return run_diff_command(DiffOptions(
        before=before, after=after, output_dir=output_dir, formats=tuple(dict.fromkeys(formats)) or ("md", "json"),
        as_of=_parse_as_of(as_of) if as_of else None, suppressions=suppressions,
        fail_on_new=fail_on_new.lower() if fail_on_new else None, quiet=quiet))


@cli.command()
@click.argument("snapshot_path", metavar="SNAPSHOT.json", type=click.Path(path_type=Path))
@click.option("--address", "addresses", multiple=True, metavar="FO…",
              help="Plan the number of this Flex Flow (repeatable). Default: every number whose enabled sms and "
                   "whatsapp flows are all ready.")
@click.option("--output-dir", type=click.Path(path_type=Path),
              help="Where files go (default: reports/<account_sid>-plan-<scan stamp>/). Never overwrites.")
@click.option("--ignore-account-blockers", is_flag=True,
              help="Plan even while an account-wide blocker (FLX401: Flex UI 1.x) stands.")
@click.option("--quiet", is_flag=True, help="Errors only.")
def plan(snapshot_path, addresses, output_dir, ignore_account_blockers, quiet):
    """Per-number migrate and rollback scripts and PLAN.md, written for review; flexaudit never runs them.

    SNAPSHOT.json is a flexaudit-inventory.json, or the directory of a scan. Offline: no request is sent.
    """
    from flexaudit.commands.plan import run_plan_command

    return run_plan_command(PlanOptions(
        snapshot=snapshot_path, addresses=tuple(dict.fromkeys(addresses)), output_dir=output_dir,
        ignore_account_blockers=ignore_account_blockers, quiet=quiet))


@cli.command()
@click.argument("rule_ids", nargs=-1, metavar="[ID]...")
@click.option("--severity", type=click.Choice(SEVERITY_NAMES, case_sensitive=False),
              help="Only the rules of this default severity (FLX301's grows with the date).")
@click.option("--format", "fmt", type=click.Choice(("md", "json")), default="md", show_default=True)
def rules(rule_ids, severity, fmt):
    """The rule catalog, or just the rules named (FLX101 …): id, severity, title, rationale, fix.

    On a terminal, output longer than the screen goes through a pager ($PAGER, else less).
    """
    from flexaudit.rules.catalog import render_json, render_markdown, select_rules

    try:
        chosen = select_rules(rule_ids, severity.lower() if severity else None)
    except KeyError as exc:
        raise Failure(f"unknown rule id {exc.args[0]} (see `flexaudit rules`)") from None
    everything = not rule_ids and severity is None
    if fmt == "json":
        text = render_json(None if everything else chosen)
    else:
        text = render_markdown(for_file=False, rules=None if everything else chosen)
    if sys.stdout.isatty() and text.count("\n") >= shutil.get_terminal_size().lines:
        click.echo_via_pager(text)
    else:
        click.echo(text, nl=False)
    return EXIT_OK


def main(argv=None):
    """The console script (and `python -m flexaudit`)."""
    try:
        cli.main(args=argv)
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            # `flexaudit rules | head`: the reader left. As Python's documentation advises,
            # point stdout at /dev/null so the interpreter's own flush at exit stays quiet.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
