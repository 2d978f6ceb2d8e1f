"""Shared fixtures: the demo scenario, emulators, and a real-SDK client pointed at them."""

from __future__ import annotations

import copy
import json

import pytest

from flexaudit.client import GuardedHttpClient, make_client
from flexaudit.emulator import Emulator, demo_scenario_path
from flexaudit.settings import Credentials, Target


@pytest.fixture(scope="session")
def demo_scenario_dict() -> dict:
    with open(demo_scenario_path(), encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture
def demo_scenario(demo_scenario_dict) -> dict:
    """A fresh deep copy each test may change freely."""
    return copy.deepcopy(demo_scenario_dict)


def cli_scan(emulator: Emulator, out, *extra):
    """`flexaudit scan` in-process against an emulator, JSON report only, as of the demo's day."""
    from click.testing import CliRunner

    from flexaudit.cli import cli

    return CliRunner().invoke(cli, ["scan", "--account-sid", emulator.account_sid, "--auth-token", emulator.auth_token,
                                    "--api-base-url", emulator.base_url, "--as-of", "2026-11-21", "--quiet",
                                    "--format", "json", "--output-dir", str(out), *extra])


def sdk_client(emulator: Emulator, token: str | None = None, **http_options):
    """The real Twilio SDK over flexaudit's transport, aimed at an emulator."""
    http = GuardedHttpClient(api_base_url=emulator.base_url, **http_options)
    creds = Credentials(emulator.account_sid, emulator.account_sid, token or emulator.auth_token)
    return make_client(creds, Target(api_base_url=emulator.base_url), http), http


# Tests that send writes on purpose, straight to the emulator, to prove it refuses them.
_WRITES_ON_PURPOSE = {"test_emulator_http.py", "test_emulator_writes.py"}


@pytest.fixture(autouse=True)
def every_scan_only_reads(request, monkeypatch):
    """The read-only guarantee, checked after every test: no emulator a test started
    (directly, or inside `flexaudit scan --demo`) ever received a request other than GET."""
    started: list[Emulator] = []
    original_stop = Emulator.stop

    def stop_and_remember(self):
        started.append(self)
        return original_stop(self)

    monkeypatch.setattr(Emulator, "stop", stop_and_remember)
    yield
    if request.node.path.name in _WRITES_ON_PURPOSE:
        return
    writes = [(r["method"], r["path"]) for emu in started for r in emu.requests if r["method"] != "GET"]
    assert not writes, f"non-GET requests reached the emulator: {writes[:5]}"
