"""Fleet scans (`--all-subaccounts`): the bundled fleet scenario, its credentials, the CLI in-process."""

from __future__ import annotations

import copy
import functools
import json

import pytest
from click.testing import CliRunner

from flexaudit.api.transport import GuardedHttpClient
from flexaudit.cli import cli
from flexaudit.emulator import bundled_scenario_path

CREDENTIAL_VARIABLES = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET",
                        "TWILIO_REGION", "TWILIO_EDGE", "FLEXAUDIT_API_BASE_URL", "TWILIO_CONFIG_DIR")
FLEET = json.loads(bundled_scenario_path("fleet").read_text(encoding="utf-8"))
PARENT = FLEET["account"]["sid"]
PARENT_TOKEN = FLEET["auth"]["auth_token"]
PARENT_KEY = FLEET["auth"]["api_keys"][0]
BY_NAME = {sub["account"]["friendly_name"]: sub for sub in FLEET["subaccounts"]}


def sub_sid(name: str) -> str:
    return BY_NAME[name]["account"]["sid"]


def every_secret(scenario: dict) -> set[str]:
    """Every token and API key secret of every account, including tokens only the listing shows."""
    bodies = [scenario, *scenario.get("subaccounts", [])]
    secrets = {b["auth"]["auth_token"] for b in bodies}
    secrets |= {k["secret"] for b in bodies for k in b["auth"].get("api_keys", [])}
    secrets |= {b["account"]["auth_token"] for b in bodies if "auth_token" in b["account"]}
    return secrets


@pytest.fixture(autouse=True)
def no_credentials_from_the_environment(monkeypatch):
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fleet_scenario() -> dict:
    """A fresh copy of the bundled fleet each test may change."""
    return copy.deepcopy(FLEET)


@pytest.fixture
def one_attempt(monkeypatch):
    """Requests that fail are not retried: an unreachable API is said at once, not after the backoff ladder."""
    quick = functools.partial(GuardedHttpClient, max_attempts=1)
    monkeypatch.setattr("flexaudit.commands.fleet.GuardedHttpClient", quick)
    monkeypatch.setattr("flexaudit.commands.scan.GuardedHttpClient", quick)


def fleet_scan(emu, out, *extra, username=PARENT, password=PARENT_TOKEN):
    """`flexaudit scan --all-subaccounts` in-process against an emulator, as of the demo's day."""
    return CliRunner().invoke(cli, ["scan", "--all-subaccounts", "--account-sid", PARENT,
                                    *(["--auth-token", password] if username == PARENT else
                                      ["--api-key", username, "--api-secret", password]),
                                    "--api-base-url", emu.base_url, "--as-of", "2026-11-21",
                                    "--output-dir", str(out), *extra])
