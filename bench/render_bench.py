"""Audit and render benchmark on the large synthetic account: rules + readiness + report model, then every format.

Builds the large inventory straight from the generator's scenario (the same
plain data the scanners would produce: channel and session summaries, Studio
definitions of the flows Flex Flows point at), or with --scan by scanning the
account through an in-process emulator (no latency). Then times
`flexaudit.commands.pipeline.audit(inventory, as_of)` and every renderer in
`flexaudit.report.RENDERERS`. Target: < 5 s in total.

    python bench/render_bench.py                 # large, inventory built directly
    python bench/render_bench.py --scan          # large, inventory from a real scan
    python bench/render_bench.py --preset medium
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from flexaudit import __version__  # noqa: E402
from flexaudit.model import snapshot  # noqa: E402
from flexaudit.emulator.synthetic import PRESETS, generate_preset  # noqa: E402
from flexaudit.model.inventory import (FAMILIES, Account, AddressConfiguration, ChannelSummary, ChatService,  # noqa: E402
                                 ConversationsConfiguration, FamilyCoverage, FlexConfiguration, FlexFlow, Inventory,
                                 MessagingService, PhoneNumber, PoolNumber, ProxyService, SessionSummary, StudioFlow,
                                 TaskChannel, TaskRouterWorkspace, Workflow)
from flexaudit.scan.chat import count_channel  # noqa: E402

TARGET_S = 5.0
_OPEN = ("open", "in-progress")


def _expand(blocks: list) -> list[tuple[int, dict]]:
    """(count, resource) pairs of a child list: written resources count 1, repeat blocks their N."""
    return [(b["repeat"], b.get("template", {})) if "repeat" in b else (1, b) for b in blocks or []]


def inventory_from_scenario(scenario: dict) -> Inventory:
    """The Inventory a complete scan of this scenario yields, without HTTP."""
    account_sid = scenario["account"]["sid"]
    inv = Inventory(account_sid=account_sid, scanned_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    tool_version=__version__)
    acc = scenario["account"]
    inv.account = Account(sid=account_sid, friendly_name=acc.get("friendly_name"), status=acc.get("status", "active"),
                          type=acc.get("type", "Full"))
    inv.phone_numbers = [PhoneNumber(sid=n["sid"], phone_number=n.get("phone_number"), friendly_name=n.get("friendly_name"),
                                     capabilities=n.get("capabilities"), sms_url=n.get("sms_url"),
                                     sms_method=n.get("sms_method"), sms_application_sid=n.get("sms_application_sid"))
                         for n in scenario.get("incoming_phone_numbers") or []]
    cfg = scenario.get("flex_configuration")
    if cfg is not None:
        inv.flex_configuration = FlexConfiguration(account_sid=account_sid, **{
            k: cfg.get(k) for k in ("chat_service_instance_sid", "flex_service_instance_sid",
                                    "messaging_service_instance_sid", "ui_version", "service_version", "status",
                                    "taskrouter_workspace_sid", "taskrouter_target_workflow_sid")})
    inv.flex_flows = [FlexFlow(sid=f["sid"], **{k: f.get(k) for k in (
        "friendly_name", "chat_service_sid", "channel_type", "contact_identity", "enabled", "integration_type",
        "integration", "long_lived", "janitor_enabled", "date_created")}) for f in scenario.get("flex_flows") or []]
    addresses = scenario.get("address_configurations") or []
    wanted = {(f.integration or {}).get("flow_sid") for f in inv.flex_flows if f.integration_type == "studio"}
    wanted |= {(a.get("auto_creation") or {}).get("studio_flow_sid") for a in addresses}
    for f in scenario.get("studio_flows") or []:
        fetched = f["sid"] in wanted
        inv.studio_flows.append(StudioFlow(
            sid=f["sid"], friendly_name=f.get("friendly_name"), status=f.get("status", "published"),
            revision=f.get("revision", 1), valid=f.get("valid", True) if fetched else None,
            errors=f.get("errors", []) if fetched else None, warnings=f.get("warnings", []) if fetched else None,
            webhook_url=f"https://webhooks.twilio.com/v1/Accounts/{account_sid}/Flows/{f['sid']}",
            definition=f.get("definition") if fetched else None, date_updated=f.get("date_updated")))
    for p in scenario.get("proxy_services") or []:
        sessions = SessionSummary()
        for count, s in _expand(p.get("sessions")):
            status = s.get("status", "open")
            sessions.total += count
            sessions.by_status[status] = sessions.by_status.get(status, 0) + count
            if status in _OPEN:
                day = (s.get("date_last_interaction") or s.get("date_started") or "unknown")[:10]
                sessions.open_by_last_activity_day[day] = sessions.open_by_last_activity_day.get(day, 0) + count
        inv.proxy_services.append(ProxyService(
            sid=p["sid"], unique_name=p.get("unique_name"), chat_instance_sid=p.get("chat_instance_sid"),
            phone_numbers=[PoolNumber(sid=n["sid"], phone_number=n.get("phone_number")) for n in p.get("phone_numbers") or []],
            sessions=sessions))
    inv.messaging_services = [MessagingService(
        sid=m["sid"], friendly_name=m.get("friendly_name"), inbound_request_url=m.get("inbound_request_url"),
        use_inbound_webhook_on_number=m.get("use_inbound_webhook_on_number", False),
        phone_numbers=[PoolNumber(sid=n["sid"], phone_number=n.get("phone_number")) for n in m.get("phone_numbers") or []])
        for m in scenario.get("messaging_services") or []]
    for c in scenario.get("chat_services") or []:
        summary = ChannelSummary()
        for count, ch in _expand(c.get("channels")):
            attributes = ch.get("attributes", "{}")
            attributes = attributes if isinstance(attributes, str) else json.dumps(attributes)
            one = ChannelSummary()
            count_channel(one, ch.get("type", "private"), attributes)
            summary.total += count
            summary.unparsable_attributes += one.unparsable_attributes * count
            for mine, theirs in ((summary.active_by_type, one.active_by_type),
                                 (summary.inactive_by_type, one.inactive_by_type),
                                 (summary.active_by_channel_type, one.active_by_channel_type)):
                for key, value in theirs.items():
                    mine[key] = mine.get(key, 0) + value * count
        inv.chat_services.append(ChatService(sid=c["sid"], friendly_name=c.get("friendly_name"), channels=summary))
    conv = scenario.get("conversations_configuration")
    if conv is not None:
        inv.conversations_configuration = ConversationsConfiguration(
            default_chat_service_sid=conv.get("default_chat_service_sid"),
            default_messaging_service_sid=conv.get("default_messaging_service_sid"))
    inv.address_configurations = [AddressConfiguration(sid=a["sid"], type=a.get("type"), address=a.get("address"),
                                                       friendly_name=a.get("friendly_name"),
                                                       auto_creation=a.get("auto_creation"))
                                  for a in addresses]
    inv.taskrouter_workspaces = [TaskRouterWorkspace(
        sid=w["sid"], friendly_name=w.get("friendly_name"),
        workflows=[Workflow(sid=x["sid"], friendly_name=x.get("friendly_name")) for x in w.get("workflows") or []],
        task_channels=[TaskChannel(sid=x["sid"], unique_name=x.get("unique_name"), friendly_name=x.get("friendly_name"))
                       for x in w.get("task_channels") or []])
        for w in scenario.get("taskrouter_workspaces") or []]
    inv.coverage = {family: FamilyCoverage(True, None) for family in FAMILIES}
    return inv


def inventory_from_scan(scenario: dict) -> Inventory:
    from flexaudit.api.transport import GuardedHttpClient, make_client
    from flexaudit.emulator import Emulator
    from flexaudit.scan.orchestrator import run_scan
    from flexaudit.settings import Credentials, Target

    with Emulator(scenario) as emu:
        creds = Credentials(emu.account_sid, emu.account_sid, emu.auth_token, "auth_token")
        http = GuardedHttpClient(api_base_url=emu.base_url, concurrency=8)
        return run_scan(make_client(creds, Target(api_base_url=emu.base_url), http), emu.account_sid,
                        concurrency=8)


def _timed(fn, repeat: int):
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    return value, min(times), statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="large")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scan", action="store_true", help="build the inventory by scanning an in-process emulator")
    parser.add_argument("--as-of", default="2026-06-01", help="as-of date for the rules (default 2026-06-01)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; the best and median are shown")
    parser.add_argument("--save", action="store_true", help="also write bench/results/render-<timestamp>.json")
    args = parser.parse_args(argv)

    try:
        from flexaudit.commands.pipeline import audit
        from flexaudit.report import RENDERERS
    except ImportError as exc:
        print(f"render_bench: flexaudit.commands.pipeline / flexaudit.report.RENDERERS not available yet ({exc})", file=sys.stderr)
        return 2

    as_of = date.fromisoformat(args.as_of)
    started = time.perf_counter()
    scenario = generate_preset(args.preset, seed=args.seed)
    inventory = inventory_from_scan(scenario) if args.scan else inventory_from_scenario(scenario)
    built = time.perf_counter() - started
    print(f"{args.preset} inventory ({'scanned' if args.scan else 'built from the scenario'}) in {built:.2f} s: "
          f"{len(inventory.phone_numbers)} numbers, {len(inventory.flex_flows)} Flex Flows, "
          f"{len(inventory.studio_flows)} Studio flows "
          f"({sum(1 for f in inventory.studio_flows if f.definition is not None)} with definitions), "
          f"{sum(c.channels.total for c in inventory.chat_services)} chat channels")

    rows = []
    report, best, median = _timed(lambda: audit(inventory, as_of), args.repeat)
    rows.append(("audit (rules + readiness + model)", best, median, ""))
    findings = getattr(report, "findings", [])
    for fmt, renderer in RENDERERS.items():
        text, best, median = _timed(lambda r=renderer: r.render(report), args.repeat)
        rows.append((f"render {fmt} ({renderer.filename})", best, median, f"{len(text.encode('utf-8')) / 1e6:.2f} MB"))
    _, best, median = _timed(lambda: snapshot.dumps(inventory), args.repeat)
    rows.append(("inventory snapshot (flexaudit-inventory.json)", best, median, ""))

    print(f"{len(findings)} findings, as of {as_of}")
    print()
    print(f"{'step':48} {'best s':>8} {'median s':>9} {'output':>9}")
    print("-" * 77)
    for name, best, median, size in rows:
        print(f"{name:48} {best:8.3f} {median:9.3f} {size:>9}")
    total_best = sum(r[1] for r in rows)
    total_median = sum(r[2] for r in rows)
    print("-" * 77)
    print(f"{'total':48} {total_best:8.3f} {total_median:9.3f}")
    ok = total_median < TARGET_S
    print(f"\n  {'PASS' if ok else 'FAIL'}  audit + every renderer + snapshot < {TARGET_S:g} s (median {total_median:.2f} s)")
    if args.save:
        out = HERE / "results" / f"render-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"preset": args.preset, "scan": args.scan, "as_of": args.as_of,
                                   "findings": len(findings),
                                   "steps": [{"step": n, "best_s": round(b, 4), "median_s": round(m, 4), "output": s}
                                             for n, b, m, s in rows],
                                   "total_median_s": round(total_median, 3), "pass": ok}, indent=2), encoding="utf-8")
        print(f"figures written to {out.relative_to(REPO)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
