"""The command line as users and scripts meet it: files, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from flexaudit.cli import cli
from flexaudit.emulator import Emulator
from flexaudit.rules import all_rules

SIX_FILES = {"flexaudit-report.md", "flexaudit-summary.md", "flexaudit-report.html", "flexaudit-report.json",
             "flexaudit-addresses.csv", "flexaudit-inventory.json"}


def run(*args):
    return CliRunner().invoke(cli, list(args))


def assert_one_line_error(result, code, fragment):
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("flexaudit: error: ") and fragment in lines[0]
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    result = run("scan", "--demo", "--as-of", "2026-11-21", "--output-dir", str(out))
    return result, out


def test_demo_writes_the_six_files_and_says_where(demo_run):
    result, out = demo_run
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == SIX_FILES
    # the folder (folded to the terminal's width, never cut), then the files in it
    written = result.stdout.split("Reports written to ")[1]
    folder, names = written.split(":\n", 1)
    assert folder.replace("\n", "") == f"{out}/"
    assert names.split() == ["flexaudit-report.md", "flexaudit-summary.md", "flexaudit-report.html",
                             "flexaudit-report.json", "flexaudit-addresses.csv", "flexaudit-inventory.json"]
    report = json.loads((out / "flexaudit-report.json").read_text())
    assert report["schema_version"] == 1 and report["as_of"] == "2026-11-21"
    assert all(c["complete"] for c in report["coverage"])


def test_missing_credentials_exit_2_with_one_line_before_any_request():
    assert_one_line_error(run("scan"), 2, "missing account SID")
    assert_one_line_error(run("scan", "--account-sid", "AC" + "1" * 32), 2, "missing credentials")


def test_credentials_from_the_environment_are_validated(monkeypatch):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC123")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "f" * 32)
    assert_one_line_error(run("scan"), 2, "malformed account SID")


def test_rejected_credentials_exit_2(demo_scenario, tmp_path):
    with Emulator(demo_scenario) as emu:
        result = run("scan", "--account-sid", emu.account_sid, "--auth-token", "2" * 32,
                     "--api-base-url", emu.base_url, "--output-dir", str(tmp_path / "o"))
    assert_one_line_error(result, 2, "credentials rejected")
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_usage_errors_are_one_line():
    assert_one_line_error(run("scan", "--demo", "--format", "pdf"), 2, "pdf")
    assert_one_line_error(run("scan", "--demo", "--as-of", "21/11/2026"), 2, "YYYY-MM-DD")
    assert_one_line_error(run("scan", "--demo", "--concurrency", "0"), 2, "concurrency")


def test_existing_reports_are_never_overwritten(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    precious = out / "flexaudit-report.md"
    precious.write_text("my notes")
    assert_one_line_error(run("scan", "--demo", "--output-dir", str(out)), 2, "never overwrites")
    assert precious.read_text() == "my notes"
    assert [p.name for p in out.iterdir()] == ["flexaudit-report.md"]


def test_default_output_dir_is_timestamped_under_reports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = run("scan", "--demo", "--quiet", "--format", "json")
    second = run("scan", "--demo", "--quiet", "--format", "json")
    assert first.exit_code == second.exit_code == 0
    dirs = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert len(dirs) == 2  # a second run in the same second gets its own directory
    assert all(d.startswith("AC") and "T" in d and "Z" in d for d in dirs)
    assert first.stdout == ""  # --quiet


def test_format_selects_files(tmp_path):
    out = tmp_path / "o"
    assert run("scan", "--demo", "--quiet", "--format", "csv", "--format", "md", "--output-dir", str(out)).exit_code == 0
    assert {p.name for p in out.iterdir()} == {"flexaudit-addresses.csv", "flexaudit-report.md", "flexaudit-summary.md",
                                              "flexaudit-inventory.json"}


def test_fail_on_gates_on_unsuppressed_severity(tmp_path):
    result = run("scan", "--demo", "--quiet", "--fail-on", "critical", "--as-of", "2026-11-21",
                 "--output-dir", str(tmp_path / "a"))
    assert result.exit_code == 1
    # before the end-of-life countdown turns FLX301 critical, only FLX201 is critical
    waivers = tmp_path / "w.toml"
    flx201 = json.loads((tmp_path / "a" / "flexaudit-report.json").read_text())
    sid = next(f["resource_sid"] for f in flx201["findings"] if f["rule_id"] == "FLX201")
    waivers.write_text(f'[[suppress]]\nrule = "FLX201"\nresource = "{sid}"\nreason = "flow being rebuilt"\n')
    result = run("scan", "--demo", "--quiet", "--fail-on", "critical", "--as-of", "2025-01-01",
                 "--suppressions", str(waivers), "--output-dir", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output


def test_incomplete_scan_exits_3_with_flx901_and_reports(demo_scenario, tmp_path):
    out = tmp_path / "o"
    with Emulator(demo_scenario, deny={"proxy": 403}) as emu:
        result = run("scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                     "--api-base-url", emu.base_url, "--output-dir", str(out), "--quiet")
        result_gated = run("scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                           "--api-base-url", emu.base_url, "--output-dir", str(tmp_path / "g"), "--quiet",
                           "--fail-on", "high")
    assert result.exit_code == 3
    assert "could not read proxy" in result.stderr
    assert result_gated.exit_code == 1  # 1 outranks 3
    report = json.loads((out / "flexaudit-report.json").read_text())
    proxy = next(c for c in report["coverage"] if c["family"] == "proxy")
    assert proxy["complete"] is False and "403" in proxy["error"] and "FLX112" in proxy["skipped_rules"]
    assert any(f["rule_id"] == "FLX901" for f in report["findings"])
    assert not any(f["rule_id"] in proxy["skipped_rules"] for f in report["findings"])
    assert any(f["rule_id"] == "FLX104" for f in report["findings"])  # other rules still ran
    assert "proxy" in (out / "flexaudit-report.md").read_text()


def test_report_from_snapshot_is_byte_identical(demo_run, tmp_path):
    _, out = demo_run
    again = tmp_path / "again"
    result = run("report", str(out / "flexaudit-inventory.json"), "--as-of", "2026-11-21", "--quiet",
                 "--output-dir", str(again))
    assert result.exit_code == 0, result.output
    for name in ("flexaudit-report.md", "flexaudit-report.json", "flexaudit-report.html", "flexaudit-addresses.csv"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    assert not (again / "flexaudit-inventory.json").exists()


def test_report_as_of_defaults_to_today(demo_run, tmp_path):
    _, out = demo_run
    with freeze_time("2025-10-01 12:00:00"):
        result = run("report", str(out / "flexaudit-inventory.json"), "--quiet", "--format", "json",
                     "--output-dir", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "flexaudit-report.json").read_text())
    assert report["as_of"] == "2025-10-01"
    # 243 days before the end of life: more than 180, so medium
    assert {f["severity"] for f in report["findings"] if f["rule_id"] == "FLX301"} == {"medium"}


@pytest.mark.parametrize("content, fragment", [
    ("", "not valid JSON"),
    ('{"kind": "flexaudit-inventory", "schema_version": 1, "account_sid": "AC1", "scanned_at": "x", "flex_flows": [{"sid": 3}]}',
     "flex_flows[0].sid"),
    ('{"hello": "world"}', "not a flexaudit inventory"),
    ('{"kind": "flexaudit-inventory", "schema_version": 99}', "schema_version 99"),
])
def test_unusable_snapshot_exits_2_with_one_line(tmp_path, content, fragment):
    path = tmp_path / "inv.json"
    path.write_text(content)
    assert_one_line_error(run("report", str(path), "--output-dir", str(tmp_path / "o")), 2, fragment)
    assert not (tmp_path / "o").exists()


def test_truncated_snapshot_of_a_real_scan(demo_run, tmp_path):
    _, out = demo_run
    text = (out / "flexaudit-inventory.json").read_text()
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2])
    assert_one_line_error(run("report", str(path)), 2, "truncated")


def test_missing_snapshot_and_bad_suppressions(tmp_path, demo_run):
    assert_one_line_error(run("report", str(tmp_path / "nope.json")), 2, "no such file")
    _, out = demo_run
    bad = tmp_path / "w.toml"
    bad.write_text('[[suppress]]\nrule = "FLX999"\nreason = "x"\n')
    assert_one_line_error(run("report", str(out / "flexaudit-inventory.json"), "--suppressions", str(bad)), 2, "FLX999")


def test_rules_lists_the_whole_catalog():
    ids = [r.id for r in all_rules()]
    md = run("rules")
    assert md.exit_code == 0
    assert all(rule_id in md.stdout for rule_id in ids)
    as_json = json.loads(run("rules", "--format", "json").stdout)
    listed = as_json["rules"] if isinstance(as_json, dict) else as_json
    assert [r["id"] for r in listed] == ids
    expected = {f"FLX{n}" for n in (*range(101, 114), *range(201, 208), *range(301, 306), *range(401, 410),
                                    *range(501, 509), *range(601, 604), 901)}
    assert set(ids) == expected


def test_rules_shows_just_the_rules_asked_for():
    one = run("rules", "flx401")
    assert one.exit_code == 0
    assert one.stdout.startswith("### FLX401\n") and one.stdout.count("### FLX") == 1
    two = run("rules", "FLX101", "FLX403", "--format", "json")
    assert [r["id"] for r in json.loads(two.stdout)["rules"]] == ["FLX101", "FLX403"]
    high = json.loads(run("rules", "--severity", "high", "--format", "json").stdout)["rules"]
    assert high and all(r["severity"] == "high" for r in high)
    assert {r["id"] for r in high} == {r.id for r in all_rules() if r.severity.label == "high"}
    both = run("rules", "FLX101", "FLX201", "--severity", "critical")
    assert both.stdout.count("### FLX") == 1 and "### FLX201" in both.stdout
    assert run("rules", "FLX106", "--severity", "critical").stdout == "No rule matches.\n"
    assert_one_line_error(run("rules", "FLX999"), 2, "unknown rule id FLX999")


def test_rules_on_a_terminal_pages_long_output_only(tmp_path):
    """A real pseudo-terminal of 24 rows: the whole catalog goes through $PAGER, one rule does not."""
    import fcntl
    import pty
    import struct
    import termios

    def on_a_terminal(*args: str) -> str:
        controller, terminal = pty.openpty()
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        env = {**os.environ, "PAGER": "echo PAGED-BY-PAGER; cat >/dev/null", "TERM": "dumb"}
        proc = subprocess.Popen([sys.executable, "-m", "flexaudit", "rules", *args], stdin=terminal,
                                stdout=terminal, stderr=terminal, env=env, close_fds=True)
        os.close(terminal)
        chunks = []
        try:
            while True:
                try:
                    data = os.read(controller, 65536)
                except OSError:  # the terminal closed: the process is gone
                    break
                if not data:
                    break
                chunks.append(data)
        finally:
            os.close(controller)
            proc.wait(timeout=60)
        return b"".join(chunks).decode("utf-8", "replace")

    paged = on_a_terminal()
    assert "PAGED-BY-PAGER" in paged and "### FLX101" not in paged
    direct = on_a_terminal("FLX101")
    assert "PAGED-BY-PAGER" not in direct and "### FLX101" in direct


def test_python_dash_m_and_version():
    result = subprocess.run([sys.executable, "-m", "flexaudit", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "flexaudit" in result.stdout


def test_a_real_process_flushes_everything_before_it_leaves():
    result = subprocess.run([sys.executable, "-m", "flexaudit", "rules", "--format", "json"],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert len(json.loads(result.stdout)["rules"]) == len(all_rules())


def test_a_reader_that_leaves_early_gets_no_broken_pipe_noise():
    proc = subprocess.Popen([sys.executable, "-m", "flexaudit", "rules"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()  # `flexaudit rules | head -c 10`
    _, err = proc.communicate(timeout=30)
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_a_real_process_prints_one_line_and_no_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "flexaudit", "report", str(tmp_path / "missing.json")],
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_region_and_edge_reach_the_sdk_and_the_mapping_still_holds(demo_scenario, tmp_path, monkeypatch):
    from flexaudit.api import transport as client_module

    hosts = []
    original = client_module.map_url

    def spy(url, base):
        hosts.append(url.split("/")[2])
        return original(url, base)

    monkeypatch.setattr(client_module, "map_url", spy)
    with Emulator(demo_scenario) as emu:
        result = run("scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                     "--api-base-url", emu.base_url, "--region", "ie1", "--edge", "dublin", "--quiet",
                     "--format", "json", "--output-dir", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert hosts and all(h.endswith(".dublin.ie1.twilio.com") for h in hosts)
    assert {h.split(".")[0] for h in hosts} >= {"api", "flex-api", "chat", "proxy", "studio", "conversations"}


def test_a_scan_starts_without_loading_the_rules_and_renderers():
    # They are loaded once the scan is over, not before the first request.
    code = ("import sys, flexaudit.cli, flexaudit.commands.scan; "
            "print(sorted(m for m in ('jinja2', 'flexaudit.readiness', 'flexaudit.rules', 'flexaudit.report.renderers', "
            "'flexaudit.emulator.server') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_an_api_that_never_answers_is_exit_4_one_line_and_nothing_written(tmp_path, monkeypatch):
    import functools

    from flexaudit.api.transport import GuardedHttpClient

    # one attempt per request: the refused port is said at once, not after the backoff ladder
    monkeypatch.setattr("flexaudit.commands.scan.GuardedHttpClient",
                        functools.partial(GuardedHttpClient, max_attempts=1))
    result = run("scan", "--account-sid", "AC" + "1" * 32, "--auth-token", "f" * 32,
                 "--api-base-url", "http://127.0.0.1:9", "--output-dir", str(tmp_path / "out"))
    assert_one_line_error(result, 4, "Twilio could not be reached: http://127.0.0.1:9: connection refused; nothing was "
                                     "scanned and no file was written")
    assert not (tmp_path / "out").exists()
