"""Conversations services and their conversations: chat services mirrored, filters, lazy repeat blocks."""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from flexaudit.emulator import Emulator, ScenarioError, load_scenario

from tests.support.emulator import ACCOUNT, IS_FLEX, IS_OTHER, TOKEN, sdk_client, sid, small_scenario

IS_CONV = sid("IS", 9)
CONVERSATIONS = f"/conversations/v1/Services/{IS_CONV}/Conversations"


def _scenario() -> dict:
    scenario = small_scenario()
    scenario["conversation_services"] = [
        {"sid": IS_CONV, "friendly_name": "Flex Conversation Service", "conversations": [
            {"sid": sid("CH", 100), "state": "active", "friendly_name": "written",
             "date_created": "2026-11-20T10:00:00Z", "date_updated": "2026-11-20T10:05:00Z",
             "attributes": {"from": "Customer"}},
            {"repeat": 7, "template": {"state": "active", "date_created": "2026-08-01T10:00:00Z",
                                       "date_updated": "2026-08-02T10:00:00Z"}},  # stale
            {"repeat": 5, "template": {"state": "inactive", "date_created": "2026-10-10T10:00:00Z"}},
            {"repeat": 11, "template": {"state": "closed", "date_created": "2026-09-01T10:00:00Z",
                                        "timers": {"date_closed": "2026-09-02T10:00:00Z"}}},
        ]},
        # The Flex chat service stated as a Conversations service too: stated wins, no duplicate.
        {"sid": IS_FLEX, "friendly_name": "Flex Chat Service (as Conversations)"},
    ]
    return scenario


@pytest.fixture(scope="module")
def emu():
    with Emulator(_scenario()) as emulator:
        yield emulator


def get(emu, path, **params):
    return requests.get(emu.base_url + path, params=params, auth=(ACCOUNT, TOKEN), timeout=10)


def _read_all(emu, path, **params) -> list[dict]:
    body = get(emu, path, **params).json()
    key = body["meta"]["key"]
    found = list(body[key])
    while body["meta"]["next_page_url"]:
        url = body["meta"]["next_page_url"]
        assert url.startswith("https://conversations.twilio.com/v1/")
        body = requests.get(emu.base_url + "/conversations" + url.split(".twilio.com", 1)[1],
                            auth=(ACCOUNT, TOKEN), timeout=10).json()
        found += body[key]
    return found


def test_services_list_stated_ones_then_chat_services_not_stated(emu):
    services = _read_all(emu, "/conversations/v1/Services", PageSize=1)
    assert [s["sid"] for s in services] == [IS_CONV, IS_FLEX, IS_OTHER]
    assert services[1]["friendly_name"] == "Flex Chat Service (as Conversations)"
    assert services[2]["friendly_name"] == "Other"  # mirrored from chat_services
    assert services[0]["links"]["conversations"] == f"https://conversations.twilio.com/v1/Services/{IS_CONV}/Conversations"


def test_service_fetch_and_404(emu):
    assert get(emu, f"/conversations/v1/Services/{IS_OTHER}").json()["sid"] == IS_OTHER
    missing = get(emu, f"/conversations/v1/Services/{sid('IS', 77)}")
    assert missing.status_code == 404 and missing.json()["code"] == 20404
    assert get(emu, f"/conversations/v1/Services/{sid('IS', 77)}/Conversations").status_code == 404


def test_every_conversation_once_across_pages(emu):
    conversations = _read_all(emu, CONVERSATIONS, PageSize=4)
    assert len(conversations) == 24 == len({c["sid"] for c in conversations})
    assert conversations[0]["sid"] == sid("CH", 100)
    assert json.loads(conversations[0]["attributes"]) == {"from": "Customer"}
    assert all(c["chat_service_sid"] == IS_CONV and c["url"].endswith(c["sid"]) for c in conversations)
    assert all(c["links"]["messages"] == c["url"] + "/Messages" for c in conversations)


@pytest.mark.parametrize("params,expected", [
    ({"State": "active"}, 8),
    ({"State": "inactive"}, 5),
    ({"State": "closed"}, 11),
    ({"StartDate": "2026-09-01"}, 1 + 5 + 11),  # created on or after Sep 1
    ({"EndDate": "2026-09-01"}, 7 + 11),  # created on or before Sep 1 (whole day)
    ({"StartDate": "2026-10-01T00:00:00Z", "EndDate": "2026-10-31T23:59:59Z"}, 5),
    ({"State": "active", "StartDate": "2026-11-01"}, 1),
])
def test_filters_apply_before_paging(emu, params, expected):
    found = _read_all(emu, CONVERSATIONS, PageSize=3, **params)
    assert len(found) == expected
    if "State" in params:
        assert {c["state"] for c in found} == {params["State"]}


@pytest.mark.parametrize("params", [{"State": "asleep"}, {"StartDate": "last week"}])
def test_bad_filters_are_400(emu, params):
    response = get(emu, CONVERSATIONS, **params)
    assert response.status_code == 400 and response.json()["code"] == 20001


def test_page_size_clamped_to_100(emu):
    assert get(emu, CONVERSATIONS, PageSize=500).json()["meta"]["page_size"] == 100
    assert get(emu, "/conversations/v1/Services", PageSize=500).json()["meta"]["page_size"] == 100


def test_sdk_streams_active_conversations_and_sees_stale_dates(emu):
    client = sdk_client(emu)
    services = client.conversations.v1.services.list()
    assert services[0].friendly_name == "Flex Conversation Service"
    active = list(client.conversations.v1.services(IS_CONV).conversations.stream(state="active", page_size=3))
    assert len(active) == 8
    stale = [c for c in active if c.date_updated.isoformat() < "2026-10-22"]
    assert len(stale) == 7
    assert emu.requests[-1]["query"].startswith("State=active&PageSize=3&Page=2")
    with pytest.raises(TwilioRestException) as caught:
        client.conversations.v1.services(sid("IS", 77)).fetch()
    assert caught.value.status == 404


def test_family_split_conversation_services_and_active_conversations():
    with Emulator(_scenario(), deny={"active_conversations": 403}) as emu:
        assert get(emu, "/conversations/v1/Services").status_code == 200
        assert get(emu, CONVERSATIONS).status_code == 403
        assert get(emu, "/conversations/v1/Configuration/Addresses").status_code == 200
    with Emulator(_scenario(), deny={"conversation_services": 503}) as emu:
        assert get(emu, "/conversations/v1/Services").status_code == 503
        assert get(emu, f"/conversations/v1/Services/{IS_CONV}").status_code == 503
        assert get(emu, CONVERSATIONS).status_code == 200


def test_half_a_million_conversations_cost_no_memory():
    scenario = small_scenario()
    scenario["conversation_services"] = [{"sid": IS_CONV, "conversations": [
        {"repeat": 450_000, "template": {"state": "closed", "date_created": "2026-01-01T00:00:00Z"}},
        {"repeat": 50_000, "template": {"state": "active", "date_created": "2026-11-01T00:00:00Z",
                                        "date_updated": "2026-11-02T00:00:00Z"}},
    ]}]
    tracemalloc.start()
    started = time.monotonic()
    try:
        with Emulator(scenario) as emu:
            body = get(emu, CONVERSATIONS, State="active", PageSize=100, Page=499).json()
            assert len(body["conversations"]) == 100 and body["meta"]["next_page_url"] is None
            assert {c["state"] for c in body["conversations"]} == {"active"}
            last = get(emu, CONVERSATIONS, PageSize=100, Page=4999).json()
            assert len(last["conversations"]) == 100
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000  # a page, not half a million resources
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("entry,message", [
    ({"conversations": [{"state": "sleeping"}]}, "conversation_services[0].conversations[0].state must be one of"),
    ({"conversations": [{"repeat": 2, "template": {"date_updated": "yesterday"}}]},
     "conversations[0].template.date_updated must be an ISO 8601 date-time"),
    ({"conversations": [{"repeat": -2}]}, "conversations[0].repeat must be a non-negative integer"),
])
def test_bad_conversations_name_the_problem(entry, message):
    with pytest.raises(ScenarioError) as caught:
        load_scenario({"conversation_services": [entry]})
    assert message in str(caught.value)
