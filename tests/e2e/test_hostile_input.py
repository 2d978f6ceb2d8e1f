"""Hostile and broken input, end to end through the real CLI: no traceback, escaped output,
a clear error where the input is unusable."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flexaudit.commands.pipeline import audit
from flexaudit.emulator import Emulator
from flexaudit.report import RENDERERS
from flexaudit.scan.orchestrator import run_scan

from tests.support.scanning import flexaudit_client

SCRIPT = "<script>alert('owned')</script>"
NASTY = f"Sales | {SCRIPT} `rm -rf` [click](javascript:alert(1))\nsecond line *bold* =HYPERLINK(\"x\")"


def flexaudit(args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "FLEXAUDIT_"))}
    return subprocess.run([sys.executable, "-m", "flexaudit", *args], capture_output=True, text=True, env=env,
                          timeout=120)


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


sid_hex = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)
names = st.one_of(st.none(), st.text(min_size=0, max_size=30),
                  st.sampled_from([NASTY, "", "whatsapp:+14155550101", "+1 (415) 555-0101"]))
numbers = st.sampled_from(["+14155550101", "14155550101", "whatsapp:+14155550101", "+14155550102", "", "messenger:1"])


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
            st.just({"url": "http://x"}), st.just({"workspace_sid": "WS" + "1" * 32}), st.just({})))
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
