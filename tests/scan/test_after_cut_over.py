"""The families of the Flex Conversations side and of custom code, through the real SDK against the emulator:
Conversations services, the Flex conversation service's active conversations, Twilio Functions."""

from __future__ import annotations

import json

import pytest

from flexaudit.emulator import Emulator
from flexaudit.model import snapshot
from flexaudit.scan.orchestrator import run_scan

from tests.support.scanning import cli_scan, flexaudit_client
from tests.support.sids import ACCOUNT, sid

TOKEN = "0123456789abcdef0123456789abcdef"
FLEX_CONVERSATIONS = sid("IS", 0x51)
CANARY = "CANARY-7f3a-SOURCE-TEXT"

CLOSE_CHAT = f"""exports.handler = async (context, event, callback) => {{
  const client = context.getTwilioClient();
  // {CANARY}
  await client.chat.v2.services(context.CHAT_SERVICE_SID).channels('{CANARY}').remove();
  callback(null, {{}});
}};
"""
CLOSE_CHAT_OLD = "exports.handler = (c, e, cb) => cb(null, c.getTwilioClient().proxy.v1.services('KS').sid);\n"
SURVEY = "exports.handler = async (c, e, cb) => { await c.getTwilioClient().conversations.v1.conversations(e.s).fetch(); cb(); };\n"


def scenario(**extra) -> dict:
    """A migrated account: the Flex conversation service with 275 active conversations (45 stale),
    closed and inactive ones, 119 other services, and Functions deployed to four environments."""
    body = {
        "account": {"sid": ACCOUNT, "friendly_name": "Northwind"},
        "auth": {"auth_token": TOKEN},
        "flex_configuration": {"chat_service_instance_sid": sid("IS", 0x50), "ui_version": "2.9.1",
                               "taskrouter_workspace_sid": sid("WS", 1)},
        "chat_services": [{"sid": sid("IS", 0x50), "friendly_name": "Flex Chat Service"}],
        "taskrouter_workspaces": [{"sid": sid("WS", 1), "friendly_name": "Flex Task Assignment"}],
        "conversations_configuration": {"default_chat_service_sid": FLEX_CONVERSATIONS},
        "conversation_services": [
            {"sid": FLEX_CONVERSATIONS, "friendly_name": "Flex Conversation Service", "conversations": [
                {"repeat": 230, "template": {"state": "active", "date_created": "2026-11-01T00:00:00Z",
                                             "date_updated": "2026-11-20T10:00:00Z"}},
                {"repeat": 300, "template": {"state": "closed", "date_created": "2026-05-01T00:00:00Z",
                                             "date_updated": "2026-05-02T00:00:00Z"}},
                {"repeat": 45, "template": {"state": "active", "date_created": "2026-07-01T00:00:00Z",
                                            "date_updated": "2026-08-02T10:00:00Z"}},
                {"repeat": 20, "template": {"state": "inactive", "date_created": "2026-01-01T00:00:00Z",
                                            "date_updated": "2026-01-02T00:00:00Z"}},
            ]},
            *({"sid": sid("IS", 0x100 + n), "friendly_name": f"Notifications {n}"} for n in range(119)),
        ],
        "serverless_services": [
            {"sid": sid("ZS", 1), "unique_name": "flex-helpers", "builds": {
                "b1": {"functions": [{"path": "/close-chat", "content": CLOSE_CHAT},
                                     {"path": "/send-survey", "content": SURVEY}]},
                "b0": {"functions": [{"path": "/close-chat", "content": CLOSE_CHAT_OLD},
                                     {"path": "/send-survey", "content": SURVEY}]},
                "unused": {"functions": [{"path": "/old", "content": "client.flexApi.v1.flexFlow.list()"}]},
            }, "environments": [
                {"unique_name": "production", "build": "b1"},
                {"unique_name": "staging", "build": "b1"},
                {"unique_name": "dev", "build": "b0", "variables": {"DB_PASSWORD": "FAKE-SECRET-db"}},
                {"unique_name": "sandbox", "build": None},
                # a second page of environments (the list takes 1,000 a page)
                *({"unique_name": f"preview-{n}", "build": None} for n in range(1000)),
            ]},
        ],
    }
    body.update(extra)
    return body


def scan(emulator):
    client, http = flexaudit_client(emulator)
    return run_scan(client, emulator.account_sid), http


def test_conversation_services_are_listed_page_by_page():
    with Emulator(scenario()) as emu:
        inv, _ = scan(emu)
        pages = [r for r in emu.requests if r["sub"] == "conversations" and r["path"] == "/v1/Services"]
    assert inv.coverage["conversation_services"].complete
    assert len(inv.conversation_services) == 121  # the Flex chat service is a Conversations service too
    assert sid("IS", 0x50) in {s.sid for s in inv.conversation_services}
    assert inv.conversation_services[0].friendly_name == "Flex Conversation Service"
    assert len(pages) == 2 and all("PageSize=100" in r["query"] for r in pages)


def test_active_conversations_are_counted_by_day_never_stored():
    with Emulator(scenario()) as emu:
        inv, _ = scan(emu)
        pages = [r for r in emu.requests if r["path"] == f"/v1/Services/{FLEX_CONVERSATIONS}/Conversations"]
    summary = inv.active_conversations
    assert summary.service_sid == FLEX_CONVERSATIONS
    assert summary.active == 275 and summary.undated == 0
    assert summary.active_by_update_day == {"2026-11-20": 230, "2026-08-02": 45}
    # the filter went to the server: three pages of 100 active ones, not six of every state
    assert len(pages) == 3 and all("State=active" in r["query"] and "PageSize=100" in r["query"] for r in pages)
    # nothing of a conversation is kept: no CH sid in the snapshot
    assert "CH" + "0" not in json.dumps(snapshot.inventory_to_dict(inv)["active_conversations"])


def test_no_flex_conversation_service_is_complete_with_a_note():
    body = scenario(conversations_configuration={"default_chat_service_sid": None})
    with Emulator(body) as emu:
        inv, _ = scan(emu)
        assert not [r for r in emu.requests if r["path"].endswith("/Conversations")]
    coverage = inv.coverage["active_conversations"]
    assert coverage.complete and "default_chat_service_sid" in coverage.note
    assert inv.active_conversations is None


def test_a_flex_conversation_service_that_does_not_exist_is_said_not_failed():
    with Emulator(scenario(conversations_configuration={"default_chat_service_sid": sid("IS", 0xDEAD)})) as emu:
        inv, _ = scan(emu)
    coverage = inv.coverage["active_conversations"]
    assert coverage.complete and sid("IS", 0xDEAD) in coverage.note and "does not exist" in coverage.note


def test_serverless_reads_each_build_and_version_once_and_never_the_variables():
    with Emulator(scenario()) as emu:
        inv, _ = scan(emu)
        log = [r for r in emu.requests if r["sub"] == "serverless"]
    assert inv.coverage["serverless"].complete
    (service,) = inv.serverless_services
    assert service.unique_name == "flex-helpers" and len(service.environments) == 1004
    functions = {f.path: f for f in service.functions}
    assert set(functions) == {"/close-chat", "/send-survey"}  # /old is in no deployed build
    close = {tuple(v.environments): v.legacy_api_use for v in functions["/close-chat"].versions}
    assert {k: [(loc.line, loc.pattern) for loc in v] for k, v in close.items()} == {
        ("production", "staging"): [(4, ".chat.v2")],
        ("dev",): [(1, ".proxy.v1")],
    }
    (survey,) = functions["/send-survey"].versions  # one version, deployed in all three environments
    assert survey.environments == ["production", "staging", "dev"] and survey.legacy_api_use == []
    # requests: environments in two pages, builds b1 and b0 once each, three distinct versions' content
    paths = [r["path"] for r in log]
    assert sum(p.endswith("/Environments") for p in paths) == 2
    assert sum("/Builds/" in p for p in paths) == 2
    assert sum(p.endswith("/Content") for p in paths) == 3 and len(set(p for p in paths if p.endswith("/Content"))) == 3
    assert not [p for p in paths if "Variables" in p]


def test_the_inventory_keeps_locations_never_source_text():
    with Emulator(scenario()) as emu:
        inv, _ = scan(emu)
    text = snapshot.dumps(inv)
    assert CANARY not in text and "getTwilioClient" not in text and "FAKE-SECRET" not in text


@pytest.mark.parametrize("family, rules", [
    ("conversation_services", {"FLX505"}),
    ("active_conversations", {"FLX508"}),
    ("serverless", {"FLX601"}),
])
def test_a_denied_family_is_incomplete_and_skips_its_rules(tmp_path, family, rules):
    with Emulator(scenario(), deny={family: 403}) as emu:
        result = cli_scan(emu, tmp_path / "o")
    assert result.exit_code == 3, result.output
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    gap = next(c for c in report["coverage"] if c["family"] == family)
    assert gap["complete"] is False and gap["error"].startswith("HTTP 403") and set(gap["skipped_rules"]) == rules
    (flx901,) = [f for f in report["findings"] if f["rule_id"] == "FLX901"]
    assert family in flx901["message"] and all(rule in flx901["message"] for rule in rules)
    assert not [f for f in report["findings"] if f["rule_id"] in rules]
    others = [c for c in report["coverage"] if c["family"] != family]
    assert all(c["complete"] for c in others), others


def test_the_rules_see_what_was_read(tmp_path):
    with Emulator(scenario()) as emu:
        result = cli_scan(emu, tmp_path / "o")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    found = {(f["rule_id"], f["resource_name"]) for f in report["findings"] if f["rule_id"] in ("FLX508", "FLX601")}
    assert found == {("FLX508", "Flex Conversation Service"), ("FLX601", "flex-helpers/close-chat")}
    code = next(c for c in report["coverage"] if c["family"] == "code")
    assert code == {"family": "code", "complete": True, "error": None, "skipped_rules": [],
                    "note": "not requested (no --code)"}
