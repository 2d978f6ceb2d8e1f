"""Scanning an emulator as flexaudit does: the CLI in-process, or the SDK over flexaudit's transport."""

from __future__ import annotations

from flexaudit.api.transport import GuardedHttpClient, make_client
from flexaudit.emulator import Emulator
from flexaudit.settings import Credentials, Target


def cli_scan(emulator: Emulator, out, *extra):
    """`flexaudit scan` in-process against an emulator, JSON report only, as of the demo's day."""
    from click.testing import CliRunner

    from flexaudit.cli import cli

    return CliRunner().invoke(cli, ["scan", "--account-sid", emulator.account_sid, "--auth-token", emulator.auth_token,
                                    "--api-base-url", emulator.base_url, "--as-of", "2026-11-21", "--quiet",
                                    "--format", "json", "--output-dir", str(out), *extra])


def flexaudit_client(emulator: Emulator, token: str | None = None, **http_options):
    """The real Twilio SDK over flexaudit's own transport, aimed at an emulator: (client, transport)."""
    http = GuardedHttpClient(api_base_url=emulator.base_url, **http_options)
    creds = Credentials(emulator.account_sid, emulator.account_sid, token or emulator.auth_token)
    return make_client(creds, Target(api_base_url=emulator.base_url), http), http
