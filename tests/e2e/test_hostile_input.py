"""Hostile and broken input, end to end through the real CLI: no traceback, escaped output,
a clear error where the input is unusable."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flexaudit.analysis.phone import normalize_number, whatsapp_address
from flexaudit.commands.pipeline import audit
from flexaudit.emulator import Emulator
from flexaudit.readiness import cli_name, tok
from flexaudit.report import RENDERERS
from flexaudit.scan.orchestrator import run_scan

from tests.support.process import clean_env, run_flexaudit as flexaudit
from tests.support.scanning import flexaudit_client

SCRIPT = "<script>alert('owned')</script>"
NASTY = f"Sales | {SCRIPT} `rm -rf` [click](javascript:alert(1))\nsecond line *bold* =HYPERLINK(\"x\")"


def markdown_tables(md: str) -> list[list[str]]:
    blocks, current = [], []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks


def hostile(scenario: dict) -> dict:
    scenario["account"]["friendly_name"] = NASTY
    for n in scenario["incoming_phone_numbers"][:4]:
        n["friendly_name"] = NASTY
    scenario["incoming_phone_numbers"][1]["capabilities"] = None
    scenario["incoming_phone_numbers"][2].pop("capabilities")
    flows = scenario["flex_flows"]
    for f in flows:
        f["friendly_name"] = NASTY
    flows[0]["integration"] = None
    flows[1]["integration_type"] = "carrier-pigeon"
    flows[2]["channel_type"] = "rcs"
    flows[3]["contact_identity"] = None
    flows[4]["enabled"] = None
    flows[5]["integration"] = {"flow_sid": 42, "url": ["not", "a", "url"]}
    studio = scenario["studio_flows"]
    for s in studio:
        s["friendly_name"] = NASTY
    studio[0]["definition"] = "{not json"
    studio[1]["definition"] = {"description": "no states at all"}
    studio[2]["definition"] = {"states": [{"name": "Trigger", "type": "trigger",
                                           "transitions": [{"event": "incomingMessage", "next": "Gone"}]}]}
    studio[3]["definition"] = {"states": [None, 7, {"name": None}, {"type": "send-to-flex", "transitions": "x"}]}
    studio[4]["definition"] = ["a", "list"]
    studio[5]["status"] = "archived"
    scenario["proxy_services"][0]["unique_name"] = NASTY
    scenario["messaging_services"][0]["friendly_name"] = NASTY
    scenario["chat_services"][0]["friendly_name"] = NASTY
    scenario["chat_services"][0]["channels"].append({"type": "private", "attributes": "{broken"})
    scenario["address_configurations"][0]["friendly_name"] = NASTY
    scenario["address_configurations"][1]["auto_creation"] = None
    scenario["flex_configuration"]["ui_version"] = "banana"
    return scenario


def test_hostile_scenario_is_audited_escaped_and_without_traceback(demo_scenario, tmp_path):
    out = tmp_path / "o"
    with Emulator(hostile(demo_scenario)) as emu:
        result = flexaudit(["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                            "--api-base-url", emu.base_url, "--output-dir", str(out)])
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    report = json.loads((out / "flexaudit-report.json").read_text())
    assert all(c["complete"] for c in report["coverage"])
    assert report["account"]["friendly_name"] == NASTY  # JSON keeps the value, exactly
    ids = {f["rule_id"] for f in report["findings"]}
    assert "FLX205" in ids  # broken definitions are findings, not crashes
    html = (out / "flexaudit-report.html").read_text()
    assert SCRIPT not in html and "&lt;script&gt;" in html
    md = (out / "flexaudit-report.md").read_text()
    assert SCRIPT not in md and not re.search(r"(?<!\\)<script", md)
    assert not re.search(r"(?<!\\)\]\(javascript:", md)  # escaped brackets: no link is formed
    for block in markdown_tables(md):  # a pipe or newline in a name never breaks a table row
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in block}
        assert len(widths) == 1, block
    csv_text = (out / "flexaudit-addresses.csv").read_text()
    assert "\n=HYPERLINK" not in csv_text and ',"=HYPERLINK' not in csv_text and ",=HYPERLINK" not in csv_text


# Values that once broke a pasted command: a comment that drops every flag after it, a bash syntax
# error, a flag smuggled in as a value; and terminal control sequences (OSC 52 writes the clipboard).
SHELL_HOSTILE = ["-- #", "--x (y)", "--auto-creation.webhook-url=https://evil.example/hook", "#not a comment",
                 "~root", "$(touch pwned)", "it's `here`", "-n", "a\x1b]52;c;cHduZWQ=\x07b", "\x1b[2J\x9b31m"]

sid_hex = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)
names = st.one_of(st.none(), st.text(min_size=0, max_size=30),
                  st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Ll", "Pd", "Po"]),
                          max_size=20),
                  st.builds(lambda rest: "--" + rest, st.text(max_size=15)),
                  st.sampled_from([NASTY, "", "whatsapp:+14155550101", "+1 (415) 555-0101", *SHELL_HOSTILE]))
numbers = st.sampled_from(["+14155550101", "14155550101", "whatsapp:+14155550101", "+14155550102", "", "messenger:1",
                           *SHELL_HOSTILE])


@st.composite
def scenarios(draw):
    account = "AC" + draw(sid_hex)
    studio = [{"sid": f"FW{i:032x}", "friendly_name": draw(names),
               "status": draw(st.sampled_from(["published", "draft", "weird"])),
               "valid": draw(st.one_of(st.none(), st.booleans())),
               "definition": draw(st.one_of(
                   st.none(), st.text(max_size=20), st.just({"states": []}),
                   st.just({"states": [{"name": "Trigger", "type": "trigger",
                                        "transitions": [{"event": "incomingMessage", "next": "S"},
                                                        {"event": "incomingConversationMessage", "next": "S"}]},
                                       {"name": "S", "type": "send-to-flex", "transitions": [],
                                        "properties": {"workflow": "WW" + "1" * 32, "channel": "chat"}}]}),
                   st.just({"states": [{"name": "Trigger", "type": "trigger",
                                        "transitions": [{"event": "incomingMessage", "next": "Nowhere"}]}]}),
               ))} for i in range(draw(st.integers(0, 3)))]
    studio_sids = [s["sid"] for s in studio] + ["FW" + "0" * 32]
    flows = []
    for i in range(draw(st.integers(0, 5))):
        itype = draw(st.sampled_from(["studio", "external", "task", "other", None]))
        integration = draw(st.one_of(
            st.none(),
            st.builds(lambda s: {"flow_sid": s}, st.sampled_from(studio_sids)),
            st.just({"url": "http://x"}), st.just({"workspace_sid": "WS" + "1" * 32}), st.just({}),
            st.builds(lambda u: {"url": u}, st.sampled_from(SHELL_HOSTILE + ["https://u:p@h.example/x?t=1"]))))
        flows.append({"sid": f"FO{i:032x}", "friendly_name": draw(names),
                      "channel_type": draw(st.sampled_from(["sms", "whatsapp", "web", "facebook", "custom", "rcs"])),
                      "contact_identity": draw(st.one_of(st.none(), numbers)),
                      "enabled": draw(st.one_of(st.none(), st.booleans())),
                      "integration_type": itype, "integration": integration,
                      "long_lived": draw(st.one_of(st.none(), st.booleans())),
                      "janitor_enabled": draw(st.one_of(st.none(), st.booleans())),
                      "chat_service_sid": draw(st.sampled_from(["IS" + "1" * 32, "IS" + "2" * 32, None]))})
    phone_numbers = [{"sid": f"PN{i:032x}", "phone_number": p, "friendly_name": draw(names),
                      "capabilities": draw(st.one_of(st.none(), st.just({"sms": True}), st.just({"sms": False}))),
                      "sms_url": draw(st.sampled_from([None, "", "https://example.com/sms",
                                                       f"https://webhooks.twilio.com/v1/Accounts/{account}/Proxy/KS{'1' * 32}/Webhooks/Message"]))}
                     for i, p in enumerate(draw(st.lists(st.sampled_from(["+14155550101", "+14155550102", "+14155550103"]),
                                            unique=True, max_size=3)))]
    scenario = {"account": {"sid": account, "friendly_name": draw(names) or "x"},
                "auth": {"auth_token": draw(sid_hex)},
                "incoming_phone_numbers": phone_numbers, "flex_flows": flows, "studio_flows": studio,
                "proxy_services": draw(st.sampled_from([[], [{"sid": "KS" + "1" * 32, "unique_name": "Flex Proxy Service",
                                                               "chat_instance_sid": "IS" + "1" * 32}]])),
                "chat_services": [{"sid": "IS" + "1" * 32, "channels": [
                    {"repeat": draw(st.integers(0, 150)), "template": {"type": "private", "attributes": draw(
                        st.sampled_from(["", "{", "[]", {"status": "INACTIVE"}, {"status": 3}]))}}]}]}
    if draw(st.booleans()):
        scenario["flex_configuration"] = {"chat_service_instance_sid": draw(st.sampled_from(["IS" + "1" * 32, None])),
                                          "ui_version": draw(st.sampled_from(["1.34.6", "2.13.1", "", "x.y", None])),
                                          "taskrouter_workspace_sid": "WS" + "1" * 32}
    if draw(st.booleans()):
        scenario["taskrouter_workspaces"] = [{"sid": "WS" + "1" * 32, "workflows": [{"sid": "WW" + "1" * 32}],
                                              "task_channels": [{"sid": "TC" + "1" * 32, "unique_name": "chat"}]}]
    return scenario


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios(), st.dates())
def test_random_accounts_never_crash_the_scan_rules_or_renderers(scenario, as_of):
    with Emulator(scenario) as emu:
        client, _ = flexaudit_client(emu, max_attempts=1)
        inventory = run_scan(client, emu.account_sid)
    bugs = {f: c.error for f, c in inventory.coverage.items() if c.error and "unexpected" in c.error}
    assert not bugs  # a scanner never trips over odd data
    report = audit(inventory, as_of)
    for renderer in RENDERERS.values():
        text = renderer.render(report)
        assert isinstance(text, str) and text
    assert {f.rule_id for f in report.findings} <= {f"FLX{n}" for n in range(100, 1000)}
    flows = {f.sid: f for f in inventory.flex_flows}
    for plan in report.addresses:
        for step in plan.steps:
            for command in commands(step):
                check_pasteable(command, flows[plan.flex_flow_sid])


def commands(step: str) -> list[str]:
    """The twilio-cli commands a step gives between backticks."""
    return [c for c in re.findall(r"`([^`]*)`", step) if c.startswith("twilio ")]


def parse_cli(command: str) -> tuple[str, list[tuple[str, str | None]]]:
    """A command as bash splits it (a word starting with # begins a comment) and as twilio-cli's parser
    (oclif) reads it: a flag takes the next word as its value unless that word starts with a dash."""
    words = shlex.split(command, comments=True)
    assert words == shlex.split(command), f"a # starts a comment in: {command}"
    assert words[0] == "twilio"
    flags, rest = [], words[2:]
    while rest:
        word = rest.pop(0)
        assert word.startswith("--"), f"a positional argument {word!r} in: {command}"
        name, eq, value = word.partition("=")
        if eq:
            flags.append((name, value))
        elif rest and not rest[0].startswith("-"):
            flags.append((name, rest.pop(0)))
        else:
            flags.append((name, None))
    return words[1], flags


def check_pasteable(command: str, flow) -> None:
    name, flags = parse_cli(command)
    if name != "api:conversations:v1:configuration:addresses:create":
        return
    identity = (flow.contact_identity or "").strip()
    channel = (flow.channel_type or "").strip().lower()
    atype, address = {
        "sms": ("sms", tok(normalize_number(identity), "+1<number>")),
        "whatsapp": ("whatsapp", tok(whatsapp_address(identity), "whatsapp:+1<number>")),
    }.get(channel, ("messenger", tok(identity, "messenger:<page id>")))
    friendly = cli_name(flow.friendly_name)
    expected = [("--type", atype), ("--address", address)] + ([("--friendly-name", friendly)] if friendly else [])
    assert flags[:len(expected)] == expected, command
    names = [flag for flag, _ in flags[len(expected):]]
    assert names[:3] == ["--auto-creation.enabled", "--auto-creation.conversation-service-sid", "--auto-creation.type"]
    assert dict(flags)["--auto-creation.enabled"] is None and "--auto-creation.type" in names


def test_commands_with_hostile_values_paste_into_a_real_shell_intact(demo_scenario, tmp_path):
    """The values of the issue, through the CLI; each command run by sh with `twilio` printing its arguments."""
    sh = shutil.which("sh")
    assert sh, "a POSIX shell is part of every system this runs on"
    flows = [f for f in demo_scenario["flex_flows"] if f.get("enabled", True)
             and f.get("channel_type") in ("sms", "whatsapp", "facebook")]
    for flow, name in zip(flows, SHELL_HOSTILE):
        flow["friendly_name"] = name
    messenger = next(f for f in flows if f["channel_type"] == "facebook")
    messenger["contact_identity"] = "--auto-creation.webhook-url=https://evil.example/hook"
    with Emulator(demo_scenario) as emu:
        result = flexaudit(["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                            "--api-base-url", emu.base_url, "--quiet", "--format", "json",
                            "--output-dir", str(tmp_path / "o")])
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    by_sid = {f["sid"]: f for f in demo_scenario["flex_flows"]}
    (tmp_path / "flow.json").write_text("{}")
    checked = 0
    for plan in report["addresses"]:
        for command in (c for step in plan["steps"] for c in commands(step)):
            shell = subprocess.run([sh, "-c", 'twilio() { printf "%s\\n" "$@"; }\n' + command],
                                   capture_output=True, text=True, cwd=tmp_path, timeout=10)
            assert shell.returncode == 0 and shell.stderr == "", (command, shell.stderr)
            if '"$(cat flow.json)"' not in command:  # the one substitution a step asks for on purpose
                assert shell.stdout.splitlines() == shlex.split(command)[1:], command
            if "addresses:create" in command:
                flow = by_sid[plan["flex_flow_sid"]]
                _, flags = parse_cli(command)
                assert dict(flags).get("--friendly-name", "") == cli_name(flow["friendly_name"])
                checked += 1
    assert checked >= 8
    assert not (tmp_path / "pwned").exists()
    messenger_plan = next(p for p in report["addresses"] if p["flex_flow_sid"] == messenger["sid"])
    create = next(c for step in messenger_plan["steps"] for c in commands(step) if "addresses:create" in c)
    # not an identity at all: a placeholder the operator fills in, never a flag of the command
    assert dict(parse_cli(create)[1])["--address"] == "messenger:<page id>"
    for exact in ("-- #", "--x (y)"):  # names made only of harmless characters come back exactly
        assert any(f"--friendly-name={shlex.quote(exact)}" in c for p in report["addresses"]
                   for step in p["steps"] for c in commands(step))


def run_on_a_terminal(args) -> tuple[int, str, str]:
    """flexaudit with its stderr on a pseudo-terminal (so the progress line is on), 400 columns wide (so no
    line is cut): exit code, all it wrote there, and its standard output."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "flexaudit", *args], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=slave, env=clean_env({"COLUMNS": "400"}))
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    out, _ = process.communicate(timeout=60)
    return process.returncode, seen.decode("utf-8", "replace"), out.decode("utf-8", "replace")


def test_no_raw_control_sequence_from_a_server_reaches_the_terminal(demo_scenario, tmp_path):
    osc52 = "\x1b]52;c;cHduZWQ=\x07"  # writes "pwned" to the clipboard of a terminal that receives it
    with Emulator(demo_scenario, deny={"proxy": 403}, error_message={"proxy": f"{osc52} denied \x9b2J"}) as emu:
        code, terminal, summary = run_on_a_terminal(["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                                            "--api-base-url", emu.base_url, "--output-dir", str(tmp_path / "o")])
    assert code == 3
    # the progress line said it, made harmless
    assert "proxy: could not be read (HTTP 403, Twilio error 20403: Unable to fetch page: \ufffd]52;c;cHduZWQ=\ufffd" \
        in terminal
    assert "HTTP 403, Twilio error 20403: Unable to fetch page: \ufffd]52;c;cHduZWQ=\ufffd" in summary  # and the summary
    assert "\x1b" not in summary and "\x07" not in summary and "\x9b" not in summary
    # the only escape sequence is flexaudit's own "erase the line" of the progress line
    assert re.sub(r"\x1b\[K", "", terminal).count("\x1b") == 0 and "\x07" not in terminal and "\x9b" not in terminal
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    assert osc52 not in json.dumps(report, ensure_ascii=False)  # nor in the reports
