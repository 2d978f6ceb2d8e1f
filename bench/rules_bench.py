"""Benchmark: rules + readiness over a large synthetic account.

    python bench/rules_bench.py [--numbers 10000] [--flows 2000] [--repeat 5]

Builds an Inventory of 10,000 numbers and 2,000 Flex Flows (plus 200 Studio
flows of ~20 widgets, a Flex Proxy pool of 2,000 numbers, 40 Messaging
Services of 100 numbers, 200 Conversations addresses), with a realistic mix of
problems, then times `evaluate` and `plan_addresses` (best and median of N
runs) and prints the figures. Target: evaluate + plan_addresses < 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flexaudit.inventory import (  # noqa: E402
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
from flexaudit.readiness import plan_addresses  # noqa: E402
from flexaudit.rules import evaluate  # noqa: E402

AC = "AC" + "b" * 32


def sid(prefix: str, n: int) -> str:
    return f"{prefix}{n:032x}"


FLEX_CHAT, KS, WS, WW, TC = sid("IS", 1), sid("KS", 1), sid("WS", 1), sid("WW", 1), sid("TC", 1)
WEBHOOK = f"https://webhooks.twilio.com/v1/Accounts/{AC}/Proxy/{KS}/Webhooks/Message"


def definition(i: int) -> dict:
    """~20 widgets: a bot loop in front of Send to Flex; every 10th flow lacks the Conversations branch."""
    states = [
        {
            "name": "Trigger",
            "type": "trigger",
            "transitions": [
                {"event": "incomingMessage", "next": "W0"},
                {"event": "incomingCall"},
                {"event": "incomingRequest"},
                {"event": "incomingConversationMessage", **({} if i % 10 == 0 else {"next": "Flex"})},
            ],
        }
    ]
    for w in range(18):
        states.append(
            {
                "name": f"W{w}",
                "type": "split-based-on" if w % 3 else "send-and-wait-for-reply",
                "transitions": [{"event": "match", "next": f"W{w + 1}" if w < 17 else "Flex"}, {"event": "noMatch", "next": "W0"}],
                "properties": {"offset": {"x": w, "y": w}},
            }
        )
    states.append(
        {
            "name": "Flex",
            "type": "send-to-flex",
            "transitions": [{"event": "callComplete"}, {"event": "failedToEnqueue"}],
            "properties": {"workflow": WW if i % 7 else sid("WW", 99), "channel": "chat"},
        }
    )
    return {"description": f"flow {i}", "states": states, "initial_state": "Trigger", "flags": {"allow_concurrent_calls": True}}


def build(n_numbers: int, n_flows: int) -> Inventory:
    phones = [f"+1555{n:07d}" for n in range(n_numbers)]
    numbers = [
        PhoneNumber(
            sid=sid("PN", n),
            phone_number=phones[n],
            capabilities={"voice": True, "sms": n % 50 != 0, "mms": True, "fax": False},
            sms_url=WEBHOOK if n % 9 else (None if n % 2 else "https://example.com/sms"),
            sms_application_sid=sid("AP", 1) if n % 97 == 0 else None,
        )
        for n in range(n_numbers)
    ]
    n_studio = max(1, n_flows // 10)
    studio = [
        StudioFlow(sid=sid("FW", i), friendly_name=f"Flow {i}", status="draft" if i % 13 == 0 else "published",
                   revision=2, valid=i % 17 != 0, errors=[], definition=definition(i))
        for i in range(n_studio)
    ]
    kinds = ["sms"] * 6 + ["whatsapp"] * 2 + ["web", "custom"]
    flows = []
    for i in range(n_flows):
        chan = kinds[i % len(kinds)]
        phone = phones[(i * 5) % n_numbers]
        identity = {"sms": phone if i % 4 else phone[1:], "whatsapp": f"whatsapp:{phone}", "web": None, "custom": "custom"}[chan]
        itype = "task" if i % 23 == 0 else "external" if i % 19 == 0 else "studio"
        integration = {
            "studio": {"flow_sid": sid("FW", i % (n_studio + 3)), "retry_count": 3},
            "external": {"url": "https://bot.example.com/flex" if i % 2 else "http://bot.example.com"},
            "task": {"workspace_sid": WS, "workflow_sid": WW, "channel": "sms"},
        }[itype]
        flows.append(
            FlexFlow(
                sid=sid("FO", i),
                friendly_name=f"{chan} {i}",
                chat_service_sid=FLEX_CHAT if i % 31 else sid("IS", 9),
                channel_type=chan,
                contact_identity=identity,
                enabled=i % 11 != 0,
                integration_type=itype,
                integration=integration,
                long_lived=i % 29 == 0,
                janitor_enabled=i % 3 != 0,
            )
        )
    pool = [PoolNumber(sid=sid("PN", n), phone_number=phones[n]) for n in range(0, min(n_numbers, 4000), 2)]
    days = {f"2025-{m:02d}-{d:02d}": m + d for m in range(1, 13) for d in range(1, 29)}
    proxy = [
        ProxyService(sid=KS, unique_name="Flex Proxy Service", chat_instance_sid=FLEX_CHAT, phone_numbers=pool,
                     sessions=SessionSummary(total=100000, by_status={"open": 5000}, open_by_last_activity_day=days)),
        ProxyService(sid=sid("KS", 2), unique_name="Appointments", phone_numbers=[]),
    ]
    messaging = [
        MessagingService(
            sid=sid("MG", m),
            inbound_request_url="https://example.com/in",
            use_inbound_webhook_on_number=m % 2 == 0,
            phone_numbers=[PoolNumber(sid=sid("PN", n), phone_number=phones[n]) for n in range(m * 100, min(n_numbers, m * 100 + 100))],
        )
        for m in range(40)
    ]
    addresses = [
        AddressConfiguration(sid=sid("IG", a), type="sms", address=phones[(a * 37) % n_numbers], auto_creation={"type": "default"})
        for a in range(200)
    ]
    return Inventory(
        account_sid=AC,
        scanned_at="2026-01-01T00:00:00Z",
        account=Account(sid=AC, friendly_name="Bench"),
        phone_numbers=numbers,
        flex_configuration=FlexConfiguration(chat_service_instance_sid=FLEX_CHAT, ui_version="2.8.1",
                                             taskrouter_workspace_sid=WS, taskrouter_target_workflow_sid=WW),
        flex_flows=flows,
        studio_flows=studio,
        proxy_services=proxy,
        messaging_services=messaging,
        chat_services=[ChatService(sid=FLEX_CHAT, channels=ChannelSummary(
            total=250000, active_by_type={"private": 1200}, inactive_by_type={"private": 248800},
            active_by_channel_type={"sms": 900, "web": 300}))],
        conversations_configuration=ConversationsConfiguration(default_chat_service_sid=sid("IS", 2)),
        address_configurations=addresses,
        taskrouter_workspaces=[TaskRouterWorkspace(sid=WS, workflows=[Workflow(sid=WW)], task_channels=[TaskChannel(sid=TC, unique_name="chat")])],
        coverage={f: FamilyCoverage() for f in FAMILIES},
    )


def timed(fn, repeat: int):
    runs, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return result, min(runs), statistics.median(runs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=10_000)
    parser.add_argument("--flows", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    inv = build(args.numbers, args.flows)
    built = time.perf_counter() - start
    as_of = date(2026, 3, 1)
    ev, ev_best, ev_median = timed(lambda: evaluate(inv, as_of), args.repeat)
    plans, pl_best, pl_median = timed(lambda: plan_addresses(inv, ev.findings), args.repeat)
    total = ev_best + pl_best

    print(f"inventory: {len(inv.phone_numbers):,} numbers, {len(inv.flex_flows):,} Flex Flows, "
          f"{len(inv.studio_flows):,} Studio flows, {sum(len(s.phone_numbers) for s in inv.proxy_services):,} proxy pool numbers, "
          f"{len(inv.messaging_services)} Messaging Services, {len(inv.address_configurations)} addresses (built in {built:.2f} s)")
    print(f"evaluate:       best {ev_best * 1000:7.1f} ms   median {ev_median * 1000:7.1f} ms   ({len(ev.findings):,} findings)")
    print(f"plan_addresses: best {pl_best * 1000:7.1f} ms   median {pl_median * 1000:7.1f} ms   ({len(plans):,} plans, "
          f"{sum(len(p.steps) for p in plans):,} steps)")
    print(f"total (best):   {total * 1000:7.1f} ms   target < 1000 ms: {'OK' if total < 1.0 else 'TOO SLOW'}")
    print("findings by rule:", ", ".join(f"{k} {v}" for k, v in sorted(Counter(f.rule_id for f in ev.findings).items())))
    print("readiness:", dict(Counter(p.readiness for p in plans)))
    if ev.rule_errors:
        print("rule errors:", ev.rule_errors)
        return 1
    return 0 if total < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
