"""2xx rules: the Studio flow behind an enabled studio integration."""

from tests.support.inventory import (
    InventoryBuilder,
    assert_fires,
    assert_silent,
    hits,
    only,
    sid,
    studio_definition,
    trigger,
    send_to_flex,
    widget,
)
from tests.support.studio import studio_example


def example(name):
    return studio_example(name.removesuffix(".json"))


# ---------------------------------------------------------------- FLX201


def test_flx201_missing_flow_sid():
    b = InventoryBuilder()
    b.number("+15550100001")
    fo = b.flow("+15550100001", integration={"retry_count": 3})
    f = assert_fires(b.evaluate(), "FLX201", "flex_flow", fo.sid, "critical")
    assert "no integration flow_sid" in f.message


def test_flx201_flow_sid_not_in_account():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address()
    fo.integration = {"flow_sid": sid("FW", 0x404)}
    f = assert_fires(b.evaluate(), "FLX201", "flex_flow", fo.sid, "critical")
    assert sid("FW", 0x404) in f.message


def test_flx201_near_misses():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address()
    b.flow("+15550100001", enabled=False, integration={"flow_sid": sid("FW", 0x404)})  # disabled
    b.flow("+15550100001", integration_type="external", integration={"url": "https://x.example"}, enabled=False)
    assert_silent(b.evaluate(), "FLX201")


def test_flx201_integration_that_is_not_an_object():
    b = InventoryBuilder()
    b.number("+15550100001")
    fo = b.flow("+15550100001", integration=["FW1"])
    assert_fires(b.evaluate(), "FLX201", "flex_flow", fo.sid)


# ---------------------------------------------------------------- FLX202


def test_flx202_no_send_to_flex_at_all():
    b = InventoryBuilder()
    definition = {"states": [trigger(incomingMessage="Reply"), widget("Reply", "send-message")]}
    pn, fo, fw = b.sms_address(definition=definition)
    ev = b.evaluate()
    f = assert_fires(ev, "FLX202", "flex_flow", fo.sid, "high")
    assert fw.sid in f.message
    assert_silent(ev, "FLX203")  # 203 is for flows that have one


def test_flx202_near_miss_unparsable_definition_is_flx205_only():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(definition="{oops")
    ev = b.evaluate()
    assert_silent(ev, "FLX202")
    assert_silent(ev, "FLX203")
    assert_fires(ev, "FLX205", "studio_flow", fw.sid)


# ---------------------------------------------------------------- FLX203


def test_flx203_incoming_message_not_connected():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(definition=studio_definition(incoming_message=None))
    f = assert_fires(b.evaluate(), "FLX203", "flex_flow", fo.sid, "high")
    assert "absent or not connected" in f.message


def test_flx203_incoming_message_leads_elsewhere():
    b = InventoryBuilder()
    definition = {"states": [trigger(incomingMessage="Bot", incomingConversationMessage="SendToFlex"), widget("Bot", "send-message"), send_to_flex()]}
    pn, fo, fw = b.sms_address(definition=definition)
    assert "none of them Send to Flex" in only(b.evaluate(), "FLX203").message


def test_flx203_event_absent_from_trigger():
    b = InventoryBuilder()
    definition = {"states": [trigger(incomingConversationMessage="SendToFlex"), send_to_flex()]}
    pn, fo, fw = b.sms_address(definition=definition)
    assert_fires(b.evaluate(), "FLX203", "flex_flow", fo.sid)


def test_flx203_near_miss_reachable_only_through_a_loop():
    b = InventoryBuilder()
    definition = {
        "states": [
            trigger(incomingMessage="Ask", incomingConversationMessage="SendToFlex"),
            widget("Ask", "send-and-wait-for-reply", incomingMessage="Check"),
            widget("Check", "split-based-on", noMatch="Ask", match="SendToFlex"),
            send_to_flex(),
        ]
    }
    pn, fo, fw = b.sms_address(definition=definition)
    ev = b.evaluate()
    assert_silent(ev, "FLX203")
    assert_silent(ev, "FLX205")


def test_flx203_near_miss_lex_poc_example():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(definition=example("tps-lex-poc_studio-flow.json"))
    ev = b.evaluate()
    assert_silent(ev, "FLX203")
    assert_fires(ev, "FLX405", "flex_flow", fo.sid, "high")  # legacy-only bot flow


# ---------------------------------------------------------------- FLX204


def test_flx204_draft_flow_one_finding_per_studio_flow():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address()
    fw.status = "draft"
    b.number("+15550100003")
    second = b.flow("+15550100003", integration={"flow_sid": fw.sid})
    f = assert_fires(b.evaluate(), "FLX204", "studio_flow", fw.sid, "medium")
    assert fo.sid in f.message and second.sid in f.message
    assert len(hits(b.evaluate(), "FLX204")) == 1


def test_flx204_near_misses():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address()
    unused = b.studio(status="draft")
    disabled_user = b.studio(status="draft")
    b.flow("+15550100001", enabled=False, integration={"flow_sid": disabled_user.sid})
    assert_silent(b.evaluate(), "FLX204")


# ---------------------------------------------------------------- FLX205


def test_flx205_studio_reports_invalid():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address()
    fw.valid = False
    fw.errors = [{"message": "Widget SendToFlex is missing workflow", "property_path": "#/states/1"}]
    f = assert_fires(b.evaluate(), "FLX205", "studio_flow", fw.sid, "high")
    assert "valid: false" in f.message and "1 error(s)" in f.message and "missing workflow" in f.message


def test_flx205_definition_problems():
    for definition, expected in [
        ("not json", "not valid JSON"),
        ({"description": "x"}, "no 'states'"),
        ({"states": [trigger(incomingMessage="Nowhere"), send_to_flex()]}, "does not exist"),
        (None, "missing"),
        ([1, 2], "a list"),
    ]:
        b = InventoryBuilder()
        pn, fo, fw = b.sms_address(definition=definition)
        f = assert_fires(b.evaluate(), "FLX205", "studio_flow", fw.sid, "high")
        assert expected in f.message, (definition, f.message)


def test_flx205_lists_at_most_five_problems():
    b = InventoryBuilder()
    states = [trigger(incomingMessage="SendToFlex")] + [widget(f"W{i}", next=f"Ghost{i}") for i in range(9)] + [send_to_flex()]
    pn, fo, fw = b.sms_address(definition={"states": states})
    assert "and 4 more" in only(b.evaluate(), "FLX205").message


def test_flx205_near_misses():
    b = InventoryBuilder()
    definition = {"states": [trigger(incomingMessage="X", incomingConversationMessage="SendToFlex"), widget("X", "brand-new-widget", next="SendToFlex"), send_to_flex()]}
    pn, fo, fw = b.sms_address(definition=definition)
    fw.valid = None  # unknown is not invalid
    fw.errors = None
    broken_unused = b.studio(definition="garbage")
    assert_silent(b.evaluate(), "FLX205")


# ---------------------------------------------------------------- FLX206


def test_flx206_workflow_and_channel_outside_the_flex_workspace():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(definition=studio_definition(workflow=sid("WW", 0x42), channel="sms-from-elsewhere"))
    f = assert_fires(b.evaluate(), "FLX206", "studio_flow", fw.sid, "high")
    assert sid("WW", 0x42) in f.message and "sms-from-elsewhere" in f.message


def test_flx206_lex_poc_example_names_placeholder_sids():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(definition=example("tps-lex-poc_studio-flow.json"))
    f = assert_fires(b.evaluate(), "FLX206", "studio_flow", fw.sid)
    assert "'WWxx'" in f.message and "'TCxx'" in f.message


def test_flx206_near_misses():
    b = InventoryBuilder()
    # channel by unique name; templated example flows; Liquid values; unreachable bad widget
    b.sms_address("+15550100001", definition=studio_definition(channel="chat"))
    b.sms_address("+15550100002", definition=example("fpt_messaging-flow.json"))
    b.sms_address("+15550100003", definition=studio_definition(workflow="{{flow.variables.wf}}", channel="${CHANNEL}"))
    unreachable = studio_definition()
    unreachable["states"].append(send_to_flex("Orphan", workflow=sid("WW", 0x42)))
    b.sms_address("+15550100004", definition=unreachable)
    assert_silent(b.evaluate(), "FLX206")


def test_flx206_missing_workflow_value_and_unknown_workspace():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(definition=studio_definition(workflow=""))
    assert "has no workflow" in only(b.evaluate(), "FLX206").message
    b.inv.flex_configuration.taskrouter_workspace_sid = sid("WS", 0x77)
    assert "was not found" in only(b.evaluate(), "FLX206").message
    b.inv.flex_configuration.taskrouter_workspace_sid = None  # nothing to judge against
    assert_silent(b.evaluate(), "FLX206")


# ---------------------------------------------------------------- FLX204/FLX205 on an address's Studio flow


def test_flx204_and_flx205_judge_a_conversations_address_studio_flow_too():
    b = InventoryBuilder()
    pn, ig, fw = b.studio_address(definition={"states": [trigger(incomingConversationMessage="Gone")]})
    fw.status = "draft"
    ev = b.evaluate()
    draft = assert_fires(ev, "FLX204", "studio_flow", fw.sid, "medium")
    broken = assert_fires(ev, "FLX205", "studio_flow", fw.sid, "high")
    assert f"Conversations address {ig.sid}" in draft.message and "'Gone', which does not exist" in broken.message


def test_flx204_and_flx205_near_miss_a_flow_nothing_routes_to():
    b = InventoryBuilder()
    b.studio_address()
    b.studio(definition="not json", status="draft")  # an IVR flow no address or Flex Flow names
    ev = b.evaluate()
    assert_silent(ev, "FLX204")
    assert_silent(ev, "FLX205")


# ---------------------------------------------------------------- FLX207


def chat_bound_definition():
    """Incoming Conversation reaches a bot that still reads Programmable Chat's trigger variables."""
    return {"states": [
        trigger(incomingMessage="SendToFlex", incomingConversationMessage="Remember"),
        {"name": "Remember", "type": "set-variables", "transitions": [{"event": "next", "next": "Greet"}],
         "properties": {"variables": [{"key": "question", "value": "{{trigger.message.Body}}"},
                                      {"key": "who", "value": "{% if trigger.message.From %}known{% endif %}"}]}},
        {"name": "Greet", "type": "send-message", "transitions": [{"event": "sent", "next": "SendToFlex"}],
         "properties": {"service": "{{trigger.message.InstanceSid}}", "channel": "{{trigger.message.ChannelSid}}",
                        "from": "{{flow.channel.address}}", "body": "Hi {{ trigger.message.ChannelAttributes.name }}"}},
        send_to_flex(),
    ]}


def test_flx207_widgets_reading_trigger_message_on_the_conversation_path():
    b = InventoryBuilder()
    pn, ig, fw = b.studio_address(definition=chat_bound_definition())
    f = assert_fires(b.evaluate(), "FLX207", "studio_flow", fw.sid, "medium")
    assert f"Conversations address {ig.sid}" in f.message
    assert "widget 'Remember' reads trigger.message.Body (use trigger.conversation.Body), " \
           "trigger.message.From (use trigger.conversation.Author)" in f.message
    assert "widget 'Greet' reads trigger.message.ChannelAttributes (no trigger.conversation counterpart)" in f.message
    # the reply widget's default service and channel are not reported
    assert "InstanceSid" not in f.message and "ChannelSid" not in f.message


def test_flx207_on_a_legacy_flex_flows_studio_flow_and_in_send_to_flex_attributes():
    b = InventoryBuilder()
    definition = studio_definition()
    definition["states"][1]["properties"]["attributes"] = '{"channelSid": "{{trigger.message.ChannelSid}}"}'
    pn, fo, fw = b.sms_address(definition=definition)
    f = assert_fires(b.evaluate(), "FLX207", "studio_flow", fw.sid)
    assert f"Flex Flow {fo.sid}" in f.message and "use trigger.conversation.ConversationSid" in f.message
    # work to do before the move, like the other Studio findings on the address's flow
    plan = b.plans()[fo.sid]
    assert plan.readiness == "needs-work" and f"FLX207:{fw.sid}" in plan.finding_ids


def test_flx207_near_misses():
    b = InventoryBuilder()
    # Twilio's own Conversations flow: trigger.message only on the Incoming Message path
    b.sms_address(definition=example("fpt_chat-flow.json"))
    # outside a Liquid tag it is plain text, and Studio renders it as such
    plain = studio_definition()
    plain["states"][1]["properties"]["attributes"] = '{"note": "was trigger.message.Body"}'
    b.studio_address(definition=plain)
    # reply widgets keep their default service and channel (27 public flows do)
    reply = {"states": [trigger(incomingConversationMessage="Reply"),
                        {"name": "Reply", "type": "send-and-wait-for-reply",
                         "transitions": [{"event": "incomingMessage", "next": "SendToFlex"}],
                         "properties": {"service": "{{trigger.message.InstanceSid}}",
                                        "channel": "{{trigger.message.ChannelSid}}", "body": "{{trigger.conversation.Body}}"}},
                        send_to_flex()]}
    b.studio_address("+15550100041", definition=reply)
    # a flow nothing routes to, and one only a disabled Flex Flow uses
    b.studio(definition=chat_bound_definition())
    off = b.studio(definition=chat_bound_definition())
    b.flow("+15550100001", enabled=False, integration={"flow_sid": off.sid})
    assert_silent(b.evaluate(), "FLX207")
