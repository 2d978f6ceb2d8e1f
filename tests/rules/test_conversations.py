"""5xx rules: Flex Conversations health, the addresses already migrated."""

from datetime import date

import pytest

from tests.support.inventory import (
    CONV_SERVICE,
    TASK_CHANNEL,
    WORKFLOW,
    InventoryBuilder,
    assert_fires,
    assert_silent,
    hits,
    only,
    send_to_flex,
    sid,
    studio_definition,
    trigger,
    widget,
)

AS_OF = date(2026, 11, 21)
FIVE_HUNDRED = tuple(f"FLX50{n}" for n in range(1, 9))


def migrated():
    b = InventoryBuilder()
    pn, ig, fw = b.studio_address()
    return b, pn, ig, fw


def test_a_healthy_migrated_account_has_no_5xx_finding():
    b, pn, ig, fw = migrated()
    b.webhook_address()
    b.active_conversations({"2026-11-20": 40, "2026-11-01": 2})
    ev = b.evaluate(AS_OF)
    assert not [f for f in ev.findings if f.rule_id in FIVE_HUNDRED], [f.message for f in ev.findings]


# ---------------------------------------------------------------- FLX501


@pytest.mark.parametrize("auto_creation", [
    {"enabled": False, "type": "studio", "studio_flow_sid": None},
    None,
    {"type": "default"},  # enabled absent: Twilio's default is false
    "not an object",
])
def test_flx501_auto_creation_off_or_absent(auto_creation):
    b, pn, ig, fw = migrated()
    ig.auto_creation = auto_creation
    f = assert_fires(b.evaluate(), "FLX501", "conversations_address", ig.sid, "high")
    assert "create no conversation" in f.message and ig.sid in f.message


def test_flx501_near_miss_enabled_of_any_type():
    b, pn, ig, fw = migrated()
    b.webhook_address()
    b.address("whatsapp", "whatsapp:+15550100023", {"enabled": True, "type": "default"})
    assert_silent(b.evaluate(), "FLX501")


# ---------------------------------------------------------------- FLX502


def test_flx502_studio_flow_missing_or_deleted():
    b, pn, ig, fw = migrated()
    ig.auto_creation["studio_flow_sid"] = sid("FW", 0x404)
    f = assert_fires(b.evaluate(), "FLX502", "conversations_address", ig.sid, "critical")
    assert sid("FW", 0x404) in f.message
    ig.auto_creation.pop("studio_flow_sid")
    assert "names no studio_flow_sid" in only(b.evaluate(), "FLX502").message


def test_flx502_near_miss_existing_flow_or_not_studio():
    b, pn, ig, fw = migrated()
    b.webhook_address()  # a webhook address names no Studio flow, and needs none
    assert_silent(b.evaluate(), "FLX502")


# ---------------------------------------------------------------- FLX503


def test_flx503_only_incoming_message_reaches_send_to_flex():
    b = InventoryBuilder()
    pn, ig, fw = b.studio_address(definition=studio_definition(incoming_conversation=None))
    ev = b.evaluate()
    f = assert_fires(ev, "FLX503", "conversations_address", ig.sid, "high")
    assert fw.sid in f.message and "incomingConversationMessage" in f.message
    assert_silent(ev, "FLX405")  # a Flex Flow's rule: no Flex Flow uses this Studio flow


def test_flx503_no_send_to_flex_at_all():
    b = InventoryBuilder()
    pn, ig, fw = b.studio_address(definition={"states": [trigger(incomingConversationMessage="Bot"), widget("Bot")]})
    assert "no Send to Flex widget at all" in only(b.evaluate(), "FLX503").message


def test_flx503_near_misses():
    b = InventoryBuilder()
    # reached through a bot widget
    b.studio_address(definition={"states": [trigger(incomingConversationMessage="Bot"),
                                            widget("Bot", "send-and-wait-for-reply", incomingMessage="SendToFlex"),
                                            send_to_flex()]})
    # an unparsable definition is FLX205's business, not FLX503's
    b.studio_address("+15550100031", definition="not json")
    ev = b.evaluate()
    assert_silent(ev, "FLX503")
    assert hits(ev, "FLX205")


# ---------------------------------------------------------------- FLX504


def test_flx504_send_to_flex_outside_the_flex_workspace():
    b = InventoryBuilder()
    pn, ig, fw = b.studio_address(definition=studio_definition(workflow=sid("WW", 0x99), channel="sms-legacy"))
    f = assert_fires(b.evaluate(), "FLX504", "conversations_address", ig.sid, "high")
    assert sid("WW", 0x99) in f.message and "'sms-legacy'" in f.message


def test_flx504_near_misses():
    b = InventoryBuilder()
    b.studio_address(definition=studio_definition(workflow=WORKFLOW, channel="chat"))  # unique name counts
    b.studio_address("+15550100032", definition=studio_definition(workflow="{{flow.variables.workflow}}",
                                                                  channel=TASK_CHANNEL))  # placeholder
    # a wrong Send to Flex reachable only from Incoming Message is not on the address's path
    definition = studio_definition(incoming_message="Legacy")
    definition["states"].append(send_to_flex("Legacy", workflow=sid("WW", 0x98)))
    b.studio_address("+15550100033", definition=definition)
    assert_silent(b.evaluate(), "FLX504")


# ---------------------------------------------------------------- FLX505


def test_flx505_conversation_service_not_in_the_account():
    b, pn, ig, fw = migrated()
    ig.auto_creation["conversation_service_sid"] = sid("IS", 0xF0E)
    f = assert_fires(b.evaluate(), "FLX505", "conversations_address", ig.sid, "high")
    assert sid("IS", 0xF0E) in f.message


def test_flx505_near_miss_unset_or_real():
    b, pn, ig, fw = migrated()
    assert ig.auto_creation["conversation_service_sid"] == CONV_SERVICE
    b.address("sms", "+15550100024", {"enabled": True, "type": "default"})  # none set: Twilio's default service
    b.number("+15550100024", sms_url=None, in_pool=False)
    assert_silent(b.evaluate(), "FLX505")


# ---------------------------------------------------------------- FLX506


def test_flx506_number_not_in_the_account():
    b, pn, ig, fw = migrated()
    ghost = b.address("whatsapp", "whatsapp:+1 (555) 010-0099", {"enabled": True, "type": "default"})
    f = assert_fires(b.evaluate(), "FLX506", "conversations_address", ghost.sid, "medium")
    assert "+15550100099" in f.message
    assert [h.resource_sid for h in hits(b.evaluate(), "FLX506")] == [ghost.sid]


def test_flx506_near_misses():
    b, pn, ig, fw = migrated()
    b.address("whatsapp", "whatsapp:15550100021", {"enabled": True, "type": "default"})  # same number, no +
    b.address("messenger", "messenger:1234567890", {"enabled": True, "type": "default"})  # not a number type
    assert_silent(b.evaluate(), "FLX506")


# ---------------------------------------------------------------- FLX507


@pytest.mark.parametrize("url, filters, expected", [
    (None, ("onMessageAdded",), "no webhook_url"),
    ("http://bots.example.com/in", ("onMessageAdded",), "is not https"),
    ("https://bots.example.com/in", ("onConversationAdded",), "lack onMessageAdded"),
    ("https://bots.example.com/in", (), "(none) lack onMessageAdded"),
])
def test_flx507_webhook_never_hears_messages(url, filters, expected):
    b = InventoryBuilder()
    pn, ig = b.webhook_address(url=url, filters=filters)
    f = assert_fires(b.evaluate(), "FLX507", "conversations_address", ig.sid, "medium")
    assert expected in f.message


def test_flx507_url_is_shown_without_credentials_or_query():
    b = InventoryBuilder()
    pn, ig = b.webhook_address(url="http://user:s3cret@bots.example.com/in?token=abc")
    message = only(b.evaluate(), "FLX507").message
    assert "s3cret" not in message and "token=abc" not in message and "http://bots.example.com/in" in message


def test_flx507_near_misses():
    b = InventoryBuilder()
    b.webhook_address()
    b.webhook_address("+15550100025", filters=("onConversationAdded", "onMessageAdded"))
    pn, ig = b.webhook_address("+15550100026")
    ig.auto_creation["webhook_filters"] = "onMessageAdded"  # a single string
    b.studio_address()  # not a webhook address
    assert_silent(b.evaluate(), "FLX507")


# ---------------------------------------------------------------- FLX508


def test_flx508_stale_active_conversations_counted_with_the_oldest_day():
    b, pn, ig, fw = migrated()
    b.active_conversations({"2026-11-20": 10, "2026-10-21": 3, "2026-08-02": 5, "2026-10-22": 7})
    f = assert_fires(b.evaluate(AS_OF), "FLX508", "chat_service", CONV_SERVICE, "medium")
    assert f.resource_name == "Flex Conversation Service"
    assert "holds 8 active conversation(s) of 25" in f.message and "2026-08-02" in f.message


def test_flx508_near_misses():
    b, pn, ig, fw = migrated()
    b.active_conversations({"2026-11-20": 10, "2026-10-22": 7})  # 30 days before: not more than 30
    assert_silent(b.evaluate(AS_OF), "FLX508")
    b.inv.active_conversations = None  # no Flex conversation service to count
    assert_silent(b.evaluate(AS_OF), "FLX508")


def test_5xx_rules_are_skipped_when_their_family_could_not_be_read():
    b, pn, ig, fw = migrated()
    ig.auto_creation = None
    b.active_conversations({"2020-01-01": 1})
    b.fail("conversations")
    b.fail("active_conversations")
    ev = b.evaluate(AS_OF)
    assert_silent(ev, "FLX501")
    assert_silent(ev, "FLX508")
    skipped = {c.family: set(c.skipped_rules) for c in ev.coverage}
    assert {"FLX501", "FLX502", "FLX503", "FLX504", "FLX505", "FLX506", "FLX507"} <= skipped["conversations"]
    assert skipped["active_conversations"] == {"FLX508"}
