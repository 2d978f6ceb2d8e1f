"""Address readiness and the per-address migration plan (flexaudit/readiness.py)."""

import dataclasses

from tests.support.inventory import (
    ACCOUNT,
    CONV_SERVICE,
    FLEX_CHAT,
    FLEX_PROXY,
    WORKFLOW,
    InventoryBuilder,
    sid,
    studio_definition,
)

from flexaudit.model.inventory import FamilyCoverage, LastInbound
from flexaudit.readiness import account_prerequisites, plan_addresses


def index_of(steps, needle):
    for i, step in enumerate(steps):
        if needle in step:
            return i
    raise AssertionError(f"no step contains {needle!r}:\n" + "\n".join(steps))


# ---------------------------------------------------------------- readiness states


def test_ready_sms_address_and_its_plan():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address("+15550100001", name="Support SMS")
    plan = b.plans()[fo.sid]
    assert plan.readiness == "ready" and plan.blockers == []
    assert (plan.channel_type, plan.contact_identity, plan.integration_type) == ("sms", "+15550100001", "studio")
    assert (plan.enabled, plan.phone_number_sid, plan.studio_flow_sid) == (True, pn.sid, fw.sid)
    assert plan.finding_ids == [f"FLX301:{fo.sid}"] and plan.rule_ids == ["FLX301"]
    assert plan.wave == 1 and plan.last_inbound_at is None
    steps = plan.steps
    drain = index_of(steps, "Drain or accept")
    create = index_of(steps, "twilio api:conversations:v1:configuration:addresses:create --type sms --address +15550100001")
    proxy = index_of(steps, f"twilio api:proxy:v1:services:phone-numbers:remove --service-sid {FLEX_PROXY} --sid {pn.sid}")
    webhook = index_of(steps, f'twilio api:core:incoming-phone-numbers:update --sid {pn.sid} --sms-url ""')
    delete = index_of(steps, f"twilio api:flex:v1:flex-flows:remove --sid {fo.sid}")
    test = index_of(steps, "Test: send an SMS to +15550100001")
    # rules.md's order, Twilio's documented one: the Flex Flow goes before the address is created
    assert drain < delete < proxy < webhook < create < test == len(steps) - 1
    create_step = steps[create]
    for part in (
        "--auto-creation.enabled",
        "--auto-creation.type studio",
        f"--auto-creation.conversation-service-sid {CONV_SERVICE}",
        f"--auto-creation.studio-flow-sid {fw.sid}",
        "--friendly-name 'Support SMS'",
        "POST https://conversations.twilio.com/v1/Configuration/Addresses",
        "Address=%2B15550100001",
    ):
        assert part in create_step, part
    assert FLEX_CHAT in steps[drain] and FLEX_PROXY in steps[drain]
    assert f"/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{pn.sid}.json" in steps[webhook]
    assert all(isinstance(s, str) and s for s in steps)


def test_needs_work_from_a_finding_on_the_flow_the_number_or_the_studio_flow():
    b = InventoryBuilder()
    _, long_lived, _ = b.sms_address("+15550100001", long_lived=True)  # FLX402 on the flow
    pn, on_number, _ = b.sms_address("+15550100002")
    pn.sms_url = None  # FLX101 on the number
    _, on_studio, fw = b.sms_address("+15550100003")
    fw.status = "draft"  # FLX204 on the Studio flow
    _, hygiene_only, _ = b.sms_address("+15550100004", janitor_enabled=False)  # FLX304 is 3xx: not counted
    plans = b.plans()
    assert plans[long_lived.sid].readiness == "needs-work" and f"FLX402:{long_lived.sid}" in plans[long_lived.sid].finding_ids
    assert plans[on_number.sid].readiness == "needs-work" and f"FLX101:{pn.sid}" in plans[on_number.sid].finding_ids
    assert plans[on_studio.sid].readiness == "needs-work" and f"FLX204:{fw.sid}" in plans[on_studio.sid].finding_ids
    assert plans[hygiene_only.sid].readiness == "ready" and "FLX304" in plans[hygiene_only.sid].rule_ids
    assert [plans[f.sid].wave for f in (long_lived, on_number, on_studio, hygiene_only)] == [2, 2, 2, 1]
    assert any("long-lived (FLX402)" in s for s in plans[long_lived.sid].steps)


def test_disabled_flow_with_only_flx106_is_ready_and_gets_the_outbound_plan():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address("+15550100001")
    off = b.flow("+15550100001", enabled=False, integration={"flow_sid": fw.sid})
    plan = b.plans()[off.sid]
    assert plan.readiness == "ready" and plan.finding_ids == [f"FLX106:{off.sid}", f"FLX301:{off.sid}"]
    assert plan.enabled is False
    assert index_of(plan.steps, "is disabled and routes no inbound") < index_of(plan.steps, f"flex-flows:remove --sid {off.sid}")
    assert fo.sid in plan.steps[index_of(plan.steps, "is disabled")]  # the enabled flow carries the inbound move
    assert not any("addresses:create" in s for s in plan.steps)
    assert not any("phone-numbers:remove" in s for s in plan.steps)


def _mixed_account(ui_version: str) -> InventoryBuilder:
    """One ready, one needs-work and one blocked address, and a web flow."""
    b = InventoryBuilder(ui_version=ui_version)
    pn, fo, fw = b.sms_address("+15550100001")
    _, long_lived, _ = b.sms_address("+15550100002", long_lived=True)
    b.number("+15550100003")
    b.task_flow("+15550100003")
    b.flow(None, channel="web", integration={"flow_sid": fw.sid})
    return b


def test_flex_ui_1x_is_an_account_prerequisite_not_an_address_blocker():
    on_1x, on_2x = _mixed_account("1.34.6"), _mixed_account("2.10.0")
    plans_1x, plans_2x = on_1x.plans(), on_2x.plans()
    assert "FLX401" in {f.rule_id for f in on_1x.evaluate().findings}
    # same addresses, same readiness, blockers, waves and findings with FLX401 or without
    def verdict(plans):
        return {sid: (p.readiness, p.blockers, p.wave, p.finding_ids) for sid, p in plans.items()}
    assert verdict(plans_1x) == verdict(plans_2x)
    assert sorted(p.readiness for p in plans_1x.values()) == ["blocked", "needs-work", "needs-work", "ready"]
    assert not any("FLX401" in p.rule_ids or "FLX401" in p.blockers for p in plans_1x.values())
    # each plan still starts by pointing at the account's prerequisite, and only on 1.x
    for sid_, plan in plans_1x.items():
        assert plan.steps[0] == ("Account prerequisite first: upgrade Flex UI to 2.x (FLX401), as the report's "
                                 "account prerequisites say; no address of the account can move before it.")
        assert plan.steps[1:] == plans_2x[sid_].steps
    assert not any("FLX401" in s for p in plans_2x.values() for s in p.steps)


def test_account_prerequisites_spell_out_the_fix_once():
    b = _mixed_account("1.34.6")
    ev = b.evaluate()
    (prerequisite,) = account_prerequisites(b.inv, ev.findings)
    assert (prerequisite.rule_id, prerequisite.prerequisite) == ("FLX401", "upgrade Flex UI to 2.x")
    assert prerequisite.fix.startswith("Fix blocker FLX401") and "flex:plugins:upgrade-plugin" in prerequisite.fix
    assert "1.34.6" in prerequisite.fix and ACCOUNT in prerequisite.fix
    assert account_prerequisites(_mixed_account("2.1.0").inv, _mixed_account("2.1.0").evaluate().findings) == []


def test_blocked_by_flx201_with_its_fix():
    b = InventoryBuilder()
    pn = b.number("+15550100001")
    fo = b.flow("+15550100001", integration={"flow_sid": sid("FW", 0x404)})
    plan = b.plans()[fo.sid]
    assert plan.readiness == "blocked" and plan.blockers == ["FLX201"]
    assert f"twilio api:flex:v1:flex-flows:update --sid {fo.sid} --integration.flow-sid" in plan.steps[0]
    create = plan.steps[index_of(plan.steps, "addresses:create")]
    assert "FW<Studio flow chosen above>" in create


def test_blocked_by_flx403_task_integration():
    b = InventoryBuilder()
    pn = b.number("+15550100001")
    fo = b.task_flow("+15550100001")
    plan = b.plans()[fo.sid]
    assert plan.readiness == "blocked" and plan.blockers == ["FLX403"]
    assert plan.steps[0].startswith("Fix blocker FLX403") and WORKFLOW in plan.steps[0]
    assert "https://flex-api.twilio.com/v1/Interactions" in plan.steps[0]
    assert index_of(plan.steps, "Fix blocker FLX403") < index_of(plan.steps, "addresses:create")
    create = plan.steps[index_of(plan.steps, "addresses:create")]
    assert "FW<Studio flow chosen above>" in create and "--auto-creation.type webhook" in create


def test_blocked_by_flx405_and_flx401_in_order():
    b = InventoryBuilder(ui_version="1.30.0")
    pn, fo, fw = b.sms_address(definition=studio_definition(incoming_conversation=None))
    plan = b.plans()[fo.sid]
    assert plan.readiness == "blocked" and plan.blockers == ["FLX405"] and plan.wave == 3
    assert plan.steps[0].startswith("Account prerequisite first: upgrade Flex UI to 2.x (FLX401)")
    assert plan.steps[1].startswith("Fix blocker FLX405")
    assert fw.sid in plan.steps[1] and "incomingConversationMessage" in plan.steps[1]
    assert WORKFLOW in plan.steps[1]  # reuses the legacy Send to Flex's workflow
    assert f"twilio api:studio:v2:flows:update --sid {fw.sid} --status published" in plan.steps[1]
    assert index_of(plan.steps, "Drain or accept") == 2


def test_waived_findings_still_count():
    b = InventoryBuilder()
    b.number("+15550100001")
    fo = b.task_flow("+15550100001")
    findings = [dataclasses.replace(f, suppressed=True) for f in b.evaluate().findings]
    (plan,) = plan_addresses(b.inv, findings)
    assert plan.readiness == "blocked"


def test_plans_are_one_per_flex_flow_in_sid_order():
    b = InventoryBuilder()
    b.sms_address("+15550100001", sid=sid("FO", 9))
    b.sms_address("+15550100002", sid=sid("FO", 3))
    b.flow(None, channel="web", sid=sid("FO", 5))
    plans = plan_addresses(b.inv, b.evaluate().findings)
    assert [p.flex_flow_sid for p in plans] == [sid("FO", 3), sid("FO", 5), sid("FO", 9)]
    assert plan_addresses(InventoryBuilder().inv, []) == []


# ---------------------------------------------------------------- steps by channel and integration


def test_whatsapp_plan():
    b = InventoryBuilder()
    pn, fo, fw = b.whatsapp_address("+15550100002")
    plan = b.plans()[fo.sid]
    create = plan.steps[index_of(plan.steps, "addresses:create")]
    assert "--type whatsapp --address whatsapp:+15550100002" in create and "Address=whatsapp%3A%2B15550100002" in create
    assert any("WhatsApp sender" in s for s in plan.steps)
    assert "Test: send a WhatsApp message to whatsapp:+15550100002" in plan.steps[-1]


def test_external_plan_uses_webhook_auto_creation():
    b = InventoryBuilder()
    b.number("+15550100001")
    fo = b.external_flow("+15550100001", url="https://bot.example.com/flex")
    plan = b.plans()[fo.sid]
    assert plan.readiness == "needs-work" and f"FLX404:{fo.sid}" in plan.finding_ids
    create = plan.steps[index_of(plan.steps, "addresses:create")]
    assert "--auto-creation.type webhook --auto-creation.webhook-url https://bot.example.com/flex" in create
    assert "AutoCreation.WebhookFilters=onMessageAdded" in create
    assert index_of(plan.steps, "(FLX404)") < index_of(plan.steps, "addresses:create")


def test_web_plan_moves_to_webchat_3():
    b = InventoryBuilder()
    fw = b.studio()
    fo = b.flow(None, channel="web", integration={"flow_sid": fw.sid})
    plan = b.plans()[fo.sid]
    assert plan.readiness == "needs-work" and f"FLX408:{fo.sid}" in plan.finding_ids
    assert plan.phone_number_sid is None
    step = plan.steps[index_of(plan.steps, "Webchat 3.x")]
    assert fw.sid in step and "chat address" in step
    assert not any("phone-numbers:remove" in s or "incoming-phone-numbers" in s for s in plan.steps)
    assert "sessions" not in plan.steps[index_of(plan.steps, "Drain")]


def test_facebook_custom_line_and_unknown_channels():
    b = InventoryBuilder()
    fw = b.studio()
    fb = b.flow("messenger:325981127456443", channel="facebook", integration={"flow_sid": fw.sid})
    custom = b.flow("custom", channel="custom", integration={"flow_sid": fw.sid})
    line = b.flow("line:1", channel="line", integration={"flow_sid": fw.sid})
    odd = b.flow("x", channel="carrier-pigeon", integration={"flow_sid": fw.sid})
    plans = b.plans()
    assert any("--type messenger --address messenger:325981127456443" in s for s in plans[fb.sid].steps)
    assert any("Interactions" in s and "no" in s for s in plans[custom.sid].steps)
    assert any("LINE" in s for s in plans[line.sid].steps)
    assert any("'carrier-pigeon'" in s for s in plans[odd.sid].steps)


def test_messaging_service_and_twiml_app_are_removed():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address()
    pn.sms_application_sid = sid("AP", 1)
    mg = b.messaging_service(pn, defer=True)
    plan = b.plans()[fo.sid]
    steps = plan.steps
    mg_step = index_of(steps, f"twilio api:messaging:v1:services:phone-numbers:remove --service-sid {mg.sid} --sid {pn.sid}")
    assert index_of(steps, "flex-flows:remove") < mg_step < index_of(steps, "--sms-url") < index_of(steps, "addresses:create")
    assert '--sms-application-sid ""' in steps[index_of(steps, "--sms-url")]


def test_existing_address_is_reused_not_duplicated():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address()
    ig = b.address("sms", "+15550100001")
    plan = b.plans()[fo.sid]
    assert plan.readiness == "needs-work" and f"FLX406:{pn.sid}" in plan.finding_ids
    step = plan.steps[index_of(plan.steps, ig.sid)]
    assert "already exists" in step and f"addresses:update --sid {ig.sid}" in step
    assert not any("addresses:create" in s for s in plan.steps)


def test_unidentified_flex_proxy_is_spelled_out():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address()
    b.flex_proxy.unique_name = "x"
    b.flex_proxy.chat_instance_sid = None
    plan = b.plans()[fo.sid]
    assert f"KS<Flex Proxy Service: not identified, candidates {FLEX_PROXY}>" in plan.steps[index_of(plan.steps, "Drain")]
    # the pool that actually holds the number is still named in the removal step
    assert any(f"--service-sid {FLEX_PROXY} --sid {pn.sid}" in s for s in plan.steps)


def test_missing_number_and_shared_number():
    b = InventoryBuilder()
    gone = b.flow("+15559999999")
    pn, sms, fw = b.sms_address("+15550100001")
    wa = b.flow("whatsapp:+15550100001", channel="whatsapp", integration={"flow_sid": fw.sid})
    plans = b.plans()
    assert any("No IncomingPhoneNumber" in s for s in plans[gone.sid].steps)
    assert plans[gone.sid].phone_number_sid is None
    proxy_step = plans[sms.sid].steps[index_of(plans[sms.sid].steps, "phone-numbers:remove")]
    assert f"Flex Flow {wa.sid} also uses this number" in proxy_step


def test_coverage_gap_adds_a_verify_step_after_the_blocker_fixes():
    b = InventoryBuilder(ui_version="1.2.0")
    pn, fo, fw = b.sms_address()
    b.fail("studio")
    b.fail("chat")  # 3xx only: not worth a warning on every address
    plan = b.plans()[fo.sid]
    assert plan.steps[0].startswith("Account prerequisite first")
    assert plan.steps[1].startswith("Verify by hand") and "studio data" in plan.steps[1] and "chat" not in plan.steps[1]
    clean = InventoryBuilder()
    _, clean_fo, _ = clean.sms_address()
    assert not any("Verify by hand" in s for s in clean.plans()[clean_fo.sid].steps)


def test_account_values_cannot_break_out_of_command_code_spans():
    import re

    nasty = "Sales `rm -rf` <script>alert(1)</script>\nline2 | [x](javascript:1)"
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address(name=nasty)
    ext = b.external_flow("custom`<script>", channel="custom", url="https://x.example/a`b<script>?k=secret", name=nasty)
    odd = b.flow(nasty, channel=nasty, integration={"flow_sid": "FW`<script>"}, name=nasty)
    fw.definition = {"states": [{"name": nasty, "type": "trigger", "transitions": [{"event": "incomingMessage", "next": "`x"}]}]}
    ev = b.evaluate()
    for f in ev.findings:
        assert "`" not in f.message and "\n" not in f.message
    for plan in plan_addresses(b.inv, ev.findings):
        for step in plan.steps:
            assert step.count("`") % 2 == 0, step
            for code in re.findall(r"`([^`]*)`", step):
                assert "<script" not in code and "secret" not in code, step
    create = [s for s in b.plans()[fo.sid].steps if "addresses:create" in s][0]
    assert "--friendly-name 'Sales rm -rf script alert(1) script line2 x (javascript:1)'" in create


def test_without_a_default_service_the_one_service_existing_addresses_use_is_named():
    b = InventoryBuilder()
    _, fo, _ = b.sms_address("+15550100001")
    b.inv.conversations_configuration = None
    used = sid("IS", 77)
    b.address("sms", "+15550100099", auto_creation={"enabled": True, "type": "default",
                                                       "conversation_service_sid": used})
    create = next(s for s in b.plans()[fo.sid].steps if "addresses:create" in s)
    assert f"--auto-creation.conversation-service-sid {used}" in create
    # two services in use: no guess, a placeholder the reader must fill in
    b.address("sms", "+15550100098", auto_creation={"enabled": True, "type": "default",
                                                       "conversation_service_sid": sid("IS", 78)})
    create = next(s for s in b.plans()[fo.sid].steps if "addresses:create" in s)
    assert "--auto-creation.conversation-service-sid 'IS<Flex Conversations service>'" in create


# ---------------------------------------------------------------- waves and traffic


def test_waves_follow_readiness():
    plans = _mixed_account("2.10.0").plans()
    assert {p.readiness: p.wave for p in plans.values()} == {"ready": 1, "needs-work": 2, "blocked": 3}


def test_last_inbound_at_comes_from_the_traffic_of_the_address_number():
    b = InventoryBuilder()
    _, busy, _ = b.sms_address("+15550100001")
    _, quiet, _ = b.sms_address("+15550100002")
    _, wa, _ = b.whatsapp_address("+15550100003")
    off = b.flow("+1 555 010 0001", enabled=False)  # shares the busy number
    gone = b.flow("+15559999999")  # no such number in the account
    b.inv.last_inbound = [LastInbound("+15550100001", "2026-10-02T14:03:11Z"), LastInbound("+15550100002", None),
                          LastInbound("whatsapp:+15550100003", "2026-09-01T08:00:00Z"),
                          LastInbound("+15559999999", "2026-11-01T00:00:00Z")]
    plans = b.plans()
    assert plans[busy.sid].last_inbound_at == "2026-10-02T14:03:11Z"
    assert plans[off.sid].last_inbound_at == "2026-10-02T14:03:11Z"  # the same number's traffic
    assert plans[quiet.sid].last_inbound_at is None
    assert plans[wa.sid].last_inbound_at == "2026-09-01T08:00:00Z"
    assert plans[gone.sid].last_inbound_at is None  # the address has no number
    drain = plans[busy.sid].steps[index_of(plans[busy.sid].steps, "Drain or accept")]
    assert drain.startswith("Confirm that +15550100001 has no production traffic at the moment of the move "
                            "(last inbound message at the scan: 2026-10-02T14:03:11Z). Drain or accept")
    quiet_drain = plans[quiet.sid].steps[index_of(plans[quiet.sid].steps, "Drain or accept")]
    assert "(no inbound message found at the scan)" in quiet_drain
    # a disabled flow receives nothing itself: no traffic check in its plan
    assert plans[off.sid].steps[index_of(plans[off.sid].steps, "Drain")].startswith("Drain or accept")


def test_traffic_not_read_is_said_in_the_plan():
    b = InventoryBuilder()
    _, fo, _ = b.sms_address("+15550100001")
    b.inv.coverage["messages"] = FamilyCoverage(True, None, "not requested (--no-traffic)")
    step = next(s for s in b.plans()[fo.sid].steps if "Drain or accept" in s)
    assert "(last inbound message not read (not requested (--no-traffic)))" in step
    b.fail("messages")
    step = next(s for s in b.plans()[fo.sid].steps if "Drain or accept" in s)
    assert "last inbound message unknown (the scan could not read it" in step
