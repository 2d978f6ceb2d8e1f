"""`flexaudit emulator`: serve a scenario over HTTP until Ctrl-C."""

from __future__ import annotations

import signal
import threading
import time

import click

from flexaudit.exits import Failure

from flexaudit.emulator.faults import FAMILIES
from flexaudit.emulator.scenario import ScenarioError, demo_scenario_path, load_scenario
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


def _stop_on_sigterm() -> None:
    def interrupt(signum, frame):
        raise KeyboardInterrupt
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


@click.command("emulator")
@click.option("--scenario", "scenario_name", default="demo", show_default=True, metavar="demo|PATH",
              help="The bundled demo account, or a scenario JSON file (flexaudit/emulator/SCENARIOS.md).")
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
@click.pass_context
def emulator_command(ctx, scenario_name, port, latency_ms, fault_rate, fault_seed, deny, hang,
                     hang_seconds, request_log):
    """Serve the local Twilio API emulator (fake local data) until Ctrl-C."""
    source = demo_scenario_path() if scenario_name == "demo" else scenario_name
    try:
        scenario = load_scenario(source)
        emulator = Emulator(scenario, port=port, latency_ms=latency_ms, fault_rate=fault_rate,
                            fault_seed=fault_seed, deny=deny, hang=hang, hang_seconds=hang_seconds,
                            request_log_path=request_log)
        emulator.start()
    except (ScenarioError, ValueError, OSError) as exc:
        raise Failure(f"emulator: {exc}") from None
    _stop_on_sigterm()
    click.echo(f"flexaudit emulator serving {emulator.base_url} "
               f"account_sid={emulator.account_sid} auth_token={emulator.auth_token} (Ctrl-C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
