"""Guarantees of the contract, proven on real processes: no credential ever leaves in
any file, stdout, stderr or request log; customer identities are never listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flexaudit.emulator import Emulator

from tests.support.process import run_flexaudit as flexaudit

TOKEN = "7e57ab1e" * 4  # 32 hex: distinctive enough to grep for
KEY_SID = "SK" + "5ec7e7" * 5 + "ab"
KEY_SECRET = "Zq9DistinctiveApiSecretValue42Xy"


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


# --- the credential goes only to Twilio, over https, in every mode (issue 10, item 1) -----------------


def test_a_real_scan_sends_the_credential_to_twilio_only_whatever_the_links_say(demo_scenario, tmp_path):
    from tests.support.tls_proxy import TwilioStandInProxy

    with TwilioStandInProxy(tmp_path / "ca.pem") as proxy:
        links = {
            "flex_flows": "https://evil.example/v1/FlexFlows?Page=1",
            "proxy": f"{proxy.url}/v1/Services?PageSize=1000&Page=1",  # http://127.0.0.1:…, a collector
            "messaging": "http://messaging.twilio.com/v1/Services?PageSize=1000&Page=1",
            "studio": "https://studio.twilio.com.evil.example/v2/Flows?Page=1",
        }
        with Emulator(demo_scenario, next_page_url=links) as emu:
            proxy.forward_to(emu.base_url)
            result = flexaudit(["scan", "--quiet", "--format", "json", "--output-dir", str(tmp_path / "o")],
                               {"HTTPS_PROXY": proxy.url, "HTTP_PROXY": proxy.url, "REQUESTS_CA_BUNDLE": proxy.ca_file,
                                "TWILIO_ACCOUNT_SID": emu.account_sid, "TWILIO_AUTH_TOKEN": emu.auth_token})
            answered_by_emulator = [r for r in emu.requests if r["username"] == emu.account_sid]

    assert proxy.leaks == []  # no request, with or without the credential, reached anything but Twilio
    assert result.returncode == 3, result.stderr
    assert proxy.forwarded > 10 and len(answered_by_emulator) == proxy.forwarded  # the scan really ran, over TLS
    assert all(t.endswith(".twilio.com:443") for t in proxy.tunnels)
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    errors = {c["family"]: c["error"] for c in report["coverage"] if not c["complete"]}
    assert set(errors) == {*links, "messages"}  # messages: looked up per Flex Flow address
    assert errors["flex_flows"] == ("refused to follow a link to https://evil.example (not a twilio.com host): "
                                    "the credential is only sent to https://*.twilio.com")
    assert "not https" in errors["proxy"] and "127.0.0.1" in errors["proxy"]
    assert "not https" in errors["messaging"] and "not a twilio.com host" not in errors["messaging"]
    assert "studio.twilio.com.evil.example (not a twilio.com host)" in errors["studio"]
    assert "flexaudit: scan incomplete: could not read" in result.stderr


def test_with_a_base_url_a_foreign_link_is_refused_before_it_is_mapped(demo_scenario, tmp_path):
    with Emulator(demo_scenario, next_page_url={"flex_flows": "https://evil.example/v1/FlexFlows?Page=1"},
                  redirect={"flex_configuration": "https://evil.example/v1/Configuration"}) as emu:
        base_url = emu.base_url
        result = flexaudit(["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                            "--api-base-url", emu.base_url, "--quiet", "--format", "json",
                            "--output-dir", str(tmp_path / "o")])
        flows = [r for r in emu.requests if r["path"] == "/v1/FlexFlows"]
        configuration = [r for r in emu.requests if r["path"] == "/v1/Configuration" and r["sub"] == "flex-api"]
    assert result.returncode == 3, result.stderr
    assert len(flows) == 1  # the evil link was not mapped onto the base URL and followed
    assert len(configuration) == 1  # a 307 is never followed, nor retried
    errors = {c["family"]: c["error"] for c in
              json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())["coverage"] if not c["complete"]}
    assert "refused to follow a link to https://evil.example" in errors["flex_flows"]
    assert errors["flex_configuration"] == (f"{base_url} answered 307 (a redirect to https://evil.example): "
                                            "redirects are never followed")


# --- URLs are stored without user info and query, the snapshot included (item 11) -----------------------

def test_urls_are_kept_without_user_info_or_query_anywhere_in_the_snapshot(demo_scenario, tmp_path):
    secret = "user:S3cretPw@"
    proxy_webhook = demo_scenario["incoming_phone_numbers"][0]["sms_url"]
    demo_scenario["incoming_phone_numbers"][1]["sms_url"] = f"https://{secret}hooks.acme.example/sms?token=T0kenValue#x"
    demo_scenario["incoming_phone_numbers"][0]["sms_url"] = proxy_webhook + "?token=T0kenValue"
    demo_scenario["messaging_services"][0]["inbound_request_url"] = "https://promo.acme.example/sms?token=T0kenValue"
    crm = next(f for f in demo_scenario["flex_flows"] if f.get("integration_type") == "external")
    crm["integration"]["url"] = f"http://{secret}crm.acme.example/flex/inbound?token=T0kenValue"
    webhook = next(a for a in demo_scenario["address_configurations"] if a["auto_creation"].get("webhook_url"))
    webhook["auto_creation"]["webhook_url"] += "?token=T0kenValue"
    studio = next(s for s in demo_scenario["studio_flows"] if isinstance(s.get("definition"), dict))
    studio["definition"]["states"].append({"name": "call_api", "type": "make-http-request", "transitions": [],
                                           "properties": {"url": f"https://{secret}api.acme.example/x?key=T0kenValue",
                                                          "body": "see https://docs.acme.example/a?sig=T0kenValue"}})
    with Emulator(demo_scenario) as emu:
        result = flexaudit(["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                            "--api-base-url", emu.base_url, "--output-dir", str(tmp_path / "o")])
    assert result.returncode == 0, result.stderr
    everything = everything_written(tmp_path / "o", result)
    assert "S3cretPw" not in everything and "T0kenValue" not in everything and "#x" not in everything
    inventory = json.loads((tmp_path / "o" / "flexaudit-inventory.json").read_text())
    numbers = {n["sid"]: n for n in inventory["phone_numbers"]}
    assert numbers[demo_scenario["incoming_phone_numbers"][1]["sid"]]["sms_url"] == "https://hooks.acme.example/sms"
    assert numbers[demo_scenario["incoming_phone_numbers"][0]["sid"]]["sms_url"] == proxy_webhook
    flows = {f["sid"]: f for f in inventory["flex_flows"]}
    assert flows[crm["sid"]]["integration"]["url"] == "http://crm.acme.example/flex/inbound"
    kept = next(s for s in inventory["studio_flows"] if s["sid"] == studio["sid"])["definition"]["states"][-1]
    assert kept["properties"] == {"url": "https://api.acme.example/x", "body": "see https://docs.acme.example/a"}
    # the Flex Proxy webhook comparison reads the stripped URL: the number still counts as wired to Proxy
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    first = demo_scenario["incoming_phone_numbers"][0]["sid"]
    assert not [f for f in report["findings"] if f["rule_id"] == "FLX101" and f["resource_sid"] == first]
