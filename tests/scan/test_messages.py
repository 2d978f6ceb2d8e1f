"""The messages family: each enabled sms/whatsapp address's last inbound date, through the SDK and the emulator."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from flexaudit.emulator import Emulator
from flexaudit.emulator.resources import CUSTOMER_BODY, CUSTOMER_FROM_PREFIX
from flexaudit.model import snapshot
from flexaudit.model.inventory import FlexFlow
from flexaudit.scan.messages import NO_TRAFFIC_NOTE, inbound_addresses
from flexaudit.scan.orchestrator import run_scan

from tests.support.emulator import IS_FLEX, small_scenario
from tests.support.scanning import cli_scan, flexaudit_client
from tests.support.sids import sid

SMS = "+15550100001"
WHATSAPP = "whatsapp:+15550100002"
QUIET = "+15550100004"  # an enabled address that never received a message
OFF = "+15550100005"  # only a disabled flow: not asked about
CANARY_FROM = "+19990001234"


def _flow(n: int, channel: str, identity: str, enabled: bool = True) -> dict:
    return {"sid": sid("FO", 0x100 + n), "friendly_name": f"{channel} {n}", "chat_service_sid": IS_FLEX,
            "channel_type": channel, "contact_identity": identity, "integration_type": "studio",
            "integration": {"flow_sid": sid("FW", 1)}, "enabled": enabled, "janitor_enabled": True}


def traffic_scenario() -> dict:
    scenario = small_scenario()
    scenario["flex_flows"] = [
        _flow(1, "sms", SMS),
        _flow(2, "sms", "1 (555) 010-0001"),  # the same address spelled otherwise: asked once
        _flow(3, "whatsapp", "+1 555 010 0002"),  # no prefix: asked as whatsapp:+E.164
        _flow(4, "sms", QUIET),
        _flow(5, "sms", OFF, enabled=False),
        _flow(6, "web", "web"),
    ]
    scenario["messages"] = [
        {"to": SMS, "count": 30, "newest": "2026-10-02T14:03:11Z", "interval_minutes": 90},
        {"to": WHATSAPP, "from": f"whatsapp:{CANARY_FROM}", "date_sent": "2026-09-01T08:00:00Z",
         "body": f"{CUSTOMER_BODY} where is my order?"},
        # sent to the sms address: must not count for the WhatsApp one, nor the reverse
        {"to": "+15550100002", "from": CANARY_FROM, "date_sent": "2026-11-20T08:00:00Z"},
        {"to": OFF, "from": CANARY_FROM, "date_sent": "2026-11-01T08:00:00Z"},
    ]
    return scenario


def _message_requests(emu) -> list[dict]:
    return [r for r in emu.requests if r["path"].endswith("/Messages.json")]


def test_inbound_addresses_are_distinct_normalized_and_only_of_enabled_sms_whatsapp_flows():
    flows = [FlexFlow(sid="FO1", channel_type="sms", contact_identity="+1 555-010-0001", enabled=True),
             FlexFlow(sid="FO2", channel_type="sms", contact_identity="15550100001", enabled=None),
             FlexFlow(sid="FO3", channel_type="whatsapp", contact_identity="+15550100002", enabled=True),
             FlexFlow(sid="FO4", channel_type="whatsapp", contact_identity="whatsapp:+15550100003", enabled=False),
             FlexFlow(sid="FO5", channel_type="web", contact_identity="web", enabled=True),
             FlexFlow(sid="FO6", channel_type="sms", contact_identity="", enabled=True)]
    assert inbound_addresses(flows) == ["+15550100001", "whatsapp:+15550100002"]


def test_one_request_per_address_and_only_the_date_is_kept():
    with Emulator(traffic_scenario()) as emu:
        client, _ = flexaudit_client(emu)
        inv = run_scan(client, emu.account_sid)
        requests = _message_requests(emu)
    assert inv.coverage["messages"].complete is True and inv.coverage["messages"].note is None
    assert {e.address: e.last_inbound_at for e in inv.last_inbound} == {
        SMS: "2026-10-02T14:03:11Z", WHATSAPP: "2026-09-01T08:00:00Z", QUIET: None}
    # exactly one page of one message per distinct enabled sms/whatsapp address
    asked = sorted(parse_qs(r["query"])["To"][0] for r in requests)
    assert asked == sorted([SMS, WHATSAPP, QUIET])
    assert all(parse_qs(r["query"])["PageSize"] == ["1"] and "Page" not in parse_qs(r["query"]) for r in requests)
    assert all(r["method"] == "GET" and r["status"] == 200 for r in requests)
    # the body and the sender stay in the response handler
    text = snapshot.dumps(inv)
    assert CUSTOMER_BODY not in text and CANARY_FROM not in text and CUSTOMER_FROM_PREFIX not in text


def test_a_key_without_messages_access_leaves_the_family_incomplete_after_one_request(tmp_path):
    with Emulator(traffic_scenario(), deny={"messages": 403}) as emu:
        result = cli_scan(emu, tmp_path / "o")
        requests = _message_requests(emu)
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert len(requests) == 1 and requests[0]["status"] == 403
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    gap = next(c for c in report["coverage"] if c["family"] == "messages")
    assert gap["complete"] is False and gap["error"].startswith("HTTP 403")
    assert [f["resource_name"] for f in report["findings"] if f["rule_id"] == "FLX901"] == ["messages"]
    assert all(a["last_inbound_at"] is None for a in report["addresses"])
    # every other family was read
    assert [c["family"] for c in report["coverage"] if not c["complete"]] == ["messages"]


def test_no_traffic_sends_no_messages_request_and_says_so(tmp_path):
    with Emulator(traffic_scenario()) as emu:
        result = cli_scan(emu, tmp_path / "o", "--no-traffic")
        requests = _message_requests(emu)
    assert result.exit_code == 0, result.output
    assert requests == []
    report = json.loads((tmp_path / "o" / "flexaudit-report.json").read_text())
    entry = next(c for c in report["coverage"] if c["family"] == "messages")
    assert entry == {"family": "messages", "complete": True, "error": None, "skipped_rules": [],
                     "note": NO_TRAFFIC_NOTE}
    assert not [f for f in report["findings"] if f["rule_id"] == "FLX901"]
    assert report["addresses"] and all(a["last_inbound_at"] is None for a in report["addresses"])
    inventory = json.loads((tmp_path / "o" / "flexaudit-inventory.json").read_text())
    assert inventory["last_inbound"] == [] and inventory["coverage"]["messages"]["note"] == NO_TRAFFIC_NOTE


def test_flex_flows_unreadable_leaves_messages_incomplete_without_requests():
    with Emulator(traffic_scenario(), deny={"flex_flows": 403}) as emu:
        client, _ = flexaudit_client(emu)
        inv = run_scan(client, emu.account_sid)
        requests = _message_requests(emu)
    assert requests == []
    assert inv.coverage["messages"].complete is False
    assert "Flex Flows could not be read" in inv.coverage["messages"].error
