"""The synthetic account generator: deterministic, the sizes asked for, served faithfully by the emulator."""

from __future__ import annotations

import json

import pytest

from flexaudit.emulator import Emulator, load_scenario
from flexaudit.emulator.synthetic import PRESETS, generate_account, generate_preset, main
from flexaudit.analysis.phone import normalize_number
from flexaudit.analysis.studio_graph import INCOMING_CONVERSATION_MESSAGE, INCOMING_MESSAGE, parse_definition

from tests.support.emulator import sdk_client

SMALL = {"numbers": 120, "flex_flows": 30, "studio_flows": 12, "chat_channels": 450}


def _dump(scenario: dict) -> str:
    return json.dumps(scenario, sort_keys=True, separators=(",", ":"))


@pytest.fixture(scope="module")
def small() -> dict:
    return generate_account(**SMALL, seed=7)


@pytest.fixture(scope="module")
def emu(small):
    with Emulator(small) as emulator:
        yield emulator


def test_same_seed_same_scenario_other_seed_other_scenario():
    first = _dump(generate_account(**SMALL, seed=7))
    assert first == _dump(generate_account(**SMALL, seed=7))
    other = _dump(generate_account(**SMALL, seed=8))
    assert other != first
    # Even the SIDs differ between seeds, so two synthetic accounts never collide.
    assert json.loads(other)["account"]["sid"] != json.loads(first)["account"]["sid"]


def test_scenario_loads_with_the_counts_asked_for(small):
    scenario = load_scenario(small)
    assert len(scenario.lists["incoming_phone_numbers"]) == 120
    assert len(scenario.lists["flex_flows"]) == 30
    assert len(scenario.lists["studio_flows"]) == 12
    flex_chat = small["flex_configuration"]["chat_service_instance_sid"]
    assert len(scenario.child_list("chat_services", "channels", flex_chat)) == 450
    proxy = small["proxy_services"][0]["sid"]
    assert len(scenario.child_list("proxy_services", "sessions", proxy)) == small["_synthetic"]["sizes"]["proxy_sessions"]


def test_scenario_file_round_trips_through_load_scenario(small, tmp_path):
    path = tmp_path / "small.json"
    assert main(["--numbers", "120", "--flex-flows", "30", "--studio-flows", "12", "--chat-channels", "450",
                 "--seed", "7", "--out", str(path)]) == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["incoming_phone_numbers"] == small["incoming_phone_numbers"]
    assert load_scenario(path).account_sid == small["account"]["sid"]


def test_the_sdk_reads_every_resource_across_pages(emu, small):
    client = sdk_client(emu)
    account = small["account"]["sid"]
    before = len(emu.requests)
    numbers = client.api.v2010.accounts(account).incoming_phone_numbers.list()  # default 50 a page: 3 pages
    assert len(numbers) == 120
    assert len({n.sid for n in numbers}) == 120
    assert len(client.flex_api.v1.flex_flow.list(page_size=20)) == 30
    assert len(client.studio.v2.flows.list(page_size=5)) == 12

    flex_chat = client.flex_api.v1.configuration().fetch().chat_service_instance_sid
    channels = client.chat.v2.services(flex_chat).channels.list(type=["public", "private"], page_size=100)
    assert len(channels) == 450
    assert len({c.sid for c in channels}) == 450
    statuses = [json.loads(c.attributes)["status"] for c in channels]
    assert 0 < statuses.count("ACTIVE") < statuses.count("INACTIVE")
    assert {c.type for c in channels} <= {"public", "private"}
    # Without Type the list holds only public channels, as on Twilio.
    public = client.chat.v2.services(flex_chat).channels.list(page_size=100)
    assert len(public) == sum(1 for c in channels if c.type == "public")

    proxy = client.proxy.v1.services.list()
    assert [p.unique_name for p in proxy] == ["Flex Proxy Service"]
    sessions = client.proxy.v1.services(proxy[0].sid).sessions.list(page_size=20)
    assert len(sessions) == small["_synthetic"]["sizes"]["proxy_sessions"]
    pool = client.proxy.v1.services(proxy[0].sid).phone_numbers.list(page_size=50)
    assert len(pool) == small["_synthetic"]["counts"]["proxy_pool_numbers"]

    pages = [r for r in emu.requests[before:] if r["path"].endswith("/IncomingPhoneNumbers.json")]
    assert len(pages) == 3
    channel_pages = [r for r in emu.requests[before:]
                     if r["path"].endswith(f"{flex_chat}/Channels") and "Type=private" in r["query"]]
    assert len(channel_pages) == 5  # 450 channels, 100 a page
    assert all(r["status"] == 200 for r in emu.requests[before:])


def test_a_realistic_legacy_account(small):
    account = small["account"]["sid"]
    proxy = small["proxy_services"][0]
    webhook = f"https://webhooks.twilio.com/v1/Accounts/{account}/Proxy/{proxy['sid']}/Webhooks/Message"
    numbers = small["incoming_phone_numbers"]
    identities = {f["contact_identity"].removeprefix("whatsapp:") for f in small["flex_flows"] if f["contact_identity"]}
    mapped = [n for n in numbers if n["phone_number"] in identities]
    unmapped = [n for n in numbers if n["phone_number"] not in identities]
    # numbers a Flex Flow maps are on the Flex Proxy webhook, bar the misconfigured few;
    # the others mostly serve other apps, with only a few leftovers on the Proxy webhook
    assert sum(n["sms_url"] == webhook for n in mapped) >= 0.8 * len(mapped)
    assert sum(n["sms_url"] == webhook for n in unmapped) <= 0.2 * len(unmapped)
    pool = {p["phone_number"] for p in proxy["phone_numbers"]}
    assert len(pool) >= 0.9 * len(numbers)
    assert proxy["chat_instance_sid"] == small["flex_configuration"]["chat_service_instance_sid"]

    flows = small["flex_flows"]
    kinds = [f["channel_type"] for f in flows]
    assert kinds.count("sms") > len(flows) / 2
    studio_sids = {f["sid"] for f in small["studio_flows"]}
    studio_flows = [f for f in flows if f["integration_type"] == "studio"]
    assert len(studio_flows) > len(flows) / 2
    assert len({f["integration"]["flow_sid"] for f in studio_flows} & studio_sids) > 1  # spread over flows
    mapped = {normalize_number(f["contact_identity"]) for f in flows if f["channel_type"] in ("sms", "whatsapp")}
    assert len(mapped & {n["phone_number"] for n in numbers}) > 0.5 * sum(1 for k in kinds if k != "web")

    # Messaging Studio flows: trigger -> ... -> send-to-flex on both events for most.
    both = 0
    for flow in small["studio_flows"]:
        if "messaging" not in flow["friendly_name"] or not isinstance(flow["definition"], dict):
            continue
        parsed = parse_definition(flow["definition"])
        assert not parsed.broken, parsed.problems
        if parsed.reachable_send_to_flex(INCOMING_MESSAGE) and parsed.reachable_send_to_flex(INCOMING_CONVERSATION_MESSAGE):
            both += 1
    assert both >= 0.5 * len(small["studio_flows"])

    assert small["taskrouter_workspaces"][0]["sid"] == small["flex_configuration"]["taskrouter_workspace_sid"]
    assert {c["unique_name"] for c in small["taskrouter_workspaces"][0]["task_channels"]} >= {"chat", "sms", "voice"}
    assert small["conversations_configuration"]["default_messaging_service_sid"] in {
        m["sid"] for m in small["messaging_services"]}


def test_misconfigurations_are_sprinkled_and_can_be_turned_off():
    noisy = generate_account(**PRESETS["medium"], seed=1)["_synthetic"]["counts"]
    assert sum(v for k, v in noisy.items() if k.startswith("misconfig_")) > 50
    clean = generate_account(**SMALL, seed=1, misconfigured=0.0)
    counts = clean["_synthetic"]["counts"]
    assert all(v == 0 for k, v in counts.items() if k.startswith("misconfig_") and k not in (
        "misconfig_number_with_flex_flow_and_address", "misconfig_studio_no_conversation_trigger"))
    proxy = clean["proxy_services"][0]
    assert len(proxy["phone_numbers"]) == len(clean["incoming_phone_numbers"])


@pytest.mark.parametrize("preset", ["medium", "large"])
def test_presets_have_their_sizes_and_stay_lazy(preset):
    scenario = generate_preset(preset)
    sizes = PRESETS[preset]
    counts = scenario["_synthetic"]["counts"]
    assert counts["incoming_phone_numbers"] == sizes["numbers"]
    assert counts["flex_flows"] == sizes["flex_flows"]
    assert counts["studio_flows"] == sizes["studio_flows"]
    assert counts["flex_chat_channels"] == sizes["chat_channels"]
    # 100,000 channels stay a handful of repeat blocks.
    flex_chat = scenario["chat_services"][0]
    assert len(flex_chat["channels"]) < 10
    assert sum(b["repeat"] for b in flex_chat["channels"]) == sizes["chat_channels"]
    if preset == "medium":
        loaded = load_scenario(scenario)
        assert len(loaded.child_list("chat_services", "channels", flex_chat["sid"])) == sizes["chat_channels"]


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        generate_account(numbers=-1, flex_flows=1, studio_flows=1, chat_channels=1)
    with pytest.raises(ValueError):
        generate_preset("huge")


def test_an_empty_account_still_loads():
    scenario = generate_account(numbers=0, flex_flows=0, studio_flows=0, chat_channels=0)
    loaded = load_scenario(scenario)
    assert len(loaded.lists["incoming_phone_numbers"]) == 0
