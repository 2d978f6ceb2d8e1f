"""The Inventory a complete scan of a scenario yields, built without HTTP.

For benches and tests on the synthetic large accounts (`synthetic.generate_preset`):
scanning 10,000 numbers and 100,000 chat channels through the emulator takes
half a minute; this takes a second. It reads the scenario as the scanners read
the API (channel and session summaries, the Studio definitions of the flows
something points at, the last inbound message of each address).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from flexaudit import __version__
from flexaudit.model.inventory import (FAMILIES, Account, AddressConfiguration, ChannelSummary, ChatService,
                                       ConversationsConfiguration, FamilyCoverage, FlexConfiguration, FlexFlow,
                                       Inventory, LastInbound, MessagingService, PhoneNumber, PoolNumber,
                                       ProxyService, SessionSummary, StudioFlow, TaskChannel, TaskRouterWorkspace,
                                       Workflow)
from flexaudit.scan.chat import count_channel
from flexaudit.scan.messages import inbound_addresses
from flexaudit.scan.records import instant

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
    inv.last_inbound = _last_inbound(inv.flex_flows, scenario.get("messages") or [])
    inv.coverage = {family: FamilyCoverage(True, None) for family in FAMILIES}
    return inv


def _last_inbound(flows: list[FlexFlow], messages: list[dict]) -> list[LastInbound]:
    """What the messages family reads: the newest message to each enabled sms/whatsapp address."""
    newest: dict[str, str] = {}
    for m in messages:
        sent = instant(m.get("newest") if "count" in m else m.get("date_sent"))
        if sent and (m.get("count", 1) > 0) and sent > newest.get(m.get("to"), ""):
            newest[m.get("to")] = sent
    return [LastInbound(address, newest.get(address)) for address in inbound_addresses(flows)]
