"""The 2010 Messages list: newest first, filters before paging, compact blocks made lazily."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
import requests

from flexaudit.emulator import Emulator, ScenarioError, load_scenario
from flexaudit.emulator.resources import CUSTOMER_BODY, CUSTOMER_FROM_PREFIX

from tests.support.emulator import ACCOUNT, TOKEN, sdk_client, sid, small_scenario

MESSAGES = f"/api/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
SMS = "+15550100001"
WHATSAPP = "whatsapp:+15550100002"
QUIET = "+15550100004"  # a number without traffic


def _scenario() -> dict:
    scenario = small_scenario()
    scenario["messages"] = [
        # 10 messages to SMS, hourly, the newest at 14:03:11
        {"to": SMS, "count": 10, "newest": "2026-10-02T14:03:11Z", "interval_minutes": 60},
        # 4 WhatsApp messages, daily
        {"to": WHATSAPP, "count": 4, "newest": "2026-10-05T09:00:00Z", "interval_minutes": 1440},
        # written ones, out of order in the file
        {"sid": sid("SM", 2), "to": SMS, "from": "+15005550006", "date_sent": "2026-09-01T08:00:00Z"},
        {"sid": sid("SM", 1), "to": SMS, "from": "+15005550006", "date_sent": "2026-10-02T14:30:00Z",
         "body": f"{CUSTOMER_BODY} the newest of all"},
    ]
    return scenario


@pytest.fixture(scope="module")
def emu():
    with Emulator(_scenario()) as emulator:
        yield emulator


def get(emu, path=MESSAGES, **params):
    response = requests.get(emu.base_url + path, params=params, auth=(ACCOUNT, TOKEN), timeout=10)
    return response


def _sent(message: dict) -> datetime:
    return parsedate_to_datetime(message["date_sent"])


def _read_all(emu, **params) -> list[dict]:
    """Follow the 2010 next_page_uri links; also checks each page's links are relative."""
    body = get(emu, **params).json()
    found = list(body["messages"])
    while body["next_page_uri"]:
        assert body["next_page_uri"].startswith(f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json?")
        body = requests.get(emu.base_url + "/api" + body["next_page_uri"], auth=(ACCOUNT, TOKEN), timeout=10).json()
        found += body["messages"]
    return found


def test_every_message_once_newest_first_across_pages(emu):
    messages = _read_all(emu, PageSize=3)
    assert len(messages) == 16 == len({m["sid"] for m in messages})
    dates = [_sent(m) for m in messages]
    assert dates == sorted(dates, reverse=True)
    assert [m["to"] for m in messages[:3]] == [WHATSAPP] * 3  # Oct 5, 4 and 3
    # then the written 14:30 message before the block's 14:03 one; blocks and
    # written messages interleave by date; the oldest (Sep 1) comes last
    assert messages[3]["sid"] == sid("SM", 1)
    assert messages[4]["date_sent"] == "Fri, 02 Oct 2026 14:03:11 +0000"
    assert [m["to"] for m in messages[9:12]] == [SMS, WHATSAPP, SMS]  # 09:03, 09:00, 08:03
    assert messages[-1]["sid"] == sid("SM", 2)


def test_to_filter_is_exact_and_applied_before_paging(emu):
    body = get(emu, To=SMS, PageSize=1).json()
    assert [m["to"] for m in body["messages"]] == [SMS]
    assert body["messages"][0]["date_sent"] == "Fri, 02 Oct 2026 14:30:00 +0000"  # RFC 2822, as the 2010 API
    assert "To=%2B15550100001" in body["next_page_uri"]
    assert len(_read_all(emu, To=SMS, PageSize=4)) == 12
    whatsapp = _read_all(emu, To=WHATSAPP, PageSize=2)
    assert [m["date_sent"] for m in whatsapp] == [
        "Mon, 05 Oct 2026 09:00:00 +0000", "Sun, 04 Oct 2026 09:00:00 +0000",
        "Sat, 03 Oct 2026 09:00:00 +0000", "Fri, 02 Oct 2026 09:00:00 +0000"]
    assert get(emu, To="15550100001").json()["messages"] == []  # exact: no normalising
    assert get(emu, To=QUIET, PageSize=1).json()["messages"] == []
    assert get(emu, To=QUIET, PageSize=1).json()["next_page_uri"] is None


def test_from_filter(emu):
    written = _read_all(emu, From="+15005550006")
    assert [m["sid"] for m in written] == [sid("SM", 1), sid("SM", 2)]
    customer = get(emu, To=SMS).json()["messages"][1]["from"]
    assert customer.startswith(CUSTOMER_FROM_PREFIX)
    assert [m["from"] for m in _read_all(emu, From=customer)] == [customer]
    whatsapp_customer = get(emu, To=WHATSAPP).json()["messages"][0]["from"]
    assert whatsapp_customer.startswith("whatsapp:" + CUSTOMER_FROM_PREFIX)
    assert len(_read_all(emu, From=whatsapp_customer)) == 1


@pytest.mark.parametrize("params,expected", [
    ({"DateSent": "2026-10-02"}, 10 + 1 + 1),  # SMS block 05:03..14:03, written 14:30, WhatsApp 09:00
    ({"DateSent": "2026-10-02T14:30:00Z"}, 1),
    ({"DateSent<": "2026-10-01"}, 1),  # on or before the day: only the September one
    ({"DateSent>": "2026-10-04"}, 2),  # on or after: WhatsApp 4th and 5th
    ({"DateSent>": "2026-10-02T12:00:00Z", "DateSent<": "2026-10-02T14:03:11Z", "To": SMS}, 3),  # 12:03, 13:03, 14:03
])
def test_date_sent_filters(emu, params, expected):
    messages = _read_all(emu, PageSize=5, **params)
    assert len(messages) == expected
    low = params.get("DateSent>")
    for message in messages:
        if low and "T" in low:
            assert _sent(message) >= datetime.fromisoformat(low.replace("Z", "+00:00"))


def test_bad_date_is_400(emu):
    response = get(emu, DateSent="yesterday")
    assert response.status_code == 400 and response.json()["code"] == 20001


def test_page_size_clamped_to_1000(emu):
    assert get(emu, PageSize=5000).json()["page_size"] == 1000


def test_customer_data_is_recognisable(emu):
    for message in _read_all(emu, PageSize=50):
        assert message["body"].startswith(CUSTOMER_BODY)
        assert message["direction"] == "inbound" and message["status"] == "received"
    block = get(emu, To=SMS).json()["messages"][1]
    assert CUSTOMER_BODY in block["body"] and block["from"].startswith("+1999")


def test_sdk_reads_the_newest_message_to_an_address(emu):
    client = sdk_client(emu)
    before = len(emu.requests)
    (newest,) = client.messages.list(to=WHATSAPP, limit=1)
    assert newest.date_sent == datetime(2026, 10, 5, 9, 0, tzinfo=timezone.utc)
    assert newest.to == WHATSAPP
    (request,) = emu.requests[before:]
    assert request["query"] == "To=whatsapp%3A%2B15550100002&PageSize=1"
    dated = client.messages.list(to=SMS, date_sent_after=datetime(2026, 10, 2, 13, 0, tzinfo=timezone.utc))
    assert len(dated) == 3  # 13:03, 14:03 and 14:30
    assert client.messages.list(to=QUIET, limit=1) == []


def test_another_account_in_the_path_is_404(emu):
    response = get(emu, f"/api/2010-04-01/Accounts/{sid('AC', 77)}/Messages.json")
    assert response.status_code == 404 and response.json()["code"] == 20404


def test_a_million_messages_cost_no_memory_and_page_fast():
    scenario = small_scenario()
    scenario["messages"] = [{"to": f"+1555010{i:04d}", "count": 1_000_000, "newest": "2026-11-20T10:00:00Z",
                             "interval_minutes": 1} for i in range(200)]
    started = time.monotonic()
    with Emulator(scenario) as emu:
        body = get(emu, To="+15550100150", PageSize=1).json()
        assert body["messages"][0]["date_sent"] == "Fri, 20 Nov 2026 10:00:00 +0000"
        deep = get(emu, To="+15550100150", PageSize=1000, Page=900).json()
        assert len(deep["messages"]) == 1000 and deep["start"] == 900_000
        # message 900,000 of the block: 900,000 minutes older than the newest
        assert _sent(deep["messages"][0]) == datetime(2026, 11, 20, 10, tzinfo=timezone.utc) - timedelta(minutes=900_000)
        ranged = get(emu, **{"To": "+15550100150", "DateSent": "2026-11-19"}).json()
        assert ranged["messages"] and all(m["date_sent"].startswith("Thu, 19 Nov 2026") for m in ranged["messages"])
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("entry,message", [
    ({"to": SMS}, "messages[0].date_sent must be an ISO 8601 date-time"),
    ({"date_sent": "2026-10-02T14:03:11Z"}, "messages[0].to must be a non-empty string"),
    ({"to": SMS, "count": -1, "newest": "2026-10-02T14:03:11Z"}, "messages[0].count must be a non-negative integer"),
    ({"to": SMS, "count": 3}, "messages[0].newest must be an ISO 8601 date-time"),
    ({"to": SMS, "count": 3, "newest": "2026-10-02T14:03:11Z", "colour": "red"}, "a compact block has only"),
])
def test_bad_messages_name_the_problem(entry, message):
    with pytest.raises(ScenarioError) as caught:
        load_scenario({"messages": [entry]})
    assert message in str(caught.value)
