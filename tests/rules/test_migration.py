"""4xx rules: Flex Conversations migration readiness."""

import pytest

from tests.support.inventory import (
    ACCOUNT,
    InventoryBuilder,
    assert_fires,
    assert_silent,
    only,
    proxy_webhook,
    sid,
    studio_definition,
    send_to_flex,
    trigger,
    widget,
)

from flexaudit.rules.migration import ui_major

# ---------------------------------------------------------------- FLX401


@pytest.mark.parametrize("version", ["1.34.6", "~1.19.n", "1.0", "v1"])
def test_flx401_flex_ui_1x(version):
    b = InventoryBuilder(ui_version=version)
    f = assert_fires(b.evaluate(), "FLX401", "flex_configuration", ACCOUNT, "high")
    assert version in f.message and "2024-06-30" in f.message


@pytest.mark.parametrize("version", ["2.0.0", "~2.9", "v2", "10.1", None, "", "latest"])
def test_flx401_near_misses(version):
    assert_silent(InventoryBuilder(ui_version=version).evaluate(), "FLX401")


def test_ui_major():
    assert ui_major("1.19.n") == 1 and ui_major("^2.1.0") == 2 and ui_major(None) is None and ui_major("x") is None


# ---------------------------------------------------------------- FLX402


def test_flx402_long_lived_enabled_or_not():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(long_lived=True)
    off = b.flow("+15550100001", enabled=False, long_lived=True, integration={"flow_sid": fw.sid})
    ev = b.evaluate()
    assert_fires(ev, "FLX402", "flex_flow", fo.sid, "medium")
    assert_fires(ev, "FLX402", "flex_flow", off.sid, "medium")


def test_flx402_near_miss():
    b = InventoryBuilder()
    b.sms_address(long_lived=False)
    b.sms_address("+15550100003", long_lived=None)
    assert_silent(b.evaluate(), "FLX402")


# ---------------------------------------------------------------- FLX403


def test_flx403_task_integration_enabled_and_disabled():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address()
    task = b.task_flow("+15550100003")
    outbound = b.task_flow("+15550100001", enabled=False)
    ev = b.evaluate()
    assert_fires(ev, "FLX403", "flex_flow", task.sid, "high")
    assert "outbound Interactions" in assert_fires(ev, "FLX403", "flex_flow", outbound.sid, "high").message
    assert_silent(ev, "FLX403", fo.sid)


# ---------------------------------------------------------------- FLX404


def test_flx404_external_integration():
    b = InventoryBuilder()
    ext = b.external_flow("custom", channel="custom", url="https://bot.example.com/hook?k=secret")
    f = assert_fires(b.evaluate(), "FLX404", "flex_flow", ext.sid, "medium")
    assert "bot.example.com/hook" in f.message and "secret" not in f.message


def test_flx404_near_miss():
    b = InventoryBuilder()
    b.sms_address()
    b.task_flow("+15550100001", enabled=False)
    assert_silent(b.evaluate(), "FLX404")


# ---------------------------------------------------------------- FLX405


def test_flx405_incoming_conversation_not_wired():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(definition=studio_definition(incoming_conversation=None))
    f = assert_fires(b.evaluate(), "FLX405", "flex_flow", fo.sid, "high")
    assert "incomingConversationMessage" in f.message


def test_flx405_no_send_to_flex_at_all():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(definition={"states": [trigger(incomingMessage="R"), widget("R", "send-message")]})
    assert "no Send to Flex widget at all" in only(b.evaluate(), "FLX405").message


def test_flx405_near_miss_reachable_only_through_a_loop():
    b = InventoryBuilder()
    definition = {
        "states": [
            trigger(incomingMessage="SendToFlex", incomingConversationMessage="Greet"),
            widget("Greet", "send-and-wait-for-reply", incomingMessage="Route"),
            widget("Route", "split-based-on", noMatch="Greet", match="SendToFlex"),
            send_to_flex(),
        ]
    }
    b.sms_address(definition=definition)
    assert_silent(b.evaluate(), "FLX405")


def test_flx405_near_misses_missing_or_unparsable_flow_or_disabled():
    b = InventoryBuilder()
    b.number("+15550100001")
    b.flow("+15550100001", integration={"flow_sid": sid("FW", 0x404)})  # FLX201's business
    b.sms_address("+15550100003", definition="garbage")  # FLX205's business
    b.sms_address("+15550100004", definition=studio_definition(incoming_conversation=None), enabled=False)
    assert_silent(b.evaluate(), "FLX405")


# ---------------------------------------------------------------- FLX406


def test_flx406_number_with_flow_and_address():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address("+15550100001")
    fo.contact_identity = "15550100001"
    ig = b.address("sms", "+1 555 010 0001")
    f = assert_fires(b.evaluate(), "FLX406", "phone_number", pn.sid, "high")
    assert ig.sid in f.message and fo.sid in f.message


def test_flx406_near_misses():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address("+15550100001")
    b.address("whatsapp", "whatsapp:+15550100001")  # other channel on the same number
    b.number("+15550100003", sms_url=None)
    b.flow("+15550100003", enabled=False, integration={"flow_sid": fw.sid})
    b.address("sms", "+15550100003")  # only a disabled flow
    assert_silent(b.evaluate(), "FLX406")


# ---------------------------------------------------------------- FLX407


def test_flx407_address_number_in_messaging_service_or_with_webhook():
    b = InventoryBuilder()
    in_mg = b.number("+15550100005", sms_url=None, in_pool=False)
    b.messaging_service(in_mg, defer=True)
    hooked = b.number("+15550100006", sms_url=proxy_webhook(), in_pool=False)
    ig1 = b.address("sms", "+15550100005")
    ig2 = b.address("whatsapp", "whatsapp:+15550100006")
    ev = b.evaluate()
    assert "Messaging Service" in assert_fires(ev, "FLX407", "conversations_address", ig1.sid, "medium").message
    assert "Flex Proxy webhook" in assert_fires(ev, "FLX407", "conversations_address", ig2.sid, "medium").message


def test_flx407_near_misses():
    b = InventoryBuilder()
    b.number("+15550100005", sms_url="", in_pool=False)
    b.address("sms", "+15550100005")
    b.address("chat", "website")
    b.address("sms", "+15550100999")  # not a number of the account: nothing known against it
    assert_silent(b.evaluate(), "FLX407")


# ---------------------------------------------------------------- FLX408


def test_flx408_web_flow():
    b = InventoryBuilder()
    fw = b.studio()
    web = b.flow(None, channel="web", integration={"flow_sid": fw.sid})
    b.flow(None, channel="web", integration={"flow_sid": fw.sid}, enabled=False)
    ev = b.evaluate()
    assert_fires(ev, "FLX408", "flex_flow", web.sid, "medium")
    assert len([f for f in ev.findings if f.rule_id == "FLX408"]) == 1


def test_flx408_near_miss_disabled_web_or_other_channels():
    b = InventoryBuilder()
    b.sms_address()
    b.flow(None, channel="web", enabled=False)
    b.flow("custom", channel="custom")
    assert_silent(b.evaluate(), "FLX408")


# ---------------------------------------------------------------- FLX409


def test_flx409_no_default_chat_service():
    b = InventoryBuilder()
    b.inv.conversations_configuration.default_chat_service_sid = None
    f = assert_fires(b.evaluate(), "FLX409", "account", ACCOUNT, "info")
    assert "default_chat_service_sid" in f.message


def test_flx409_no_configuration_or_unreadable():
    b = InventoryBuilder()
    b.inv.conversations_configuration = None
    assert "no Conversations configuration" in only(b.evaluate(), "FLX409").message
    # rules.md: only when the configuration was read; unreadable, it is skipped and FLX901 says so
    b.fail("conversations", "HTTP 403 (20403)")
    ev = b.evaluate()
    assert_silent(ev, "FLX409")
    assert "FLX409" in {c.family: c for c in ev.coverage}["conversations"].skipped_rules
    assert "FLX409" in only(ev, "FLX901").message


def test_flx409_near_miss():
    assert_silent(InventoryBuilder().evaluate(), "FLX409")
