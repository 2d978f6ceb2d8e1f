"""Guarantees of the contract, proven on real processes: no credential ever leaves in
any file, stdout, stderr or request log; customer identities are never listed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flexaudit.emulator import Emulator

TOKEN = "7e57ab1e" * 4  # 32 hex: distinctive enough to grep for
KEY_SID = "SK" + "5ec7e7" * 5 + "ab"
KEY_SECRET = "Zq9DistinctiveApiSecretValue42Xy"


def flexaudit(args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "FLEXAUDIT_"))}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "flexaudit", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture
def secret_scenario(demo_scenario):
    demo_scenario["auth"] = {"auth_token": TOKEN, "api_keys": [{"sid": KEY_SID, "secret": KEY_SECRET}]}
    return demo_scenario


def everything_written(out: Path, *results, extra_files=()):
    texts = [r.stdout + r.stderr for r in results]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()]
    texts += [Path(f).read_text() for f in extra_files if Path(f).exists()]
    return "\n".join(texts)


def test_no_credential_anywhere_across_every_kind_of_run(secret_scenario, tmp_path):
    log = tmp_path / "requests.jsonl"
    results = []
    with Emulator(secret_scenario, request_log_path=log) as emu:
        base = ["--account-sid", emu.account_sid, "--api-base-url", emu.base_url]
        # auth token by flag, API key by environment, a failing gate, a rejected token
        results.append(flexaudit(["scan", *base, "--auth-token", TOKEN, "--output-dir", str(tmp_path / "a")]))
        results.append(flexaudit(["scan", "--account-sid", emu.account_sid, "--output-dir", str(tmp_path / "b"),
                                  "--fail-on", "info"],
                                 {"TWILIO_API_KEY": KEY_SID, "TWILIO_API_SECRET": KEY_SECRET,
                                  "FLEXAUDIT_API_BASE_URL": emu.base_url}))
        results.append(flexaudit(["scan", *base, "--auth-token", TOKEN[::-1], "--output-dir", str(tmp_path / "c")]))
    with Emulator(secret_scenario, deny={"chat": 403}, hang=["studio"], hang_seconds=5) as emu:
        results.append(flexaudit(["scan", "--account-sid", emu.account_sid, "--api-base-url", emu.base_url,
                                  "--auth-token", TOKEN, "--timeout", "1", "--output-dir", str(tmp_path / "d")]))
    results.append(flexaudit(["scan", "--account-sid", "AC" + "1" * 32, "--auth-token", TOKEN + "zz"]))

    assert [r.returncode for r in results] == [0, 1, 2, 3, 2], [r.stderr for r in results]
    assert (tmp_path / "a" / "flexaudit-inventory.json").exists()
    blob = everything_written(tmp_path, *results, extra_files=[log])
    for secret in (TOKEN, KEY_SECRET, TOKEN[::-1], TOKEN + "zz"):
        assert secret not in blob
    # the emulator's account resource carries the token, as Twilio's does: the inventory must drop it
    assert "auth_token" not in (tmp_path / "a" / "flexaudit-inventory.json").read_text()


def test_customer_identities_are_counted_not_listed(demo_scenario, tmp_path):
    customer = "+15005550006"  # the `from` of every demo chat channel
    demo_scenario["chat_services"][0]["channels"].append(
        {"type": "private", "attributes": {"from": "+4915112345678", "status": "ACTIVE", "channel_type": "sms"}})
    with Emulator(demo_scenario) as emu:
        result = flexaudit(["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                            "--api-base-url", emu.base_url, "--output-dir", str(tmp_path / "o")])
    assert result.returncode == 0, result.stderr
    blob = everything_written(tmp_path / "o", result)
    assert customer not in blob and "+4915112345678" not in blob
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    flx302 = next(f for f in report["findings"] if f["rule_id"] == "FLX302")
    assert "45 active channel" in flx302["message"] and "sms: 22" in flx302["message"]  # counts, not identities


def test_message_bodies_and_senders_never_leave_the_scan(demo_scenario, tmp_path):
    from flexaudit.emulator.resources import CUSTOMER_BODY, CUSTOMER_FROM_PREFIX

    canary_body, canary_sender = "CANARY-BODY-4711", "+19990004711"
    demo_scenario["messages"].append({"to": "+14155550101", "from": canary_sender, "body": canary_body,
                                      "date_sent": "2026-11-21T08:59:00Z"})
    demo_scenario["messages"].append({"to": "whatsapp:+14155550112", "from": f"whatsapp:{canary_sender}",
                                      "body": canary_body, "date_sent": "2026-11-20T08:00:00Z"})
    with Emulator(demo_scenario) as emu:
        result = flexaudit(["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                            "--api-base-url", emu.base_url, "--as-of", "2026-11-21", "--output-dir",
                            str(tmp_path / "o")])
        asked = [r for r in emu.requests if r["path"].endswith("/Messages.json")]
    assert result.returncode == 0, result.stderr
    addresses = {(f["channel_type"], "".join(c for c in f["contact_identity"] if c.isdigit()))
                 for f in demo_scenario["flex_flows"]
                 if f.get("enabled", True) and f["channel_type"] in ("sms", "whatsapp")}
    assert len(asked) == len(addresses) == 19  # one per distinct enabled sms/whatsapp address of the demo
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    support = next(a for a in report["addresses"] if a["contact_identity"] == "+14155550101" and a["enabled"])
    assert support["last_inbound_at"] == "2026-11-21T08:59:00Z"  # the canary message was read: its date only
    blob = everything_written(tmp_path / "o", result)
    for canary in (canary_body, canary_sender, CUSTOMER_BODY, CUSTOMER_FROM_PREFIX):
        assert canary not in blob


SOURCE_CANARY = "CANARY-5ource-7ext-9b1f"


def test_source_text_of_functions_and_code_trees_stays_in_memory(demo_scenario, tmp_path):
    """A canary on a matching line of a deployed Function and of a local file: the findings name both
    lines, and the canary is in no file written, no terminal output, no request; Variables are never asked."""
    function = (f"exports.handler = async (context, event, callback) => {{\n"
                f"  await context.getTwilioClient().chat.v2.services('{SOURCE_CANARY}').channels(event.c).remove();\n"
                f"  callback(null, {{}});\n}};\n")
    demo_scenario["serverless_services"] = [{
        "unique_name": "flex-helpers",
        "builds": {"b1": {"functions": [{"path": "/close-chat", "content": function}]}},
        "environments": [{"unique_name": "production", "build": "b1",
                          "variables": {"CANARY_SECRET": f"FAKE-SECRET-{SOURCE_CANARY}"}}],
    }]
    plugin = tmp_path / "plugin"
    (plugin / "src").mkdir(parents=True)
    (plugin / "src" / "Chat.js").write_text(f"import Chat from 'twilio-chat'; // {SOURCE_CANARY}\n")
    log = tmp_path / "requests.jsonl"
    with Emulator(demo_scenario, request_log_path=log) as emu:
        result = flexaudit(["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                            "--api-base-url", emu.base_url, "--code", str(plugin), "--output-dir", str(tmp_path / "o")])
        variables = [r for r in emu.requests if "Variables" in r["path"]]
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    messages = {f["rule_id"]: f["message"] for f in report["findings"] if f["rule_id"] in ("FLX601", "FLX602")}
    assert "/close-chat:2 (.chat.v2)" in messages["FLX601"] and "src/Chat.js:1 ('twilio-chat')" in messages["FLX602"]
    assert "Custom code on the legacy APIs: 1 function(s), 1 file(s)\n  flex-helpers/close-chat, src/Chat.js\n" in result.stdout
    assert SOURCE_CANARY not in everything_written(tmp_path / "o", result, extra_files=[log])
    assert not variables
