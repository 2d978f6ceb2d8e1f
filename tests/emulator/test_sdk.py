"""Every emulated endpoint through the real Twilio SDK over real HTTP."""

from __future__ import annotations

import json

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException

from flexaudit.emulator import Emulator

from tests.support.emulator import (ACCOUNT, FO, FW, IS_FLEX, IS_OTHER, KS, MG, WS, sdk_client, sid,
                                    small_scenario)


@pytest.fixture(scope="module")
def client(emu):
    return sdk_client(emu)


def _sids(records) -> list[str]:
    return [r.sid for r in records]


def test_account_fetch(client):
    account = client.api.v2010.accounts(ACCOUNT).fetch()
    assert account.sid == ACCOUNT
    assert account.friendly_name == "Acme Support"
    assert account.status == "active"


def test_incoming_phone_numbers_page_through_2010_style(emu, client):
    before = len(emu.requests)
    numbers = list(client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers.stream(page_size=2))
    assert _sids(numbers) == [sid("PN", i) for i in range(1, 6)]
    assert numbers[0].sms_url.endswith(f"/Proxy/{KS}/Webhooks/Message")
    assert numbers[0].capabilities == {"voice": True, "sms": True, "mms": True, "fax": False}
    pages = emu.requests[before:]
    assert len(pages) == 3  # 2 + 2 + 1
    assert all(p["path"].endswith("/IncomingPhoneNumbers.json") and p["status"] == 200 for p in pages)
    assert "PageToken=" in pages[1]["query"] and "PageToken=" in pages[2]["query"]


def test_incoming_phone_numbers_filter(client):
    found = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers.list(phone_number="+15550100003")
    assert _sids(found) == [sid("PN", 3)]


def test_flex_configuration(client):
    configuration = client.flex_api.v1.configuration().fetch()
    assert configuration.chat_service_instance_sid == IS_FLEX
    assert configuration.taskrouter_workspace_sid == WS
    assert configuration.ui_version == "1.34.6"
    assert configuration.account_sid == ACCOUNT


def test_flex_flows_page_through_v1_style(emu, client):
    before = len(emu.requests)
    flows = list(client.flex_api.v1.flex_flow.stream(page_size=2))
    assert _sids(flows) == [FO, sid("FO", 2), sid("FO", 3)]
    assert flows[0].integration == {"flow_sid": FW, "retry_count": 3}
    assert flows[0].janitor_enabled is True and flows[2].enabled is False
    assert len(emu.requests) - before == 2


def test_flex_flow_fetch(client):
    flow = client.flex_api.v1.flex_flow(FO).fetch()
    assert flow.contact_identity == "+15550100001"
    assert flow.url == f"https://flex-api.twilio.com/v1/FlexFlows/{FO}"


def test_studio_flows_list_leaves_definition_out_fetch_has_it(client):
    listed = client.studio.v2.flows.list()
    assert _sids(listed) == [FW, sid("FW", 2)]
    assert all(f.definition is None and f.valid is None and f.errors is None and f.warnings is None
               for f in listed)
    fetched = client.studio.v2.flows(FW).fetch()
    assert fetched.definition == {"states": [{"name": "Trigger", "type": "trigger", "transitions": []}]}
    assert fetched.valid is True and fetched.errors == [] and fetched.warnings == []
    assert fetched.revision == 7
    assert fetched.webhook_url == f"https://webhooks.twilio.com/v1/Accounts/{ACCOUNT}/Flows/{FW}"
    broken = client.studio.v2.flows(sid("FW", 2)).fetch()
    assert broken.definition == "{not json"  # served verbatim as a string
    assert broken.valid is False and broken.status == "draft"


def test_proxy_service_numbers_and_sessions(client):
    services = client.proxy.v1.services.list()
    assert _sids(services) == [KS]
    assert client.proxy.v1.services(KS).fetch().chat_instance_sid == IS_FLEX
    numbers = client.proxy.v1.services(KS).phone_numbers.list()
    assert [n.phone_number for n in numbers] == ["+15550100001"]
    sessions = list(client.proxy.v1.services(KS).sessions.stream(page_size=3))
    assert len(sessions) == 9 and len(set(_sids(sessions))) == 9
    assert sessions[0].sid == sid("KC", 1) and sessions[-1].sid == sid("KC", 2)
    repeated = sessions[1:-1]
    assert all(s.status == "closed" and s.sid.startswith("KC") and len(s.sid) == 34 for s in repeated)
    assert all(s.service_sid == KS for s in sessions)


def test_messaging_service_and_numbers(client):
    assert _sids(client.messaging.v1.services.list()) == [MG]
    service = client.messaging.v1.services(MG).fetch()
    assert service.inbound_request_url == "https://example.com/in"
    assert service.use_inbound_webhook_on_number is False
    numbers = client.messaging.v1.services(MG).phone_numbers.list()
    assert [n.phone_number for n in numbers] == ["+15550100003"]


def test_chat_services(client):
    assert _sids(client.chat.v2.services.list()) == [IS_FLEX, IS_OTHER]
    assert client.chat.v2.services(IS_FLEX).fetch().friendly_name == "Flex Chat Service"


def test_chat_channels_all_types_in_order_with_string_attributes(client):
    channels = list(client.chat.v2.services(IS_FLEX).channels.stream(type=["public", "private"], page_size=4))
    assert len(channels) == 15 and len(set(_sids(channels))) == 15
    assert channels[0].sid == sid("CH", 1) and channels[1].sid == sid("CH", 2) and channels[-1].sid == sid("CH", 3)
    assert json.loads(channels[0].attributes) == {"status": "ACTIVE", "channel_type": "sms",
                                                  "proxySession": sid("KC", 1)}
    assert channels[1].attributes == "{broken"
    assert all(json.loads(c.attributes)["status"] == "INACTIVE" for c in channels[2:14])


def test_chat_channels_without_type_are_public_only(client):
    channels = client.chat.v2.services(IS_FLEX).channels.list()
    assert _sids(channels) == [sid("CH", 2), sid("CH", 3)]
    private = client.chat.v2.services(IS_FLEX).channels.list(type=["private"])
    assert len(private) == 13 and all(c.type == "private" for c in private)


def test_chat_service_without_channels(client):
    assert client.chat.v2.services(IS_OTHER).channels.list(type=["public", "private"]) == []


def test_conversations_configuration_and_addresses(client):
    configuration = client.conversations.v1.configuration().fetch()
    assert configuration.default_messaging_service_sid == MG
    addresses = list(client.conversations.v1.address_configurations.stream(page_size=50))
    assert _sids(addresses) == [sid("IG", 1), sid("IG", 2)]
    assert addresses[0].auto_creation["studio_flow_sid"] == FW
    only_sms = client.conversations.v1.address_configurations.list(type="sms")
    assert _sids(only_sms) == [sid("IG", 1)]


def test_taskrouter(emu, client):
    workspace = client.taskrouter.v1.workspaces(WS).fetch()
    assert workspace.friendly_name == "Flex Task Assignment"
    workflows = client.taskrouter.v1.workspaces(WS).workflows.list()
    assert [w.friendly_name for w in workflows] == ["Assign to Anyone"]
    assert json.loads(workflows[0].configuration)["task_routing"]
    before = len(emu.requests)
    channels = client.taskrouter.v1.workspaces(WS).task_channels.list(page_size=2)
    # No paging on TaskChannels: one answer holds everything whatever PageSize says.
    assert [c.unique_name for c in channels] == ["default", "voice", "chat", "sms", "email"]
    assert len(emu.requests) - before == 1


def test_missing_resources_are_404_20404(client):
    with pytest.raises(TwilioRestException) as caught:
        client.studio.v2.flows(sid("FW", 99)).fetch()
    assert caught.value.status == 404 and caught.value.code == 20404
    with pytest.raises(TwilioException) as caught:
        client.proxy.v1.services(sid("KS", 99)).sessions.list()
    response = caught.value.args[1]
    assert response.status_code == 404 and json.loads(response.text)["code"] == 20404


def test_products_absent_from_scenario_are_404():
    scenario = small_scenario()
    scenario["flex_configuration"] = None
    del scenario["conversations_configuration"]
    with Emulator(scenario) as emu:
        client = sdk_client(emu)
        for fetch in (client.flex_api.v1.configuration().fetch, client.conversations.v1.configuration().fetch):
            with pytest.raises(TwilioRestException) as caught:
                fetch()
            assert caught.value.status == 404 and caught.value.code == 20404


def test_api_key_credentials(emu):
    client = sdk_client(emu, username=sid("SK", 1), password="api-key-secret")
    assert _sids(client.flex_api.v1.flex_flow.list()) == [FO, sid("FO", 2), sid("FO", 3)]
    assert emu.requests[-1]["username"] == sid("SK", 1)


def test_ten_thousand_repeated_channels_each_seen_once():
    scenario = small_scenario()
    scenario["chat_services"][0]["channels"] = [
        {"sid": sid("CH", 1), "type": "private"},
        {"repeat": 10_000, "template": {"type": "private", "attributes": {"status": "INACTIVE"}}},
        {"sid": sid("CH", 2), "type": "private"},
    ]
    with Emulator(scenario) as emu:
        client = sdk_client(emu)
        seen = [c.sid for c in client.chat.v2.services(IS_FLEX).channels.stream(type=["private"], page_size=100)]
        assert len(seen) == 10_002 and len(set(seen)) == 10_002
        assert seen[0] == sid("CH", 1) and seen[-1] == sid("CH", 2)
        assert len(emu.requests) == 101
