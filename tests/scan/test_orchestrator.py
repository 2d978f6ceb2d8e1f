"""The scan path for real: Twilio SDK → GuardedHttpClient → HTTP → emulator, every family."""

from __future__ import annotations

import dataclasses
import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flexaudit.model import snapshot
from flexaudit.api.transport import WriteRefused
from flexaudit.emulator import Emulator
from flexaudit.model.inventory import FAMILIES, FamilyCoverage, Inventory, StudioFlow
from flexaudit.scan.orchestrator import CredentialsRejected, run_scan

from tests.support.scanning import flexaudit_client


def scan(emulator, **http_options):
    client, http = flexaudit_client(emulator, **http_options)
    return run_scan(client, emulator.account_sid), http


def test_demo_scan_reads_every_family_completely(demo_scenario):
    with Emulator(demo_scenario) as emu:
        inv, http = scan(emu)
    assert {f: c.complete for f, c in inv.coverage.items()} == {f: True for f in FAMILIES}
    assert inv.account.friendly_name == demo_scenario["account"]["friendly_name"]
    assert sorted(n.sid for n in inv.phone_numbers) == sorted(n["sid"] for n in demo_scenario["incoming_phone_numbers"])
    assert sorted(f.sid for f in inv.flex_flows) == sorted(f["sid"] for f in demo_scenario["flex_flows"])
    assert inv.flex_configuration.ui_version == demo_scenario["flex_configuration"]["ui_version"]
    # definitions are fetched for the flows something points at, and only those
    referenced = {f["integration"].get("flow_sid") for f in demo_scenario["flex_flows"] if f["integration_type"] == "studio"}
    referenced |= {a["auto_creation"].get("studio_flow_sid") for a in demo_scenario["address_configurations"]}
    fetched = {s.sid for s in inv.studio_flows if s.definition is not None}
    assert fetched == referenced & {s["sid"] for s in demo_scenario["studio_flows"]}
    messaging = next(s for s in inv.studio_flows if s.friendly_name == "Messaging Flow")
    assert messaging.definition["initial_state"] == "Trigger" and messaging.valid is True
    # chat: private and public channels both counted, none stored
    flex_chat = next(c for c in inv.chat_services if c.sid == demo_scenario["flex_configuration"]["chat_service_instance_sid"])
    expected_total = sum(b.get("repeat", 1) for b in next(
        s for s in demo_scenario["chat_services"] if s["sid"] == flex_chat.sid)["channels"])
    assert flex_chat.channels.total == expected_total
    assert flex_chat.channels.active_by_type.get("public", 0) > 0 and flex_chat.channels.active_by_type["private"] > 0
    # proxy sessions summarised by last-activity day
    flex_proxy = next(p for p in inv.proxy_services if p.unique_name == "Flex Proxy Service")
    assert flex_proxy.sessions.total == sum(b["repeat"] for b in demo_scenario["proxy_services"][0]["sessions"])
    assert sum(flex_proxy.sessions.open_by_last_activity_day.values()) == (
        flex_proxy.sessions.by_status.get("open", 0) + flex_proxy.sessions.by_status.get("in-progress", 0))
    assert {w.unique_name for w in inv.taskrouter_workspaces[0].task_channels} >= {"chat", "sms"}
    assert len(inv.address_configurations) == len(demo_scenario["address_configurations"])
    assert http.stats.retries == 0


def test_only_gets_leave_the_process(demo_scenario):
    with Emulator(demo_scenario) as emu:
        client, _ = flexaudit_client(emu)
        run_scan(client, emu.account_sid)
        with pytest.raises(WriteRefused):
            client.flex_api.v1.flex_flow.create(friendly_name="x", chat_service_sid="IS" + "0" * 32, channel_type="sms")
        with pytest.raises(WriteRefused):
            client.api.v2010.accounts(emu.account_sid).incoming_phone_numbers(
                demo_scenario["incoming_phone_numbers"][0]["sid"]).update(sms_url="")
        methods = {r["method"] for r in emu.requests}
    assert methods == {"GET"}


def test_multi_page_results_in_both_paging_styles(demo_scenario):
    base = demo_scenario["incoming_phone_numbers"][0]
    # 2,345 numbers: three pages of the 2010 API's relative next_page_uri
    demo_scenario["incoming_phone_numbers"] = [
        {**base, "sid": f"PN{i:032x}", "phone_number": f"+1202555{i:04d}"} for i in range(2345)]
    # 60 address configurations: two pages of 50 (v1 meta.next_page_url, absolute)
    addr = demo_scenario["address_configurations"][0]
    demo_scenario["address_configurations"] = [
        {**addr, "sid": f"IG{i:032x}", "address": f"+1303555{i:04d}"} for i in range(60)]
    with Emulator(demo_scenario) as emu:
        inv, _ = scan(emu)
        pages = [r for r in emu.requests if r["path"].endswith("/IncomingPhoneNumbers.json")]
        addr_pages = [r for r in emu.requests if r["path"].endswith("/Configuration/Addresses")]
        channel_pages = [r for r in emu.requests if r["path"].endswith("/Channels")]
    assert len(inv.phone_numbers) == 2345 and len({n.sid for n in inv.phone_numbers}) == 2345
    assert len(pages) == 3 and "PageSize=1000" in pages[0]["query"]
    assert len(inv.address_configurations) == 60 and len(addr_pages) == 2 and "PageSize=50" in addr_pages[0]["query"]
    # the Flex chat service holds 1,464 channels: 15 pages of 100, public and private asked for
    assert any("Type=private" in r["query"] and "Type=public" in r["query"] for r in channel_pages)
    assert all("PageSize=100" in r["query"] for r in channel_pages)


def test_task_channels_are_listed_without_paging_parameters(demo_scenario):
    with Emulator(demo_scenario) as emu:
        scan(emu)
        task_channel_requests = [r for r in emu.requests if r["path"].endswith("/TaskChannels")]
    assert task_channel_requests and all("Page" not in r["query"] for r in task_channel_requests)


def test_injected_429_and_503_are_retried_to_the_same_inventory(demo_scenario):
    with Emulator(demo_scenario) as emu:
        clean, _ = scan(emu)
    with Emulator(demo_scenario, fault_rate=0.3, fault_seed=7) as emu:
        faulty, http = scan(emu, backoff_base=0.01, backoff_cap=0.05, max_attempts=10)
        statuses = [r["status"] for r in emu.requests]
    assert 429 in statuses and 503 in statuses
    assert http.stats.retries > 0 and http.stats.throttled > 0
    assert dataclasses.replace(faulty, scanned_at=clean.scanned_at) == clean


def test_a_denied_family_is_recorded_and_the_rest_complete(demo_scenario):
    with Emulator(demo_scenario, deny={"proxy": 403}) as emu:
        inv, _ = scan(emu)
    assert inv.coverage["proxy"].complete is False
    assert "HTTP 403" in inv.coverage["proxy"].error
    assert inv.proxy_services == []
    assert all(inv.coverage[f].complete for f in FAMILIES if f != "proxy")
    assert len(inv.flex_flows) == len(demo_scenario["flex_flows"])


def test_wrong_credentials_are_rejected(demo_scenario):
    with Emulator(demo_scenario) as emu:
        client, _ = flexaudit_client(emu, token="1" * 32)
        with pytest.raises(CredentialsRejected, match="401"):
            run_scan(client, emu.account_sid)


def test_a_server_that_stops_answering_is_bounded_by_the_timeout(demo_scenario):
    with Emulator(demo_scenario, hang=["studio"], hang_seconds=30) as emu:
        started = time.monotonic()
        inv, _ = scan(emu, timeout=1.0, max_attempts=2, backoff_base=0.01, backoff_cap=0.01)
        elapsed = time.monotonic() - started
    assert elapsed < 15
    assert inv.coverage["studio"].complete is False
    assert "timed out" in inv.coverage["studio"].error
    assert inv.coverage["flex_flows"].complete


def test_snapshot_round_trip_of_a_real_scan(demo_scenario, tmp_path):
    with Emulator(demo_scenario) as emu:
        inv, _ = scan(emu)
    path = tmp_path / "inv.json"
    snapshot.save(inv, path)
    assert snapshot.load(path) == inv
    assert path.read_text(encoding="utf-8") == _dumps_by_json_module(inv)


def _dumps_by_json_module(inventory):
    # What the snapshot's text is defined as; snapshot.dumps writes it faster.
    return json.dumps(snapshot.inventory_to_dict(inventory), indent=2, ensure_ascii=False) + "\n"


_JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_JSON_KEYS = st.text(max_size=6) | st.integers() | st.floats() | st.booleans() | st.none()
_JSON = st.recursive(
    _JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4)
    | st.tuples(inner, inner)
    | st.dictionaries(_JSON_KEYS, inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(definition=_JSON, name=st.text(max_size=12), revision=st.none() | st.integers())
def test_snapshot_text_is_what_json_dumps_writes(definition, name, revision):
    inv = Inventory(account_sid="AC1", scanned_at="2026-11-21T09:00:00Z", tool_version="0.1.0")
    inv.studio_flows = [StudioFlow(sid="FW1", friendly_name=name, revision=revision, errors=[], definition=definition)]
    inv.coverage = {"studio": FamilyCoverage(complete=False, error=name)}
    assert snapshot.dumps(inv) == _dumps_by_json_module(inv)
