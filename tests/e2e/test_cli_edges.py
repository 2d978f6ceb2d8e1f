"""Exit 70 for a bug (with its traceback when asked), and a token that need not show in `ps`."""

from __future__ import annotations

from click.testing import CliRunner

from flexaudit.cli import cli
from flexaudit.emulator import Emulator

from tests.support.process import run_flexaudit


def broken_audit(*args, **kwargs):
    raise RuntimeError("a bug in flexaudit")


def test_an_internal_error_is_exit_70_with_the_traceback_only_when_asked(monkeypatch, tmp_path):
    from flexaudit.commands import pipeline

    monkeypatch.setattr(pipeline, "audit", broken_audit)
    quiet = CliRunner().invoke(cli, ["scan", "--demo", "--output-dir", str(tmp_path / "a")])
    assert quiet.exit_code == 70
    assert quiet.stderr.strip() == ("flexaudit: error: internal error: RuntimeError: a bug in flexaudit "
                                    "(set FLEXAUDIT_DEBUG=1 for details, and please report it)")
    monkeypatch.setenv("FLEXAUDIT_DEBUG", "1")
    debug = CliRunner().invoke(cli, ["scan", "--demo", "--output-dir", str(tmp_path / "b")])
    assert debug.exit_code == 70  # it was 1, the code for findings
    assert "Traceback (most recent call last)" in debug.stderr and "RuntimeError: a bug in flexaudit" in debug.stderr
    assert debug.stderr.rstrip().endswith("flexaudit: error: internal error: RuntimeError")


def run(args, stdin: str):
    return run_flexaudit(args, input=stdin, timeout=60)


def test_auth_token_dash_reads_the_token_from_standard_input(demo_scenario, tmp_path):
    with Emulator(demo_scenario) as emu:
        args = ["scan", "--account-sid", emu.account_sid, "--auth-token", "-", "--api-base-url", emu.base_url,
                "--quiet", "--format", "json"]
        given = run([*args, "--output-dir", str(tmp_path / "a")], stdin=f"  {emu.auth_token}  \nignored\n")
        empty = run([*args, "--output-dir", str(tmp_path / "b")], stdin="")
        requests = [r for r in emu.requests if r["username"] == emu.account_sid]
    assert given.returncode == 0, given.stderr
    assert (tmp_path / "a" / "flexaudit-report.json").exists() and requests
    assert empty.returncode == 2
    assert empty.stderr.strip() == ("flexaudit: error: --auth-token - reads the secret from standard input, "
                                    "which was empty")
    assert not (tmp_path / "b").exists()


def test_api_secret_dash_reads_the_secret_from_standard_input(demo_scenario, tmp_path):
    key, secret = "SK" + "5ec7e7" * 5 + "ab", "Zq9DistinctiveApiSecretValue42Xy"
    demo_scenario["auth"]["api_keys"] = [{"sid": key, "secret": secret}]
    with Emulator(demo_scenario) as emu:
        result = run(["scan", "--account-sid", emu.account_sid, "--api-key", key, "--api-secret", "-",
                      "--api-base-url", emu.base_url, "--quiet", "--format", "json",
                      "--output-dir", str(tmp_path / "o")], stdin=secret + "\n")
        users = {r["username"] for r in emu.requests}
    assert result.returncode == 0, result.stderr
    assert users == {key}


def test_help_says_the_environment_is_the_safer_place_for_a_secret():
    text = " ".join(CliRunner().invoke(cli, ["scan", "--help"]).output.split())
    assert "'-' reads it from standard input. Prefer the environment (TWILIO_AUTH_TOKEN) or '-': " \
           "a value given here shows in `ps` for the whole scan." in text
