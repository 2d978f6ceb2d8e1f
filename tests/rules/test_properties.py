"""Property: whatever the inventory holds, no rule raises and every finding is well-formed.

Random inventories mix realistic values with nulls everywhere, unknown enums,
integration objects that are not objects, Studio definitions broken in every
way studio.py knows about, odd summaries and random coverage gaps; SIDs come
from small pools so that cross-references (flow -> Studio flow, number ->
pool, identity -> number) hit as often as they miss.
"""

import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flexaudit.model.findings import RESOURCE_TYPES, Severity
from flexaudit.model.inventory import (
    FAMILIES,
    Account,
    AddressConfiguration,
    ChannelSummary,
    ChatService,
    ConversationsConfiguration,
    FamilyCoverage,
    FlexConfiguration,
    FlexFlow,
    Inventory,
    MessagingService,
    PhoneNumber,
    PoolNumber,
    ProxyService,
    SessionSummary,
    StudioFlow,
    TaskChannel,
    TaskRouterWorkspace,
    Workflow,
)
from flexaudit.readiness import plan_addresses
from flexaudit.rules import evaluate, get_rule, rule_ids

ACCOUNT = "AC" + "a" * 32


def pool(prefix, n=3):
    return [f"{prefix}{i:032x}" for i in range(n)]


SIDS = {p: pool(p) for p in ("PN", "FO", "FW", "KS", "MG", "IS", "IG", "WS", "WW", "TC", "AP")}
junk = st.sampled_from(["", " ", "None", "null", "🙂", "x" * 40, "{{x}}", "${Y}"]) | st.text(max_size=6)


def sid_of(prefix):
    return st.sampled_from(SIDS[prefix])


def maybe(strategy):
    return st.none() | strategy


def ref(prefix):
    """A SID that may or may not exist, or junk, or None."""
    return st.one_of(sid_of(prefix), st.none(), junk)


numbers = st.sampled_from(["+15550100001", "15550100001", "+1 (555) 010-0001", "whatsapp:+15550100001", "+15550100002", "1.555.010.0002", "WhatsApp:15550100003", "+15550100003"])
identity = st.one_of(numbers, st.none(), junk, st.sampled_from(["messenger:123", "custom", "line:1"]))
channels = st.one_of(st.sampled_from(["sms", "sms", "sms", "whatsapp", "whatsapp", "web", "facebook", "line", "custom", "SMS", " WhatsApp "]), st.none(), junk)
itypes = st.one_of(st.sampled_from(["studio", "studio", "studio", "external", "task", "STUDIO"]), st.none(), junk)
bools = st.one_of(st.booleans(), st.none())
any_scalar = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), junk, st.lists(st.integers(), max_size=2))
urls = st.one_of(
    st.none(),
    junk,
    st.sampled_from(
        [
            f"https://webhooks.twilio.com/v1/Accounts/{ACCOUNT}/Proxy/{SIDS['KS'][0]}/Webhooks/Message",
            f"HTTPS://WEBHOOKS.TWILIO.COM/v1/Accounts/{ACCOUNT}/Proxy/{SIDS['KS'][1]}/Webhooks/Message/",
            f"https://webhooks.twilio.com/v1/Accounts/{ACCOUNT}/Flows/{SIDS['FW'][0]}",
            "https://a.twil.io/x?token=1",
            "http://user:pw@example.com/hook",
            "https://[::1",
            "ftp://x",
        ]
    ),
)

integration = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "flow_sid": ref("FW"),
            "url": urls,
            "workspace_sid": ref("WS"),
            "workflow_sid": ref("WW"),
            "channel": st.one_of(ref("TC"), st.just("chat")),
            "retry_count": any_scalar,
        },
    ),
    st.none(),
    st.dictionaries(
        st.sampled_from(["flow_sid", "url", "workspace_sid", "workflow_sid", "channel", "retry_count", "priority"]),
        st.one_of(ref("FW"), ref("WS"), ref("WW"), urls, any_scalar),
        max_size=5,
    ),
    st.lists(st.integers(), max_size=2),
    junk,
)

# ---------------------------------------------------------------- Studio definitions

names = st.sampled_from(["Trigger", "A", "B", "Flex", "Ghost", ""])
events = st.sampled_from(["incomingMessage", "incomingConversationMessage", "incomingCall", "next", "match", "callComplete"])
transition = st.one_of(
    st.fixed_dictionaries({"event": events}, optional={"next": st.one_of(names, st.none(), st.integers())}),
    any_scalar,
)
state = st.one_of(
    st.fixed_dictionaries(
        {"name": st.one_of(names, st.none(), st.integers())},
        optional={
            "type": st.one_of(st.sampled_from(["trigger", "send-to-flex", "set-variables", "mystery-widget", "TRIGGER"]), st.none()),
            "transitions": st.one_of(st.lists(transition, max_size=4), any_scalar),
            "properties": st.one_of(
                st.fixed_dictionaries({}, optional={"workflow": st.one_of(ref("WW"), any_scalar), "channel": st.one_of(ref("TC"), st.just("chat"), any_scalar)}),
                any_scalar,
            ),
        },
    ),
    any_scalar,
)
graph = st.fixed_dictionaries({}, optional={"states": st.one_of(st.lists(state, max_size=7), any_scalar), "initial_state": names})
# mostly well-formed: trigger -> (maybe) a middle widget -> (maybe) Send to Flex, with loops and dangling names
plausible = st.builds(
    lambda im, icm, mid_next, wf, ch: {
        "states": [
            {"name": "Trigger", "type": "trigger", "transitions": [
                {"event": "incomingMessage", **({"next": im} if im else {})},
                {"event": "incomingConversationMessage", **({"next": icm} if icm else {})},
            ]},
            {"name": "A", "type": "split-based-on", "transitions": [{"event": "match", "next": mid_next}, {"event": "noMatch", "next": "A"}]},
            {"name": "Flex", "type": "send-to-flex", "transitions": [{"event": "callComplete"}], "properties": {"workflow": wf, "channel": ch}},
        ]
    },
    st.sampled_from(["A", "Flex", None, "Ghost"]),
    st.sampled_from(["A", "Flex", None]),
    st.sampled_from(["Flex", "A", "Trigger", "Ghost"]),
    st.one_of(sid_of("WW"), st.just("${WORKFLOW}"), any_scalar),
    st.one_of(sid_of("TC"), st.just("chat"), any_scalar),
)
definitions = st.one_of(
    plausible,
    plausible.map(json.dumps),
    graph,
    graph.map(json.dumps),
    st.sampled_from(["{not json", "", "[1, 2]", '"str"', "[" * 5000]),
    st.none(),
    st.lists(any_scalar, max_size=3),
    st.integers(),
)

# ---------------------------------------------------------------- resources

counts = st.dictionaries(st.one_of(st.sampled_from(["private", "public", "sms", "web", "unknown"]), junk), st.integers(-3, 3000), max_size=3)
days = st.dictionaries(
    st.one_of(st.dates(date(2019, 1, 1), date(2031, 1, 1)).map(str), st.sampled_from(["2025-02-30", "garbage", "2025-01-01T10:00:00Z"])),
    st.integers(-2, 50),
    max_size=4,
)

phone_numbers = st.builds(
    PhoneNumber,
    sid=sid_of("PN"),
    phone_number=maybe(numbers),
    friendly_name=maybe(junk),
    capabilities=st.one_of(st.none(), st.dictionaries(st.sampled_from(["sms", "SMS", "voice", "mms"]), st.booleans(), max_size=3)),
    sms_url=urls,
    sms_method=maybe(junk),
    sms_application_sid=ref("AP"),
)
flex_flows = st.builds(
    FlexFlow,
    sid=sid_of("FO"),
    friendly_name=maybe(junk),
    chat_service_sid=ref("IS"),
    channel_type=channels,
    contact_identity=identity,
    enabled=st.sampled_from([True, True, True, False, None]),
    integration_type=itypes,
    integration=integration,
    long_lived=bools,
    janitor_enabled=bools,
    date_created=maybe(junk),
)
# realistic enabled sms/whatsapp studio flows, so the number and Studio rules get exercised too
linked_flows = st.builds(
    FlexFlow,
    sid=sid_of("FO"),
    chat_service_sid=ref("IS"),
    channel_type=st.sampled_from(["sms", "whatsapp"]),
    contact_identity=numbers,
    enabled=st.just(True),
    integration_type=st.just("studio"),
    integration=st.builds(lambda fw: {"flow_sid": fw}, sid_of("FW")),
    long_lived=bools,
    janitor_enabled=bools,
)
studio_flows = st.builds(
    StudioFlow,
    sid=sid_of("FW"),
    friendly_name=maybe(junk),
    status=st.one_of(st.sampled_from(["draft", "published", "DRAFT"]), st.none(), junk),
    revision=maybe(st.integers(0, 9)),
    valid=bools,
    errors=st.one_of(st.none(), st.lists(st.one_of(st.fixed_dictionaries({"message": junk}), any_scalar), max_size=2)),
    warnings=st.none(),
    webhook_url=maybe(urls),
    definition=definitions,
)
pool_numbers = st.lists(st.builds(PoolNumber, sid=st.one_of(sid_of("PN"), junk), phone_number=maybe(numbers)), max_size=3)
proxy_services = st.builds(
    ProxyService,
    sid=sid_of("KS"),
    unique_name=st.one_of(st.just("Flex Proxy Service"), st.none(), junk),
    chat_instance_sid=ref("IS"),
    phone_numbers=pool_numbers,
    sessions=st.builds(SessionSummary, total=st.integers(0, 9), by_status=counts, open_by_last_activity_day=days),
)
messaging_services = st.builds(
    MessagingService,
    sid=sid_of("MG"),
    friendly_name=maybe(junk),
    inbound_request_url=urls,
    use_inbound_webhook_on_number=bools,
    phone_numbers=pool_numbers,
)
chat_services = st.builds(
    ChatService,
    sid=sid_of("IS"),
    friendly_name=maybe(junk),
    channels=st.builds(
        ChannelSummary,
        total=st.integers(0, 5000),
        active_by_type=counts,
        inactive_by_type=counts,
        active_by_channel_type=counts,
        unparsable_attributes=st.integers(-1, 3),
    ),
)
addresses = st.builds(
    AddressConfiguration,
    sid=sid_of("IG"),
    type=st.one_of(st.sampled_from(["sms", "whatsapp", "chat", "messenger", "SMS"]), st.none(), junk),
    address=identity,
    friendly_name=maybe(junk),
    auto_creation=st.one_of(st.none(), st.dictionaries(st.sampled_from(["type", "studio_flow_sid"]), any_scalar, max_size=2)),
)
workspaces = st.builds(
    TaskRouterWorkspace,
    sid=sid_of("WS"),
    friendly_name=maybe(junk),
    workflows=st.lists(st.builds(Workflow, sid=sid_of("WW"), friendly_name=maybe(junk)), max_size=2),
    task_channels=st.lists(st.builds(TaskChannel, sid=sid_of("TC"), unique_name=maybe(st.sampled_from(["chat", "sms", "voice"])), friendly_name=maybe(junk)), max_size=2),
)
coverage = st.dictionaries(
    st.sampled_from(FAMILIES),
    st.builds(FamilyCoverage, complete=st.booleans(), error=maybe(st.sampled_from(["HTTP 403 Forbidden", "timeout", ""]))),
    max_size=len(FAMILIES),
)


@st.composite
def inventories(draw):
    # mostly complete scans, so that the rules actually run; sometimes a few gaps, sometimes anything
    cov = {f: FamilyCoverage() for f in FAMILIES}
    gaps = draw(st.sampled_from(["none", "none", "few", "random"]))
    if gaps == "few":
        for family in draw(st.sets(st.sampled_from(FAMILIES), max_size=3)):
            cov[family] = FamilyCoverage(complete=False, error=draw(maybe(st.sampled_from(["HTTP 403 Forbidden", "timeout"]))))
    elif gaps == "random":
        cov = draw(coverage)
    return Inventory(
        account_sid=ACCOUNT,
        scanned_at="2026-01-01T00:00:00Z",
        account=draw(maybe(st.builds(Account, sid=st.just(ACCOUNT), friendly_name=maybe(junk)))),
        phone_numbers=draw(st.lists(phone_numbers, min_size=1, max_size=5, unique_by=lambda r: r.sid)),
        flex_configuration=draw(
            maybe(
                st.builds(
                    FlexConfiguration,
                    account_sid=maybe(st.just(ACCOUNT)),
                    chat_service_instance_sid=ref("IS"),
                    ui_version=st.one_of(st.sampled_from(["1.34.6", "2.9.0", "~1.19.n", "v2"]), st.none(), junk),
                    taskrouter_workspace_sid=ref("WS"),
                    taskrouter_target_workflow_sid=ref("WW"),
                )
            )
        ),
        flex_flows=draw(st.lists(st.one_of(flex_flows, linked_flows), min_size=1, max_size=6, unique_by=lambda r: r.sid)),
        studio_flows=draw(st.lists(studio_flows, min_size=1, max_size=3, unique_by=lambda r: r.sid)),
        proxy_services=draw(st.lists(proxy_services, min_size=1, max_size=3, unique_by=lambda r: r.sid)),
        messaging_services=draw(st.lists(messaging_services, max_size=2, unique_by=lambda r: r.sid)),
        chat_services=draw(st.lists(chat_services, max_size=2, unique_by=lambda r: r.sid)),
        conversations_configuration=draw(maybe(st.builds(ConversationsConfiguration, default_chat_service_sid=ref("IS")))),
        address_configurations=draw(st.lists(addresses, max_size=3, unique_by=lambda r: r.sid)),
        taskrouter_workspaces=draw(st.lists(workspaces, max_size=2, unique_by=lambda r: r.sid)),
        coverage=cov,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(inv=inventories(), as_of=st.dates(date(2020, 1, 1), date(2030, 12, 31)))
def test_rules_never_raise_and_findings_are_well_formed(inv, as_of):
    ev = evaluate(inv, as_of)
    assert ev.rule_errors == {}
    catalog = rule_ids()
    keys = []
    for f in ev.findings:
        assert f.rule_id in catalog
        assert f.resource_type in RESOURCE_TYPES
        assert f.resource_type == get_rule(f.rule_id).resource_type
        assert isinstance(f.severity, Severity)
        assert isinstance(f.resource_sid, str) and isinstance(f.resource_name, str) and f.message
        assert "`" not in f.message and "\n" not in f.message  # prose: no value can open a code span
        keys.append((f.rule_id, f.resource_sid, f.resource_name))
    assert len(keys) == len(set(keys)), "one finding per rule and resource"
    order = [f.sort_key() for f in ev.findings]
    assert order == sorted(order)
    assert [c.family for c in ev.coverage] == list(FAMILIES)
    for c in ev.coverage:
        assert c.complete == inv.is_complete(c.family)
        for rid in c.skipped_rules:
            assert c.family in get_rule(rid).families
    skipped = set(ev.skipped_rules)
    assert not skipped & {f.rule_id for f in ev.findings}

    plans = plan_addresses(inv, ev.findings)
    assert [p.flex_flow_sid for p in plans] == sorted(str(f.sid) for f in inv.flex_flows)
    for p in plans:
        assert p.readiness in ("ready", "needs-work", "blocked")
        assert (p.readiness == "blocked") == bool(p.blockers)
        assert set(p.blockers) <= {"FLX401", "FLX201", "FLX403", "FLX405"}
        assert p.steps and all(isinstance(s, str) and s.strip() and s.count("`") % 2 == 0 for s in p.steps)
        assert p.steps[-1].startswith("Test:")
