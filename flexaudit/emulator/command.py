"""`flexaudit emulator`: serve a scenario over HTTP until Ctrl-C."""

from __future__ import annotations

import signal
import threading
import time

import click

from flexaudit.exits import Failure

from flexaudit.emulator.routes import FAMILIES
from flexaudit.emulator.scenario import BUNDLED_SCENARIOS, ScenarioError, bundled_scenario_path, load_scenario
from flexaudit.emulator.server import Emulator


def _parse_deny(ctx, param, values: tuple[str, ...]) -> dict[str, int]:
    denied = {}
    for value in values:
        family, sep, status = value.partition("=")
        if not sep or family not in FAMILIES or not status.isdigit() or not 400 <= int(status) <= 599:
            raise click.BadParameter(
                f"{value!r}: expected FAMILY=STATUS with STATUS 400-599 and FAMILY one of {', '.join(FAMILIES)}")
        denied[family] = int(status)
    return denied


def _family_values(kind, check: str):
    """A click callback for repeatable FAMILY=VALUE options; kind converts VALUE."""
    def parse(ctx, param, values: tuple[str, ...]) -> dict:
        found = {}
        for value in values:
            family, sep, raw = value.partition("=")
            try:
                if not sep or family not in FAMILIES:
                    raise ValueError
                found[family] = kind(raw)
            except ValueError:
                raise click.BadParameter(
                    f"{value!r}: expected FAMILY={check} with FAMILY one of {', '.join(FAMILIES)}") from None
        return found
    return parse


def _text(raw: str) -> str:
    if not raw:
        raise ValueError
    return raw


def _positive_number(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError
    return value


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError
    return value


def _stop_on_sigterm() -> None:
    def interrupt(signum, frame):
        raise KeyboardInterrupt
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


@click.command("emulator")
@click.option("--scenario", "scenario_name", default="demo", show_default=True, metavar="demo|demo-migrated|fleet|PATH",
              help="A bundled scenario (demo: the demo account; demo-migrated: the half-migrated demo account; "
                   "fleet: a parent with five subaccounts), or a scenario JSON file (flexaudit/emulator/SCENARIOS.md).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one.")
@click.option("--latency-ms", type=click.FloatRange(min=0), default=0, help="Delay before every answer.")
@click.option("--fault-rate", type=click.FloatRange(0, 1), default=0.0,
              help="Share of requests answered 429 or 503 (a retry draws again).")
@click.option("--fault-seed", type=int, default=0, help="Seed making --fault-rate reproducible.")
@click.option("--deny", multiple=True, metavar="FAMILY=STATUS", callback=_parse_deny,
              help=f"Answer a family with an error status, e.g. proxy=403. Families: {', '.join(FAMILIES)}.")
@click.option("--hang", multiple=True, type=click.Choice(FAMILIES), metavar="FAMILY",
              help="Hold a family's requests for --hang-seconds before answering (client timeout tests).")
@click.option("--hang-seconds", type=click.FloatRange(min=0), default=60, show_default=True)
@click.option("--request-log", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Append every request as a JSON line (username only, never secrets).")
@click.option("--allow-writes", is_flag=True,
              help="Answer the writes `flexaudit plan` scripts send (Flex Flows, number webhooks, Proxy and "
                   "Messaging Service pools, Conversations addresses); without it every non-GET is 405.")
@click.option("--self-page", multiple=True, type=click.Choice(FAMILIES), metavar="FAMILY",
              help="The family's list pages name themselves as the next page.")
@click.option("--page-cycle", multiple=True, type=click.Choice(FAMILIES), metavar="FAMILY",
              help="The family's lists cycle: page 0 leads to page 1, page 1 back to page 0.")
@click.option("--endless-pages", multiple=True, type=click.Choice(FAMILIES), metavar="FAMILY",
              help="The family's lists never end: every page names a new next page.")
@click.option("--next-page-url", multiple=True, metavar="FAMILY=URL", callback=_family_values(_text, "URL"),
              help="The family's next-page links are URL, e.g. messages=https://evil.example/x.")
@click.option("--trickle", "trickle_bps", multiple=True, metavar="FAMILY=BYTES_PER_S",
              callback=_family_values(_positive_number, "BYTES_PER_S"),
              help="Send the family's bodies at that many bytes per second.")
@click.option("--gzip-inflate", multiple=True, metavar="FAMILY=BYTES",
              callback=_family_values(_positive_int, "BYTES"),
              help="Send the family's bodies gzip-encoded, inflating to BYTES (e.g. 200000000).")
@click.option("--redirect", multiple=True, metavar="FAMILY=LOCATION", callback=_family_values(_text, "LOCATION"),
              help="Answer the family's fetches (single resources) 307 to LOCATION.")
@click.option("--retry-after", multiple=True, metavar="FAMILY=VALUE", callback=_family_values(_text, "VALUE"),
              help="Answer the family's requests 429 with Retry-After: VALUE.")
@click.option("--retry-after-times", type=click.IntRange(min=0), default=0, show_default=True,
              help="With --retry-after: only the first N attempts of each request (0: every attempt).")
@click.option("--error-message", multiple=True, metavar="FAMILY=TEXT", callback=_family_values(_text, "TEXT"),
              help="The message of the family's error answers (with --deny, --retry-after, --fault-rate).")
@click.pass_context
def emulator_command(ctx, scenario_name, port, latency_ms, fault_rate, fault_seed, deny, hang,
                     hang_seconds, request_log, allow_writes, self_page, page_cycle, endless_pages, next_page_url,
                     trickle_bps, gzip_inflate, redirect, retry_after, retry_after_times, error_message):
    """Serve the local Twilio API emulator (fake local data) until Ctrl-C."""
    source = bundled_scenario_path(scenario_name) if scenario_name in BUNDLED_SCENARIOS else scenario_name
    try:
        scenario = load_scenario(source)
        emulator = Emulator(scenario, port=port, latency_ms=latency_ms, fault_rate=fault_rate,
                            fault_seed=fault_seed, deny=deny, hang=hang, hang_seconds=hang_seconds,
                            request_log_path=request_log, allow_writes=allow_writes,
                            self_page=self_page, page_cycle=page_cycle, endless_pages=endless_pages,
                            next_page_url=next_page_url, trickle_bps=trickle_bps, gzip_inflate=gzip_inflate,
                            redirect=redirect, retry_after=retry_after, retry_after_times=retry_after_times,
                            error_message=error_message)
        emulator.start()
    except (ScenarioError, ValueError, OSError) as exc:
        raise Failure(f"emulator: {exc}") from None
    _stop_on_sigterm()
    click.echo(f"flexaudit emulator serving {emulator.base_url} "
               f"account_sid={emulator.account_sid} auth_token={emulator.auth_token}"
               f"{' writes=allowed' if allow_writes else ''} (Ctrl-C stops)")
    for sid, token in emulator.subaccounts.items():
        click.echo(f"  subaccount account_sid={sid} auth_token={token}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
