"""Loaded files are validated (snapshot, waivers, scenario): anything unusable is one line and
exit 2, never exit 70, never a file written outside the output folder. A value nested absurdly
deep coming from the API is kept as a marker, never a crash."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from flexaudit.cli import cli
from flexaudit.emulator import Emulator

from tests.support.process import run_flexaudit

DEEP = "[" * 100_000 + "]" * 100_000
HUGE_NUMBER = "9" * 5_000


def flexaudit(args, cwd=None):
    # run from another directory: the package comes from this checkout
    return run_flexaudit(args, {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}, cwd=cwd, timeout=60)


def assert_one_line_exit_2(result, *fragments):
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("flexaudit: error: "), result.stderr
    assert all(f in lines[0] for f in fragments), lines[0]


@pytest.fixture(scope="module")
def snapshot_text(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("snap") / "o"
    assert CliRunner().invoke(cli, ["scan", "--demo", "--quiet", "--format", "json",
                                    "--output-dir", str(out)]).exit_code == 0
    return (out / "flexaudit-inventory.json").read_text()


@pytest.mark.parametrize("sid", ["../../escaped", "ABSOLUTE", "AC" + "0" * 31 + "/"])
def test_a_snapshot_account_sid_that_is_a_path_writes_nothing_anywhere(snapshot_text, tmp_path, sid):
    data = json.loads(snapshot_text)
    outside = tmp_path / "outside"  # an absolute path the default output directory would land under
    data["account_sid"] = str(outside / "escaped") if sid == "ABSOLUTE" else sid
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    (work / "snap.json").write_text(json.dumps(data))
    before = sorted(p for p in tmp_path.rglob("*"))
    result = flexaudit(["report", "snap.json", "--quiet"], cwd=work)
    assert_one_line_exit_2(result, "snap.json: invalid inventory at account_sid")
    assert sorted(p for p in tmp_path.rglob("*")) == before and not outside.exists()


@pytest.mark.parametrize("content, fragment", [
    (DEEP, "nested deeper than 48 levels"),
    ('{"kind": "flexaudit-inventory", "schema_version": 1, "account_sid": ' + HUGE_NUMBER + "}",
     "a number too long to read"),
])
def test_a_hostile_snapshot_is_one_line_and_exit_2(tmp_path, content, fragment):
    (tmp_path / "snap.json").write_text(content)
    assert_one_line_exit_2(flexaudit(["report", str(tmp_path / "snap.json"), "--output-dir", str(tmp_path / "o")]),
                           fragment)
    assert not (tmp_path / "o").exists()


def test_a_snapshot_nested_just_past_the_bound_is_refused(snapshot_text, tmp_path):
    data = json.loads(snapshot_text)
    deep: object = "x"
    for _ in range(60):
        deep = [deep]
    data["studio_flows"][0]["definition"] = deep  # parses fine; within Python's limits; past the loader's
    (tmp_path / "snap.json").write_text(json.dumps(data))
    assert_one_line_exit_2(flexaudit(["report", str(tmp_path / "snap.json"), "--output-dir", str(tmp_path / "o")]),
                           "nested deeper than 48 levels")


def test_not_a_regular_file_is_refused_without_reading_it(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # a reader would wait for a writer forever
    for path, kind in (("/dev/zero", "is a device"), (str(fifo), "is a pipe"), (str(tmp_path), "is a directory")):
        if kind != "is a directory":  # `report DIR` reads the scan's flexaudit-inventory.json in it
            assert_one_line_exit_2(flexaudit(["report", path, "--output-dir", str(tmp_path / "o")]), path, kind)
        assert_one_line_exit_2(flexaudit(["scan", "--demo", "--suppressions", path, "--output-dir",
                                          str(tmp_path / "o")]), path, kind)
        assert_one_line_exit_2(flexaudit(["emulator", "--scenario", path]), path, kind)
    (tmp_path / "scan").mkdir()
    os.mkfifo(tmp_path / "scan" / "flexaudit-inventory.json")
    assert_one_line_exit_2(flexaudit(["report", str(tmp_path / "scan"), "--output-dir", str(tmp_path / "o")]),
                           "flexaudit-inventory.json: is a pipe")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("name, content, fragment", [
    ("deep.json", DEEP, "nested deeper than 8 levels"),
    ("deep.toml", "x = " + "[" * 100_000 + "]" * 100_000, "nested deeper than 8 levels"),
    ("huge.json", '{"suppress": [{"rule": "FLX106", "reason": "r", "expires": ' + HUGE_NUMBER + "}]}",
     "a number too long to read"),
    ("huge.toml", "x = " + HUGE_NUMBER, "a number too long to read"),
    ("escape.toml", '[[suppress]]\nrule = "FLX1\\u001b]52;c;aGk=\\u0007"\nreason = "x"\n', "'rule' must be a rule id"),
])
def test_a_hostile_waivers_file_is_one_line_and_exit_2(tmp_path, name, content, fragment):
    (tmp_path / name).write_text(content)
    result = flexaudit(["scan", "--demo", "--suppressions", str(tmp_path / name), "--output-dir", str(tmp_path / "o")])
    assert_one_line_exit_2(result, fragment)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr  # no raw control sequence on a terminal
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("content, fragment", [
    (DEEP, "nested deeper than 700 levels"),
    ('{"account": {"friendly_name": "x", "n": ' + HUGE_NUMBER + "}}", "a number too long to read"),
])
def test_a_hostile_scenario_file_is_one_line_and_exit_2(tmp_path, content, fragment):
    (tmp_path / "scenario.json").write_text(content)
    assert_one_line_exit_2(flexaudit(["emulator", "--scenario", str(tmp_path / "scenario.json")]), fragment)


def test_a_studio_definition_600_deep_from_the_api_is_a_finding_not_a_crash(demo_scenario, tmp_path):
    deep: object = {"name": "bottom"}
    for _ in range(599):  # 600 levels of JSON
        deep = {"states": deep}
    studio_sids = {f["integration"]["flow_sid"] for f in demo_scenario["flex_flows"]
                   if f.get("integration_type") == "studio" and f.get("enabled", True)}
    target = next(s for s in demo_scenario["studio_flows"] if s["sid"] in studio_sids)
    target["definition"] = deep
    with Emulator(demo_scenario) as emu:
        result = flexaudit(["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                            "--api-base-url", emu.base_url, "--quiet", "--output-dir", str(tmp_path / "o")])
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    flx205 = [f for f in report["findings"] if f["rule_id"] == "FLX205" and f["resource_sid"] == target["sid"]]
    assert len(flx205) == 1 and "nests deeper than 32 levels (flexaudit did not keep it)" in flx205[0]["message"]
    # the snapshot holds the marker, and loads again
    again = flexaudit(["report", str(tmp_path / "o" / "flexaudit-inventory.json"), "--quiet", "--format", "json",
                       "--output-dir", str(tmp_path / "r")])
    assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "r" / "flexaudit-report.json").read_text())["findings"] == report["findings"]
