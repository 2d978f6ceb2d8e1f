"""`flexaudit emulator`: the click command, run in-process for errors and as a process for serving."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys

import requests
from click.testing import CliRunner

from flexaudit.cli import cli

from tests.support.emulator import ACCOUNT, TOKEN, small_scenario

_RUN = "from flexaudit.cli import main; main(['emulator', *__import__('sys').argv[1:]])"


def test_bad_scenario_file_is_one_line_error_exit_2(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"flex_flows": [{"sid": "FO1"}]}')
    result = CliRunner().invoke(cli, ["emulator", "--scenario", str(path)])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "error:" in result.output and "flex_flows[0].sid" in result.output


def test_missing_scenario_file_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["emulator", "--scenario", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "cannot read scenario" in result.output


def test_bad_deny_option_is_usage_error():
    result = CliRunner().invoke(cli, ["emulator", "--deny", "proxy"])
    assert result.exit_code == 2 and "FAMILY=STATUS" in result.output
    result = CliRunner().invoke(cli, ["emulator", "--hang", "pigeons"])
    assert result.exit_code == 2


def test_serves_until_interrupted(tmp_path):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(small_scenario()))
    log = tmp_path / "requests.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-c", _RUN, "--scenario", str(scenario), "--deny", "proxy=403",
         "--request-log", str(log)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # A shell's background job starts with SIGINT ignored, and Python then keeps it
        # ignored: give the child Ctrl-C's default, as a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        line = process.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+) account_sid=(AC\w+) auth_token=(\w+)", line)
        assert found, line
        base_url, account_sid, auth_token = found.groups()
        assert (account_sid, auth_token) == (ACCOUNT, TOKEN)
        assert requests.get(f"{base_url}/flex-api/v1/FlexFlows", auth=(account_sid, auth_token),
                            timeout=10).status_code == 200
        assert requests.get(f"{base_url}/proxy/v1/Services", auth=(account_sid, auth_token),
                            timeout=10).status_code == 403
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    statuses = [json.loads(entry)["status"] for entry in log.read_text().splitlines()]
    assert statuses == [200, 403]
