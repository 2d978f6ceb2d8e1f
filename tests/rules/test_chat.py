"""3xx rules: Programmable Chat end of life and legacy hygiene."""

from datetime import date, timedelta

import pytest

from tests.support.inventory import (
    FLEX_CHAT,
    FLEX_PROXY,
    InventoryBuilder,
    assert_fires,
    assert_silent,
    hits,
    only,
    sid,
)

from flexaudit.model.inventory import ChannelSummary, ChatService, SessionSummary
from flexaudit.model.lifecycle import PROGRAMMABLE_CHAT_EOL

EOL = PROGRAMMABLE_CHAT_EOL

# ---------------------------------------------------------------- FLX301


@pytest.mark.parametrize(
    "as_of, severity, phrase",
    [
        (EOL - timedelta(days=400), "medium", "400 days left"),
        (EOL - timedelta(days=181), "medium", "181 days left"),  # edge: just outside the 180-day window
        (EOL - timedelta(days=180), "high", "180 days left"),  # edge: first day of the window
        (EOL - timedelta(days=1), "high", "1 day left"),
        (EOL, "critical", "end of life today"),  # edge: on the date
        (EOL + timedelta(days=1), "critical", "1 day overdue"),
        (date(2026, 11, 21), "critical", "173 days overdue"),
    ],
)
def test_flx301_severity_by_as_of_date(as_of, severity, phrase):
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address()
    off = b.task_flow("+15550100001", enabled=False)
    ev = b.evaluate(as_of)
    for flow in (fo, off):  # enabled or not
        f = assert_fires(ev, "FLX301", "flex_flow", flow.sid, severity)
        assert phrase in f.message, f.message
        assert "2026-06-01" in f.message


def test_flx301_silent_without_flex_flows():
    b = InventoryBuilder()
    b.number("+15550100001")
    assert_silent(b.evaluate(), "FLX301")


# ---------------------------------------------------------------- FLX302


def flex_chat(b) -> ChatService:
    return b.inv.chat_services[0]


def test_flx302_active_channels_in_the_flex_chat_service():
    b = InventoryBuilder()
    b.sms_address()
    flex_chat(b).channels = ChannelSummary(
        total=1500,
        active_by_type={"private": 3, "public": 1},
        inactive_by_type={"private": 1496},
        active_by_channel_type={"sms": 2, "web": 2},
    )
    f = assert_fires(b.evaluate(), "FLX302", "chat_service", FLEX_CHAT, "medium")
    assert "4 active channel(s)" in f.message
    assert "sms: 2" in f.message and "web: 2" in f.message and "private: 3" in f.message and "public: 1" in f.message


def test_flx302_unparsable_attributes_count_as_active():
    b = InventoryBuilder()
    flex_chat(b).channels = ChannelSummary(total=2, unparsable_attributes=2)
    assert "not a JSON object" in only(b.evaluate(), "FLX302").message


def test_flx302_near_misses():
    b = InventoryBuilder()
    flex_chat(b).channels = ChannelSummary(total=10, inactive_by_type={"private": 10})
    b.inv.chat_services.append(ChatService(sid=sid("IS", 0x33), channels=ChannelSummary(total=5, active_by_type={"private": 5})))
    assert_silent(b.evaluate(), "FLX302")


# ---------------------------------------------------------------- FLX303


def test_flx303_long_lived_flow_on_a_service_with_many_inactive_channels():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(long_lived=True)
    flex_chat(b).channels = ChannelSummary(total=1001, inactive_by_type={"private": 1000, "public": 1})
    f = assert_fires(b.evaluate(), "FLX303", "chat_service", FLEX_CHAT, "low")
    assert "1001 inactive" in f.message and fo.sid in f.message


def test_flx303_near_misses():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(long_lived=True)
    flex_chat(b).channels = ChannelSummary(total=1000, inactive_by_type={"private": 1000})  # not more than 1,000
    big = ChatService(sid=sid("IS", 0x44), channels=ChannelSummary(total=9000, inactive_by_type={"private": 9000}))
    b.inv.chat_services.append(big)  # many, but no long-lived flow uses it
    b.flow(None, channel="web", chat_service_sid=big.sid, long_lived=False)
    assert_silent(b.evaluate(), "FLX303")


# ---------------------------------------------------------------- FLX304


def test_flx304_janitor_off():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(janitor_enabled=False)
    assert_fires(b.evaluate(), "FLX304", "flex_flow", fo.sid, "low")


def test_flx304_near_misses():
    b = InventoryBuilder()
    b.sms_address(janitor_enabled=None)  # unknown
    b.sms_address("+15550100003", janitor_enabled=False, enabled=False)  # disabled
    b.flow(None, channel="web", janitor_enabled=False)  # not sms/whatsapp
    assert_silent(b.evaluate(), "FLX304")


# ---------------------------------------------------------------- FLX305


def test_flx305_stale_open_sessions_count_and_oldest():
    b = InventoryBuilder()
    b.sms_address()
    b.flex_proxy.sessions = SessionSummary(
        total=10,
        by_status={"open": 6, "closed": 4},
        open_by_last_activity_day={
            "2025-01-30": 2,  # 30 days before 2025-03-01: not more than 30
            "2025-01-29": 3,  # 31 days: stale
            "2024-12-01": 1,  # stale, the oldest
            "2025-02-28": 5,
            "garbage": 9,
        },
    )
    f = assert_fires(b.evaluate(date(2025, 3, 1)), "FLX305", "proxy_service", FLEX_PROXY, "medium")
    assert "holds 4 open" in f.message and "2024-12-01" in f.message


def test_flx305_edge_exactly_30_days_is_not_stale():
    b = InventoryBuilder()
    b.flex_proxy.sessions = SessionSummary(total=1, open_by_last_activity_day={"2025-01-30": 1})
    assert_silent(b.evaluate(date(2025, 3, 1)), "FLX305")
    assert_fires(b.evaluate(date(2025, 3, 2)), "FLX305", "proxy_service", FLEX_PROXY)


def test_flx305_other_proxy_services_are_not_judged():
    b = InventoryBuilder()
    other = b.proxy("Appointments")
    other.sessions = SessionSummary(total=1, open_by_last_activity_day={"2020-01-01": 1})
    assert_silent(b.evaluate(), "FLX305")


def test_flx305_ambiguous_flex_proxy_judges_candidates_and_says_so():
    b = InventoryBuilder()
    b.flex_proxy.unique_name = "Flex Proxy Service"
    twin = b.proxy("Flex Proxy Service", chat_instance_sid=None)
    b.flex_proxy.chat_instance_sid = None
    twin.sessions = SessionSummary(total=1, open_by_last_activity_day={"2020-01-01": 1})
    f = assert_fires(b.evaluate(), "FLX305", "proxy_service", twin.sid)
    assert "could not be identified" in f.message and FLEX_PROXY in f.message
    assert len(hits(b.evaluate(), "FLX305")) == 1
