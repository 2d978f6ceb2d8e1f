"""Write mode: the writes `flexaudit plan` scripts send, only with allow_writes, as Twilio answers them.

This file sends writes on purpose: it carries the sends_writes mark (tests/conftest.py).
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from flexaudit.emulator import Emulator
from flexaudit.emulator.routes import writes

from tests.support.emulator import ACCOUNT, FO, FW, IS_FLEX, KS, MG, TOKEN, WS, sdk_client, sid, small_scenario

from tests.emulator.test_openapi import SPECS, _validator

PN_1, PN_2, PN_3 = sid("PN", 1), sid("PN", 2), sid("PN", 3)
FLOWS = "/flex-api/v1/FlexFlows"
NUMBER = f"/api/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{PN_1}.json"
POOL = f"/proxy/v1/Services/{KS}/PhoneNumbers"
SERVICE = f"/messaging/v1/Services/{MG}/PhoneNumbers"
ADDRESSES = "/conversations/v1/Configuration/Addresses"
NEW_SID = re.compile(r"^(FO|IG)[0-9a-f]{32}$")

pytestmark = pytest.mark.sends_writes


@pytest.fixture
def emu():
    with Emulator(small_scenario(), allow_writes=True) as emulator:
        yield emulator


def call(emu, method, path, data=None, auth=(ACCOUNT, TOKEN)):
    return requests.request(method, emu.base_url + path, data=data, auth=auth, timeout=10)


def get(emu, path, **params):
    return requests.get(emu.base_url + path, params=params, auth=(ACCOUNT, TOKEN), timeout=10)


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert body == {"code": code, "message": body["message"],
                    "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}
    return body["message"]


def assert_conforms(body, spec, path, method, status):
    errors = list(_validator(spec, path, method, status).iter_errors(body))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


# --- read-only by default ------------------------------------------------------------------

WRITES = [
    ("POST", FLOWS, {"FriendlyName": "x", "ChatServiceSid": IS_FLEX, "ChannelType": "sms"}),
    ("POST", f"{FLOWS}/{FO}", {"Enabled": "false"}),
    ("DELETE", f"{FLOWS}/{FO}", None),
    ("POST", NUMBER, {"SmsUrl": ""}),
    ("POST", POOL, {"Sid": PN_2}),
    ("DELETE", f"{POOL}/{PN_1}", None),
    ("POST", SERVICE, {"PhoneNumberSid": PN_2}),
    ("DELETE", f"{SERVICE}/{PN_3}", None),
    ("POST", ADDRESSES, {"Type": "sms", "Address": "+15550100002"}),
    ("POST", f"{ADDRESSES}/{sid('IG', 1)}", {"FriendlyName": "x"}),
    ("DELETE", f"{ADDRESSES}/{sid('IG', 1)}", None),
]


@pytest.mark.parametrize("method,path,data", WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_without_the_option_every_write_is_405_and_changes_nothing(method, path, data):
    with Emulator(small_scenario()) as emu:
        before = get(emu, FLOWS).json(), get(emu, POOL).json(), get(emu, ADDRESSES).json()
        assert_error(call(emu, method, path, data), 405, 20004)
        assert (get(emu, FLOWS).json(), get(emu, POOL).json(), get(emu, ADDRESSES).json()) == before
        assert [(r["method"], r["status"]) for r in emu.requests if r["method"] != "GET"] == [(method, 405)]


def test_other_methods_and_unknown_write_paths(emu):
    assert_error(call(emu, "PUT", f"{FLOWS}/{FO}", {"Enabled": "false"}), 405, 20004)
    assert_error(call(emu, "POST", "/studio/v2/Flows", {"FriendlyName": "x"}), 405, 20004)  # GET-only path
    assert_error(call(emu, "DELETE", "/flex-api/v1/Nope"), 404, 20404)
    assert_error(call(emu, "POST", FLOWS, {"FriendlyName": "x"}, auth=(ACCOUNT, "wrong")), 401, 20003)


def test_form_parameter_names_are_the_specs():
    def body_params(spec, path, method="post"):
        schema = SPECS[spec]["paths"][path][method]["requestBody"]["content"]["application/x-www-form-urlencoded"]
        return set(schema["schema"]["properties"])

    flex = body_params("twilio_flex_v1", "/v1/FlexFlows")
    assert set(writes._INTEGRATION_PARAMS) <= flex
    assert {"FriendlyName", "ChatServiceSid", "ChannelType", "ContactIdentity", "Enabled", "IntegrationType",
            "LongLived", "JanitorEnabled"} <= flex
    assert set(writes._NUMBER_FIELDS) <= body_params(
        "twilio_api_v2010", "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json")
    address = body_params("twilio_conversations_v1", "/v1/Configuration/Addresses")
    assert set(writes._AUTO_PARAMS) | {"Type", "Address", "FriendlyName", "AddressCountry"} <= address
    assert {"Sid", "PhoneNumber", "IsReserved"} <= body_params("twilio_proxy_v1", "/v1/Services/{ServiceSid}/PhoneNumbers")
    assert {"PhoneNumberSid"} <= body_params("twilio_messaging_v1", "/v1/Services/{ServiceSid}/PhoneNumbers")


# --- Flex Flows -------------------------------------------------------------------------------

def test_create_update_delete_a_flex_flow_with_the_sdk(emu):
    client = sdk_client(emu)
    created = client.flex_api.v1.flex_flow.create(
        friendly_name="WhatsApp (restored)", chat_service_sid=IS_FLEX, channel_type="whatsapp",
        contact_identity="whatsapp:+15550100004", enabled=True, integration_type="studio",
        integration_flow_sid=FW, integration_retry_count=1, janitor_enabled=True, long_lived=False)
    assert NEW_SID.match(created.sid) and created.account_sid == ACCOUNT
    assert (created.channel_type, created.contact_identity, created.enabled) == ("whatsapp", "whatsapp:+15550100004", True)
    assert created.integration == {"flow_sid": FW, "retry_count": 1}
    assert created.janitor_enabled is True and created.long_lived is False
    assert created.sid in [f.sid for f in client.flex_api.v1.flex_flow.list()]

    updated = client.flex_api.v1.flex_flow(created.sid).update(enabled=False, integration_retry_count=3)
    assert updated.enabled is False and updated.integration == {"flow_sid": FW, "retry_count": 3}
    assert client.flex_api.v1.flex_flow(created.sid).fetch().enabled is False

    assert client.flex_api.v1.flex_flow(created.sid).delete() is True
    with pytest.raises(TwilioRestException) as caught:
        client.flex_api.v1.flex_flow(created.sid).fetch()
    assert caught.value.status == 404
    assert [(r["method"], r["status"]) for r in emu.requests if r["method"] != "GET"] == [
        ("POST", 201), ("POST", 200), ("DELETE", 204)]


def test_flex_flow_answers_match_the_spec(emu):
    created = call(emu, "POST", FLOWS, {
        "FriendlyName": "Task flow", "ChatServiceSid": IS_FLEX, "ChannelType": "sms",
        "ContactIdentity": "+15550100005", "IntegrationType": "task", "Integration.WorkspaceSid": WS,
        "Integration.WorkflowSid": sid("WW", 1), "Integration.Channel": "sms",
        "Integration.CreationOnMessage": "true"})
    assert created.status_code == 201
    body = created.json()
    assert_conforms(body, "twilio_flex_v1", "/v1/FlexFlows", "post", "201")
    assert body["enabled"] is False  # not stated: a new flow is disabled
    assert body["integration"] == {"workspace_sid": WS, "workflow_sid": sid("WW", 1), "channel": "sms",
                                   "timeout": 86400, "priority": 0, "creation_on_message": True}
    updated = call(emu, "POST", f"{FLOWS}/{body['sid']}", {"IntegrationType": "external",
                                                          "Integration.Url": "https://bot.example/in"})
    assert_conforms(updated.json(), "twilio_flex_v1", "/v1/FlexFlows/{Sid}", "post", "200")
    assert updated.json()["integration"] == {"url": "https://bot.example/in", "retry_count": 3}
    deleted = call(emu, "DELETE", f"{FLOWS}/{body['sid']}")
    assert deleted.status_code == 204 and deleted.content == b""


def test_a_second_enabled_flow_for_the_same_address_is_refused(emu):
    same = {"FriendlyName": "Duplicate", "ChatServiceSid": IS_FLEX, "ChannelType": "sms",
            "ContactIdentity": "+15550100001", "Integration.FlowSid": FW}
    message = assert_error(call(emu, "POST", FLOWS, {**same, "Enabled": "true"}), 400, 45210)
    assert FO in message
    # a disabled one is fine (the outbound-only pattern) ...
    disabled = call(emu, "POST", FLOWS, {**same, "Enabled": "false"})
    assert disabled.status_code == 201
    # ... until it is enabled; once the first is deleted it may be
    assert_error(call(emu, "POST", f"{FLOWS}/{disabled.json()['sid']}", {"Enabled": "true"}), 400, 45210)
    assert call(emu, "DELETE", f"{FLOWS}/{FO}").status_code == 204
    assert call(emu, "POST", f"{FLOWS}/{disabled.json()['sid']}", {"Enabled": "true"}).json()["enabled"] is True


@pytest.mark.parametrize("data,code,words", [
    ({"ChatServiceSid": IS_FLEX, "ChannelType": "sms"}, 20001, "FriendlyName"),
    ({"FriendlyName": "x", "ChatServiceSid": IS_FLEX, "ChannelType": "pigeon"}, 20001, "ChannelType"),
    ({"FriendlyName": "x", "ChatServiceSid": "IS1", "ChannelType": "sms"}, 20001, "ChatServiceSid"),
    ({"FriendlyName": "x", "ChatServiceSid": IS_FLEX, "ChannelType": "sms"}, 45004, "Integration.FlowSid"),
    ({"FriendlyName": "x", "ChatServiceSid": IS_FLEX, "ChannelType": "sms", "IntegrationType": "task",
      "Integration.WorkspaceSid": WS}, 45004, "Integration.WorkflowSid"),
    ({"FriendlyName": "x", "ChatServiceSid": IS_FLEX, "ChannelType": "sms", "Integration.FlowSid": FW,
      "Enabled": "maybe"}, 20001, "Enabled"),
])
def test_bad_flex_flow_creates_are_400(emu, data, code, words):
    assert words in assert_error(call(emu, "POST", FLOWS, data), 400, code)


def test_updating_and_deleting_an_unknown_flow_is_404(emu):
    assert_error(call(emu, "POST", f"{FLOWS}/{sid('FO', 99)}", {"Enabled": "true"}), 404, 20404)
    assert_error(call(emu, "DELETE", f"{FLOWS}/{sid('FO', 99)}"), 404, 20404)


def test_an_update_that_leaves_the_integration_alone_keeps_it(emu):
    # the scenario's WhatsApp flow has no integration at all; enabling it must not judge that
    updated = call(emu, "POST", f"{FLOWS}/{sid('FO', 3)}", {"Enabled": "true"})
    assert updated.status_code == 200 and updated.json()["integration"] is None


# --- IncomingPhoneNumbers -----------------------------------------------------------------------

def test_number_webhook_update_and_fetch(emu):
    client = sdk_client(emu)
    number = client.incoming_phone_numbers(PN_1).update(sms_url="", sms_application_sid="")
    assert number.sms_url == "" and number.sms_application_sid is None
    fetched = get(emu, NUMBER).json()
    assert fetched["sms_url"] == "" and fetched["date_updated"] != fetched["date_created"]
    listed = get(emu, f"/api/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json").json()
    assert listed["incoming_phone_numbers"][0]["sms_url"] == ""
    restored = call(emu, "POST", NUMBER, {"SmsUrl": "https://example.com/in", "SmsMethod": "get",
                                          "SmsApplicationSid": sid("AP", 1), "VoiceReceiveMode": "voice"})
    assert_conforms(restored.json(), "twilio_api_v2010",
                    "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json", "post", "200")
    assert (restored.json()["sms_url"], restored.json()["sms_method"], restored.json()["sms_application_sid"]) == (
        "https://example.com/in", "GET", sid("AP", 1))


@pytest.mark.parametrize("data", [{"SmsMethod": "PUT"}, {"SmsApplicationSid": "AP1"}])
def test_bad_number_updates_are_400(emu, data):
    assert_error(call(emu, "POST", NUMBER, data), 400, 20001)


def test_number_of_another_account_or_unknown_is_404(emu):
    assert_error(call(emu, "POST", f"/api/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{sid('PN', 99)}.json",
                      {"SmsUrl": ""}), 404, 20404)
    assert_error(call(emu, "POST", f"/api/2010-04-01/Accounts/{sid('AC', 9)}/IncomingPhoneNumbers/{PN_1}.json",
                      {"SmsUrl": ""}), 404, 20404)


# --- Proxy and Messaging Service pools -----------------------------------------------------------

def test_proxy_pool_remove_and_add_back(emu):
    assert get(emu, f"{POOL}/{PN_1}").json()["sid"] == PN_1
    assert call(emu, "DELETE", f"{POOL}/{PN_1}").status_code == 204
    assert_error(get(emu, f"{POOL}/{PN_1}"), 404, 20404)
    assert get(emu, POOL).json()["phone_numbers"] == []
    added = call(emu, "POST", POOL, {"Sid": PN_1})
    assert added.status_code == 201
    assert_conforms(added.json(), "twilio_proxy_v1", "/v1/Services/{ServiceSid}/PhoneNumbers", "post", "201")
    assert added.json()["phone_number"] == "+15550100001" and added.json()["service_sid"] == KS
    assert [n["sid"] for n in get(emu, POOL).json()["phone_numbers"]] == [PN_1]
    assert "already in this Proxy Service" in assert_error(call(emu, "POST", POOL, {"Sid": PN_1}), 409, 20409)
    by_number = call(emu, "POST", POOL, {"PhoneNumber": "+15550100002", "IsReserved": "true"})
    assert by_number.json()["sid"] == PN_2 and by_number.json()["is_reserved"] is True


def test_proxy_refuses_a_number_in_a_messaging_service(emu):
    message = assert_error(call(emu, "POST", POOL, {"Sid": PN_3}), 409, 20409)
    assert MG in message
    assert call(emu, "DELETE", f"{SERVICE}/{PN_3}").status_code == 204
    assert call(emu, "POST", POOL, {"Sid": PN_3}).status_code == 201


def test_pool_errors(emu):
    assert_error(call(emu, "POST", POOL, {"Sid": sid("PN", 99)}), 400, 20001)  # not the account's number
    assert_error(call(emu, "POST", POOL, {}), 400, 20001)
    assert_error(call(emu, "POST", f"/proxy/v1/Services/{sid('KS', 9)}/PhoneNumbers", {"Sid": PN_2}), 404, 20404)
    assert_error(call(emu, "DELETE", f"{POOL}/{PN_2}"), 404, 20404)  # not in the pool


def test_messaging_service_remove_and_add_back_with_the_sdk(emu):
    client = sdk_client(emu)
    assert client.messaging.v1.services(MG).phone_numbers(PN_3).fetch().phone_number == "+15550100003"
    assert client.messaging.v1.services(MG).phone_numbers(PN_3).delete() is True
    assert client.messaging.v1.services(MG).phone_numbers.list() == []
    added = client.messaging.v1.services(MG).phone_numbers.create(phone_number_sid=PN_3)
    assert (added.sid, added.service_sid) == (PN_3, MG)
    assert "already in this Messaging Service" in assert_error(
        call(emu, "POST", SERVICE, {"PhoneNumberSid": PN_3}), 409, 20409)
    added = call(emu, "POST", SERVICE, {"PhoneNumberSid": PN_2})
    assert_conforms(added.json(), "twilio_messaging_v1", "/v1/Services/{ServiceSid}/PhoneNumbers", "post", "201")
    assert_error(call(emu, "POST", SERVICE, {}), 400, 20001)


def test_a_number_belongs_to_one_messaging_service_at_most():
    scenario = small_scenario()
    other = sid("MG", 2)
    scenario["messaging_services"].append({"sid": other, "friendly_name": "Other"})
    with Emulator(scenario, allow_writes=True) as emu:
        message = assert_error(call(emu, "POST", f"/messaging/v1/Services/{other}/PhoneNumbers",
                                    {"PhoneNumberSid": PN_3}), 409, 20409)
        assert MG in message


# --- Conversations address configurations -------------------------------------------------------

def test_address_create_fetch_update_delete(emu):
    client = sdk_client(emu)
    created = client.conversations.v1.address_configurations.create(
        type="sms", address="+15550100002", friendly_name="Moved", auto_creation_enabled=True,
        auto_creation_type="webhook", auto_creation_conversation_service_sid=sid("IS", 9),
        auto_creation_webhook_url="https://bot.example/conversations", auto_creation_webhook_method="post",
        auto_creation_webhook_filters=["onMessageAdded", "onConversationUpdated"])
    assert NEW_SID.match(created.sid)
    assert created.auto_creation == {"enabled": True, "type": "webhook", "conversation_service_sid": sid("IS", 9),
                                     "webhook_url": "https://bot.example/conversations", "webhook_method": "POST",
                                     "webhook_filters": ["onMessageAdded", "onConversationUpdated"]}
    by_address = get(emu, f"{ADDRESSES}/+15550100002").json()
    assert by_address["sid"] == created.sid
    assert len(get(emu, ADDRESSES).json()["address_configurations"]) == 3

    updated = call(emu, "POST", f"{ADDRESSES}/{created.sid}", {
        "AutoCreation.Type": "studio", "AutoCreation.StudioFlowSid": FW, "AutoCreation.StudioRetryCount": "2"})
    assert_conforms(updated.json(), "twilio_conversations_v1", "/v1/Configuration/Addresses/{Sid}", "post", "200")
    assert updated.json()["auto_creation"] == {"enabled": True, "type": "studio",
                                               "conversation_service_sid": sid("IS", 9),
                                               "studio_flow_sid": FW, "studio_retry_count": 2}
    assert client.conversations.v1.address_configurations(created.sid).delete() is True
    assert_error(get(emu, f"{ADDRESSES}/{created.sid}"), 404, 20404)


def test_address_answers_match_the_spec_and_duplicates_are_409(emu):
    created = call(emu, "POST", ADDRESSES, {"Type": "WhatsApp", "Address": "whatsapp:+15550100005"})
    assert created.status_code == 201
    assert_conforms(created.json(), "twilio_conversations_v1", "/v1/Configuration/Addresses", "post", "201")
    assert created.json()["type"] == "whatsapp" and created.json()["auto_creation"] == {"enabled": False}
    message = assert_error(call(emu, "POST", ADDRESSES, {"Type": "whatsapp", "Address": "whatsapp:+15550100005"}),
                           409, 20409)
    assert created.json()["sid"] in message
    # the scenario's own address too, and the same address with another type is another address
    assert_error(call(emu, "POST", ADDRESSES, {"Type": "sms", "Address": "+15550100009"}), 409, 20409)
    assert call(emu, "POST", ADDRESSES, {"Type": "whatsapp", "Address": "+15550100009"}).status_code == 201
    assert call(emu, "DELETE", f"{ADDRESSES}/+15550100009").status_code == 204  # by address: the sms one
    assert [a["type"] for a in get(emu, ADDRESSES, Type="sms").json()["address_configurations"]] == []


@pytest.mark.parametrize("data", [{"Address": "+15550100002"}, {"Type": "sms"}, {"Type": "fax", "Address": "+1"},
                                  {"Type": "sms", "Address": "+1", "AutoCreation.Type": "magic"},
                                  {"Type": "sms", "Address": "+1", "AutoCreation.StudioRetryCount": "x",
                                   "AutoCreation.Type": "studio"}])
def test_bad_address_creates_are_400(emu, data):
    assert_error(call(emu, "POST", ADDRESSES, data), 400, 20001)


# --- how scripts send them, concurrency, the log --------------------------------------------------

def test_a_standard_library_script_can_run_a_migration_end_to_end(emu):
    """What a generated plan script does: urllib, form-encoded, Basic auth; then verifies with GETs."""
    auth = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()

    def send(method, path, form=None):
        data = urllib.parse.urlencode(form or {}, doseq=True).encode() if form is not None else None
        request = urllib.request.Request(emu.base_url + path, data=data, method=method,
                                         headers={"Authorization": auth,
                                                  "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None

    assert send("DELETE", f"{FLOWS}/{FO}")[0] == 204
    status, address = send("POST", ADDRESSES, {"Type": "sms", "Address": "+15550100001",
                                                "AutoCreation.Enabled": "true", "AutoCreation.Type": "studio",
                                                "AutoCreation.StudioFlowSid": FW})
    assert status == 201 and address["auto_creation"]["studio_flow_sid"] == FW
    assert send("DELETE", f"{POOL}/{PN_1}")[0] == 204
    assert send("POST", NUMBER, {"SmsUrl": "", "SmsApplicationSid": ""})[0] == 200
    assert FO not in [f["sid"] for f in get(emu, FLOWS).json()["flex_flows"]]
    assert get(emu, NUMBER).json()["sms_url"] == ""
    with pytest.raises(urllib.error.HTTPError) as caught:
        send("POST", ADDRESSES, {"Type": "sms", "Address": "+15550100001"})
    assert caught.value.code == 409 and json.loads(caught.value.read())["code"] == 20409


def test_concurrent_writes_lose_nothing(emu):
    def create(i):
        return call(emu, "POST", FLOWS, {"FriendlyName": f"F{i}", "ChatServiceSid": IS_FLEX, "ChannelType": "sms",
                                         "ContactIdentity": f"+1555020{i:04d}", "Enabled": "true",
                                         "Integration.FlowSid": FW}).json()["sid"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        created = list(pool.map(create, range(64)))
        # the same address from many threads: exactly one wins
        duplicates = list(pool.map(lambda _: call(emu, "POST", ADDRESSES, {"Type": "sms", "Address": "+15550109999"})
                                   .status_code, range(16)))
    assert len(set(created)) == 64
    listed = {f["sid"] for f in get(emu, FLOWS, PageSize=1000).json()["flex_flows"]}
    assert set(created) <= listed and len(listed) == 64 + 3
    assert sorted(duplicates) == [201] + [409] * 15


def test_writes_are_logged_without_their_bodies(tmp_path):
    log = tmp_path / "requests.jsonl"
    secret_url = "https://bot.example/in?token=s3cr3t-in-a-webhook"
    with Emulator(small_scenario(), allow_writes=True, request_log_path=log) as emu:
        call(emu, "POST", NUMBER, {"SmsUrl": secret_url})
        entries = emu.requests
    assert [(e["method"], e["path"], e["status"], e["username"]) for e in entries] == [
        ("POST", f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{PN_1}.json", 200, ACCOUNT)]
    assert "s3cr3t" not in log.read_text() and "s3cr3t" not in repr(entries)


def test_writes_change_only_the_account_that_sent_them():
    scenario = small_scenario()
    scenario["subaccounts"] = [{"flex_flows": [{"friendly_name": "Sub flow"}]}]
    with Emulator(scenario, allow_writes=True) as emu:
        sub_sid, sub_token = next(iter(emu.subaccounts.items()))
        listed = requests.get(emu.base_url + FLOWS, auth=(sub_sid, sub_token), timeout=10).json()
        sub_flow = listed["flex_flows"][0]["sid"]
        assert_error(call(emu, "DELETE", f"{FLOWS}/{sub_flow}"), 404, 20404)  # the parent cannot see it
        assert call(emu, "DELETE", f"{FLOWS}/{sub_flow}", auth=(sub_sid, sub_token)).status_code == 204
        assert len(get(emu, FLOWS).json()["flex_flows"]) == 3
        assert requests.get(emu.base_url + FLOWS, auth=(sub_sid, sub_token), timeout=10).json()["flex_flows"] == []
