"""The migration loop's account, its writable emulator, and the loop's moves as a user makes them.

The account runs Flex UI 2.x (no account-wide blocker) and holds what the
scripts must get right: a number carrying an sms and a whatsapp flow (they
move together), a number in both the Flex Proxy pool and a Messaging Service
with an external (webhook) flow, a third ready number to break by hand, and a
blocked task flow. Friendly names are hostile.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flexaudit.cli import cli
from flexaudit.emulator import Emulator
from flexaudit.model import snapshot

from tests.support.inventory import studio_definition
from tests.support.sids import sid

ACCOUNT = sid("AC", 0x1313)
TOKEN = "13" * 16
API_KEY, API_SECRET = sid("SK", 0x13), "key-secret-never-printed"
IS_FLEX, IS_CONV = sid("IS", 0x131), sid("IS", 0x132)
KS, MG = sid("KS", 0x131), sid("MG", 0x131)
WS, WW, TC = sid("WS", 0x131), sid("WW", 0x131), sid("TC", 0x131)
FW = sid("FW", 0x131)
PN_PAIR, PN_EXTERNAL, PN_OTHER, PN_TASK = (sid("PN", 0x1301), sid("PN", 0x1302), sid("PN", 0x1303),
                                          sid("PN", 0x1304))
FO_SMS, FO_WHATSAPP, FO_EXTERNAL, FO_OTHER, FO_TASK = (sid("FO", 0x1301), sid("FO", 0x1302), sid("FO", 0x1303),
                                                      sid("FO", 0x1304), sid("FO", 0x1305))
PROXY_WEBHOOK = f"https://webhooks.twilio.com/v1/Accounts/{ACCOUNT}/Proxy/{KS}/Webhooks/Message"

# Each would break a script that spliced it into code, a comment, a docstring or a shell line.
HOSTILE_NAMES = {
    FO_SMS: "SMS'''\"\"\"; import os; os.system('touch PWNED') #\n# {{ 7*7 }} \\",
    FO_WHATSAPP: "WhatsApp \u202egnp.exe\u202c \x1b[31mred\x1b[0m $(touch PWNED) `id`\r\nsecond line",
    FO_EXTERNAL: "Webhook --friendly-name x; rm -rf / # \u2028 {% raw %}",
    FO_OTHER: "Other <script>alert(1)</script> | table",
}


def _number(pn: str, phone: str) -> dict:
    return {"sid": pn, "phone_number": phone, "friendly_name": phone, "sms_url": PROXY_WEBHOOK, "sms_method": "POST",
            "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False}}


def _studio_flow(fo: str, channel: str, identity: str) -> dict:
    return {"sid": fo, "friendly_name": HOSTILE_NAMES[fo], "chat_service_sid": IS_FLEX, "channel_type": channel,
            "contact_identity": identity, "enabled": True, "integration_type": "studio",
            "integration": {"flow_sid": FW, "retry_count": 3}, "long_lived": False, "janitor_enabled": True}


def migration_scenario() -> dict:
    """A fresh scenario each call (the emulator's writes change what it is given)."""
    return {
        "name": "migration loop",
        "account": {"sid": ACCOUNT, "friendly_name": "Loop Outdoor Co.", "status": "active"},
        "auth": {"auth_token": TOKEN, "api_keys": [{"sid": API_KEY, "secret": API_SECRET}]},
        "incoming_phone_numbers": [_number(PN_PAIR, "+15550130001"), _number(PN_EXTERNAL, "+15550130002"),
                                   _number(PN_OTHER, "+15550130003"), _number(PN_TASK, "+15550130004")],
        "flex_configuration": {"chat_service_instance_sid": IS_FLEX, "ui_version": "2.10.1",
                               "taskrouter_workspace_sid": WS, "taskrouter_target_workflow_sid": WW},
        "flex_flows": [
            _studio_flow(FO_SMS, "sms", "+15550130001"),
            _studio_flow(FO_WHATSAPP, "whatsapp", "whatsapp:+15550130001"),
            {"sid": FO_EXTERNAL, "friendly_name": HOSTILE_NAMES[FO_EXTERNAL], "chat_service_sid": IS_FLEX,
             "channel_type": "sms", "contact_identity": "+15550130002", "enabled": True,
             "integration_type": "external", "integration": {"url": "https://hooks.example.com/flex", "retry_count": 1},
             "long_lived": True, "janitor_enabled": False},
            _studio_flow(FO_OTHER, "sms", "+15550130003"),
            {"sid": FO_TASK, "friendly_name": "Task", "chat_service_sid": IS_FLEX, "channel_type": "sms",
             "contact_identity": "+15550130004", "enabled": True, "integration_type": "task",
             "integration": {"workspace_sid": WS, "workflow_sid": WW, "channel": "sms"}, "janitor_enabled": True},
        ],
        "studio_flows": [{"sid": FW, "friendly_name": "Messaging Flow", "status": "published", "revision": 4,
                          "valid": True, "errors": [], "warnings": [],
                          "definition": studio_definition(workflow=WW, channel=TC)}],
        "proxy_services": [{"sid": KS, "unique_name": "Flex Proxy Service", "chat_instance_sid": IS_FLEX,
                            "phone_numbers": [{"sid": pn, "phone_number": phone} for pn, phone in (
                                (PN_PAIR, "+15550130001"), (PN_EXTERNAL, "+15550130002"),
                                (PN_OTHER, "+15550130003"), (PN_TASK, "+15550130004"))]}],
        "messaging_services": [{"sid": MG, "friendly_name": "A2P", "inbound_request_url": "https://example.com/in",
                                "use_inbound_webhook_on_number": True,
                                "phone_numbers": [{"sid": PN_EXTERNAL, "phone_number": "+15550130002"}]}],
        "chat_services": [{"sid": IS_FLEX, "friendly_name": "Flex Chat Service"}],
        "conversations_configuration": {"default_chat_service_sid": IS_CONV},
        "conversation_services": [{"sid": IS_CONV, "friendly_name": "Flex Conversation Service"}],
        "address_configurations": [],
        "taskrouter_workspaces": [{"sid": WS, "friendly_name": "Flex Task Assignment",
                                   "workflows": [{"sid": WW, "friendly_name": "Assign to Anyone"}],
                                   "task_channels": [{"sid": TC, "unique_name": "chat"}]}],
    }


@pytest.fixture
def writable():
    """The loop's account on an emulator that accepts the scripts' writes."""
    with Emulator(migration_scenario(), allow_writes=True) as emulator:
        yield emulator


def writes(emulator: Emulator) -> list[tuple[str, str]]:
    """(method, /<sub><path>) of every request but GETs the emulator answered."""
    return [(r["method"], f"/{r['sub']}{r['path']}") for r in emulator.requests if r["method"] != "GET"]


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args))


def scan(emulator: Emulator, out: Path):
    """`flexaudit scan` of the emulator into `out`; the snapshot."""
    result = run_cli("scan", "--account-sid", emulator.account_sid, "--auth-token", emulator.auth_token,
                     "--api-base-url", emulator.base_url, "--quiet", "--format", "json", "--output-dir", str(out))
    assert result.exit_code == 0, result.output
    return snapshot.load(out / "flexaudit-inventory.json")


def script_env(emulator: Emulator, **credentials: str) -> dict:
    """What a user's shell holds: the account's credentials and the emulator's address, nothing else."""
    env = {"PATH": os.environ.get("PATH", ""), "FLEXAUDIT_API_BASE_URL": emulator.base_url,
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.update(credentials or {"TWILIO_ACCOUNT_SID": emulator.account_sid, "TWILIO_AUTH_TOKEN": emulator.auth_token})
    return env


def run_script(path: Path, emulator: Emulator, *args: str, stdin: str | None = None, env: dict | None = None):
    """A generated script run as a user runs it: `python migrate-PN….py --yes`, from its directory."""
    return subprocess.run([sys.executable, path.name, *args], cwd=path.parent, env=env or script_env(emulator),
                          input=stdin if stdin is not None else "", capture_output=True, text=True, timeout=60)


def wiring(inventory) -> dict:
    """What the migration changes and the rollback must restore, without the SIDs a recreation changes."""
    flows = sorted((f.channel_type, f.contact_identity, f.friendly_name, f.chat_service_sid, f.enabled,
                    f.integration_type, json.dumps(f.integration, sort_keys=True), f.long_lived, f.janitor_enabled)
                   for f in inventory.flex_flows)
    numbers = sorted((n.sid, n.phone_number, n.sms_url, n.sms_method, n.sms_application_sid)
                     for n in inventory.phone_numbers)
    pools = sorted((s.sid, sorted(p.sid for p in s.phone_numbers)) for s in inventory.proxy_services)
    services = sorted((s.sid, sorted(p.sid for p in s.phone_numbers)) for s in inventory.messaging_services)
    return {"flows": flows, "numbers": numbers, "proxy": pools, "messaging": services,
            "addresses": sorted(a.address for a in inventory.address_configurations)}
