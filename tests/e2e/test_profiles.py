"""`--profile NAME`: twilio-cli's config.json, as twilio-cli reads it; the environment ignored, flags winning.

The resolution is a pure function of the flags, the environment and the
file's text (tested first, without a home directory); then the CLI against
the emulator, whose request log says which credentials reached it.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from flexaudit.cli import cli
from flexaudit.emulator import Emulator
from flexaudit.settings import (CredentialFlags, SettingsError, parse_profile, resolve_settings,
                                twilio_cli_config_path)

from tests.support.sids import sid

AC = sid("AC", 0xD0)
KEY = sid("SK", 0xD1)
SECRET = "Pr0fileSecretPr0fileSecretXy1234"
ENV_AC = sid("AC", 0xE0)
ENV_TOKEN = "e" * 32
FLAG_TOKEN = "f" * 32


def config(**profiles) -> str:
    """A config.json as twilio-cli 5+ writes it: profiles with key and secret, an old project, an active one."""
    return json.dumps({
        "edge": "sydney", "email": {}, "requireProfileInput": False, "prompts": {},
        "projects": [{"id": "legacy", "accountSid": sid("AC", 0xAA), "region": None}],
        "profiles": profiles or {"dev": {"accountSid": AC, "apiKey": KEY, "apiSecret": SECRET, "region": "ie1",
                                         "edge": "dublin"}},
        "activeProject": "dev",
    })


def test_a_profile_of_the_current_format_gives_sid_key_secret_region_and_edge():
    profile = parse_profile("dev", config())
    assert (profile.account_sid, profile.api_key, profile.api_secret, profile.region, profile.edge) == \
        (AC, KEY, SECRET, "ie1", "dublin")
    assert SECRET not in repr(profile)
    creds, target = resolve_settings(CredentialFlags(), {}, profile, None)
    assert (creds.account_sid, creds.username, creds.password, creds.kind) == (AC, KEY, SECRET, "api_key")
    assert (target.region, target.edge) == ("ie1", "dublin")


def test_a_profile_without_its_own_edge_takes_the_files_edge_and_names_are_trimmed():
    text = config(dev={"accountSid": AC, "apiKey": KEY, "apiSecret": SECRET, "region": None})
    assert parse_profile("  dev ", text).edge == "sydney"


def test_the_environment_is_ignored_when_a_profile_is_named():
    env = {"TWILIO_ACCOUNT_SID": ENV_AC, "TWILIO_AUTH_TOKEN": ENV_TOKEN, "TWILIO_API_KEY": sid("SK", 0xE1),
           "TWILIO_API_SECRET": "x" * 32, "TWILIO_REGION": "au1", "TWILIO_EDGE": "sydney"}
    creds, target = resolve_settings(CredentialFlags(), env, parse_profile("dev", config()), None)
    assert (creds.account_sid, creds.username, creds.password) == (AC, KEY, SECRET)
    assert (target.region, target.edge) == ("ie1", "dublin")
    # and without a profile the environment is what counts
    creds, target = resolve_settings(CredentialFlags(), env, None, None)
    assert (creds.account_sid, creds.username, target.region) == (ENV_AC, sid("SK", 0xE1), "au1")


def test_flags_win_over_the_profile():
    profile = parse_profile("dev", config())
    creds, target = resolve_settings(CredentialFlags(auth_token=FLAG_TOKEN, region="us1"), {}, profile, None)
    # a token flag replaces the profile's key and secret, not just one of them
    assert (creds.account_sid, creds.username, creds.password, creds.kind) == (AC, AC, FLAG_TOKEN, "auth_token")
    assert (target.region, target.edge) == ("us1", "dublin")
    creds, _ = resolve_settings(CredentialFlags(account_sid=ENV_AC), {}, profile, None)
    assert (creds.account_sid, creds.username) == (ENV_AC, KEY)
    with pytest.raises(SettingsError, match="missing --api-secret"):
        resolve_settings(CredentialFlags(api_key=sid("SK", 9)), {}, profile, None)


@pytest.mark.parametrize("text, fragment", [
    (config(), "old 'projects' format: its secret is in the OS keychain"),
])
def test_a_profile_of_the_old_format_is_refused_and_says_why(text, fragment):
    with pytest.raises(SettingsError) as err:
        parse_profile("legacy", text)
    assert fragment in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("text, fragment", [
    (config(), "no twilio-cli profile named 'prod' in config.json; its profiles: 'dev'"),
    (json.dumps({"profiles": {}}), "no twilio-cli profile named 'prod' in config.json; it has no profiles"),
    ("{not json", "config.json is not valid JSON: Expecting property name enclosed in double quotes (line 1"),
    ("[]", "is not a JSON object"),
    (json.dumps({"profiles": []}), "'profiles' or 'projects' of the wrong type"),
    (json.dumps({"profiles": {"prod": "SK"}}), "twilio-cli profile 'prod' in config.json is not a JSON object"),
    (json.dumps({"profiles": {"prod": {"accountSid": 5}}}), "twilio-cli profile 'prod': accountSid must be a string"),
    ("[" * 100_000, "nested deeper than 16 levels"),
])
def test_unknown_profiles_and_files_that_are_not_twilio_cli_config_are_one_line(text, fragment):
    with pytest.raises(SettingsError) as err:
        parse_profile("prod", text)
    assert fragment in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("profile, fragment", [
    ({"accountSid": AC}, "twilio-cli profile 'dev': it holds no API key and secret"),
    ({"accountSid": AC, "apiKey": KEY, "apiSecret": SECRET + " with a space"}, "malformed API secret"),
    ({"accountSid": "AC123", "apiKey": KEY, "apiSecret": SECRET}, "malformed account SID"),
    ({"apiKey": KEY, "apiSecret": SECRET}, "missing account SID"),
])
def test_an_unusable_profile_is_one_line_that_never_repeats_its_secret(profile, fragment):
    with pytest.raises(SettingsError) as err:
        resolve_settings(CredentialFlags(), {}, parse_profile("dev", config(dev=profile)), None)
    message = str(err.value)
    assert fragment in message and message.startswith("twilio-cli profile 'dev': ")
    assert SECRET not in message


def test_config_path_follows_twilio_config_dir(tmp_path):
    assert twilio_cli_config_path({}, tmp_path) == tmp_path / ".twilio-cli" / "config.json"
    assert twilio_cli_config_path({"TWILIO_CONFIG_DIR": "/etc/tw"}, tmp_path).as_posix() == "/etc/tw/config.json"


# --- the command line against the emulator ----------------------------------------------------------

@pytest.fixture
def emu(demo_scenario):
    with Emulator(demo_scenario) as emulator:
        yield emulator


def scan(emu, config_dir, *args, env=None):
    return CliRunner().invoke(cli, ["scan", "--api-base-url", emu.base_url, "--as-of", "2026-11-21", "--quiet",
                                    "--format", "json", *args],
                              env={"TWILIO_CONFIG_DIR": str(config_dir), **(env or {})})


def write_config(directory, text):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(text, encoding="utf-8")
    return directory


def emulator_profile(emu) -> dict:
    key, secret = next(iter(emu.api_keys.items()))
    return {"accountSid": emu.account_sid, "apiKey": key, "apiSecret": secret, "region": None, "edge": None}


def test_scan_with_a_profile_reads_as_its_api_key_and_ignores_the_environment(emu, tmp_path):
    directory = write_config(tmp_path / "tw", config(demo=emulator_profile(emu)))
    env = {"TWILIO_ACCOUNT_SID": ENV_AC, "TWILIO_AUTH_TOKEN": ENV_TOKEN}  # another account: ignored
    result = scan(emu, directory, "--profile", "demo", "--output-dir", str(tmp_path / "out"), env=env)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "flexaudit-report.json").read_text())
    assert report["account"]["sid"] == emu.account_sid
    assert {r["username"] for r in emu.requests} == set(emu.api_keys)


def test_scan_with_a_profile_and_a_token_flag_reads_as_the_token(emu, tmp_path):
    profile = {**emulator_profile(emu), "apiSecret": "WrongSecretWrongSecretWrongSecret"}
    directory = write_config(tmp_path / "tw", config(demo=profile))
    result = scan(emu, directory, "--profile", "demo", "--auth-token", emu.auth_token,
                  "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert {r["username"] for r in emu.requests} == {emu.account_sid}


@pytest.mark.parametrize("name, text, fragment", [
    ("legacy", config(), "OS keychain"),
    ("prod", config(), "no twilio-cli profile named 'prod'"),
    ("dev", "{", "is not valid JSON"),
    ("dev", None, "no twilio-cli config file at"),
])
def test_a_profile_that_cannot_be_used_is_exit_2_one_line_and_no_request(emu, tmp_path, name, text, fragment):
    directory = write_config(tmp_path / "tw", text) if text is not None else tmp_path / "nowhere"
    result = scan(emu, directory, "--profile", name, "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("flexaudit: error: ") and fragment in lines[0], result.stderr
    assert SECRET not in result.output
    assert emu.requests == [] and not (tmp_path / "out").exists()


def test_an_unreadable_config_file_is_exit_2(emu, tmp_path):
    directory = tmp_path / "tw"
    (directory / "config.json").mkdir(parents=True)  # a directory where the file should be
    result = scan(emu, directory, "--profile", "dev", "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 2 and "config.json is a directory" in result.stderr and emu.requests == []
