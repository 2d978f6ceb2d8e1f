"""Synthetic scenarios: a large, realistic legacy Flex account for benchmarks and scale tests.

`generate_account(numbers, flex_flows, studio_flows, chat_channels, seed=0)`
returns a scenario dict (flexaudit/emulator/SCENARIOS.md) for an account that grew
the way legacy Flex messaging accounts do:

- phone numbers, almost all wired to the Flex Proxy webhook and in the Flex
  Proxy Service's pool (the Console does both when a Flex Flow is created);
- Flex Flows, mostly SMS with some WhatsApp and web chat, most handing off to
  Studio, spread over the account's messaging Studio flows, a few to TaskRouter
  directly or to an external webhook;
- Studio flows: messaging flows (trigger -> split -> send-to-flex, most with
  both `incomingMessage` and `incomingConversationMessage` wired), plus IVR
  flows nobody maps a Flex Flow to;
- a sprinkling (about `misconfigured`, 2% by default) of the misconfigurations
  the rules look for: blank or foreign webhooks, TwiML Apps, numbers missing
  from the pool, A2P Messaging Services that take inbound traffic, WhatsApp
  identities without their prefix, duplicate identities, flows pointing at
  deleted Studio flows or workflows, unparsable or unreachable definitions,
  numbers with a Conversations address as well as a Flex Flow;
- chat channels and proxy sessions as lazy `repeat` blocks (mostly INACTIVE
  channels, mostly closed sessions), so 100,000 channels cost no memory;
- a Flex configuration, a TaskRouter workspace with workflows and task
  channels, and a Conversations configuration;
- what the migration companion reads after the cut-over: Conversations
  address configurations on numbers already moved (most healthy, a few
  deliberately broken: auto-creation off, a deleted or Chat-only Studio flow,
  a foreign conversation service, a number not in the account, a webhook
  deaf to onMessageAdded, a number still wired to a webhook or still mapped
  by a Flex Flow), the Flex conversation service's conversations as repeat
  blocks (active ones, some stale, plus inactive and closed ones), Serverless
  services whose deployed functions mostly call today's APIs and a few still
  the legacy ones, and each enabled sms/whatsapp address's inbound messages
  as compact blocks (recent traffic, old traffic, or none).

The same arguments always give the same scenario (byte for byte once dumped
with sort_keys). The scenario's `_synthetic` key (ignored by the emulator)
records the sizes and the counts a scan should find.

    python -m flexaudit.emulator.synthetic --preset medium --out medium.json
    python -m flexaudit.emulator.synthetic --numbers 120 --flex-flows 30 --studio-flows 12 \\
        --chat-channels 450 --out small.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from pathlib import Path

from flexaudit.emulator.synthetic_functions import LEGACY_PATTERNS, helper_source, legacy_source

PRESETS: dict[str, dict[str, int]] = {
    "small": {"numbers": 120, "flex_flows": 30, "studio_flows": 12, "chat_channels": 450},
    "medium": {"numbers": 2_000, "flex_flows": 500, "studio_flows": 300, "chat_channels": 10_000,
               "address_configurations": 200, "conversations": 5_000,
               "serverless_services": 3, "serverless_functions": 60},
    "large": {"numbers": 10_000, "flex_flows": 2_000, "studio_flows": 1_000, "chat_channels": 100_000,
              "address_configurations": 1_000, "conversations": 25_000,
              "serverless_services": 5, "serverless_functions": 300},
}

# The as-of day the bench and the demo use; an active conversation last
# updated more than 30 days before it is stale (rules.md FLX508).
_AS_OF = "2026-11-21"
_STALE_UPDATED = ("2026-07-03", "2026-09-15", "2026-10-12")
_FRESH_UPDATED = ("2026-11-18", "2026-11-19", "2026-11-20")
_RECENT_TRAFFIC = ("2026-11-14", "2026-11-17", "2026-11-19", "2026-11-20")
_OLD_TRAFFIC = ("2026-03-11", "2026-05-27", "2026-08-02")

_AREA_CODES = ("415", "628", "212", "646", "312", "213", "617", "206", "512", "303")
_TEAMS = ("Support", "Sales", "Returns", "Billing", "Wholesale", "Partners", "Store Pickup", "VIP",
          "Warranty", "Delivery", "Accounts", "Onboarding", "Retention", "Repairs", "Marketing")
_REGIONS = ("US West", "US East", "Central", "Canada", "UK", "EMEA", "APAC", "LATAM")
_TASK_CHANNELS = (("default", "Default"), ("voice", "Voice"), ("chat", "Programmable Chat"),
                  ("sms", "SMS"), ("video", "Video"), ("email", "Email"))

# Legacy Flex proxy session and chat channel dates (ISO 8601, as v1/v2 APIs use).
_OLD_DAYS = ("2024-11-04", "2025-02-17", "2025-06-02", "2025-09-22", "2026-01-12")
_RECENT_DAYS = ("2026-03-02", "2026-03-09", "2026-03-16")


def generate_account(numbers: int, flex_flows: int, studio_flows: int, chat_channels: int, seed: int = 0,
                     proxy_sessions: int | None = None, messaging_services: int | None = None,
                     address_configurations: int | None = None, misconfigured: float = 0.02,
                     name: str | None = None, conversations: int | None = None,
                     serverless_services: int | None = None, serverless_functions: int | None = None) -> dict:
    """A scenario dict for a large legacy Flex account; deterministic for the arguments.

    numbers: incoming phone numbers; flex_flows: Flex Flows (SMS and WhatsApp
    flows each take a distinct number while numbers last); studio_flows: Studio
    flows, about 85% messaging flows that Flex Flows point at; chat_channels:
    channels of the Flex chat service. proxy_sessions defaults to
    chat_channels // 10; messaging_services to 3 + numbers // 2000;
    address_configurations to min(40, numbers // 100); conversations (active
    ones in the Flex conversation service; inactive and closed come on top) to
    chat_channels // 2; serverless_functions to studio_flows // 5, spread over
    serverless_services (default: one per 20 functions, at least one when
    there are functions). misconfigured is the share of resources given a
    deliberate misconfiguration.
    """
    if conversations is None:
        conversations = chat_channels // 2
    if serverless_functions is None:
        serverless_functions = studio_flows // 5
    if serverless_services is None:
        serverless_services = -(-serverless_functions // 20)
    for label, value in (("numbers", numbers), ("flex_flows", flex_flows), ("studio_flows", studio_flows),
                         ("chat_channels", chat_channels), ("conversations", conversations),
                         ("serverless_services", serverless_services),
                         ("serverless_functions", serverless_functions)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{label} must be a non-negative integer, got {value!r}")
    if not 0 <= misconfigured <= 1:
        raise ValueError(f"misconfigured must be between 0 and 1, got {misconfigured!r}")
    return _Builder(numbers, flex_flows, studio_flows, chat_channels, seed,
                    chat_channels // 10 if proxy_sessions is None else proxy_sessions,
                    3 + numbers // 2000 if messaging_services is None else messaging_services,
                    min(40, numbers // 100) if address_configurations is None else address_configurations,
                    misconfigured, name, conversations,
                    max(serverless_services, 1) if serverless_functions else 0, serverless_functions).build()


def generate_preset(preset: str, seed: int = 0, **overrides) -> dict:
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
    overrides.setdefault("name", f"synthetic {preset} legacy Flex account (seed {seed})")
    return generate_account(**{**PRESETS[preset], **overrides}, seed=seed)


class _Builder:
    def __init__(self, n_numbers, n_flex_flows, n_studio_flows, n_channels, seed, n_sessions, n_messaging,
                 n_addresses, misconfigured, name, n_conversations, n_serverless_services, n_functions):
        self.n_numbers = n_numbers
        self.n_flex_flows = n_flex_flows
        self.n_studio_flows = n_studio_flows
        self.n_channels = n_channels
        self.n_sessions = max(0, n_sessions)
        self.n_messaging = max(0, n_messaging)
        self.n_addresses = max(0, n_addresses)
        self.n_conversations = n_conversations
        self.n_serverless_services = n_serverless_services
        self.n_functions = n_functions
        self.bad = misconfigured
        self.seed = seed
        self.name = name
        self.rng = random.Random(f"flexaudit-synthetic:{seed}")
        self.account_sid = self.sid("AC", "account")
        self.counts: dict[str, int] = {}

    # --- identifiers ---------------------------------------------------------

    def sid(self, prefix: str, *parts) -> str:
        text = ":".join(str(p) for p in (self.seed, prefix, *parts))
        return prefix + hashlib.md5(text.encode()).hexdigest()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def proxy_webhook(self) -> str:
        return f"https://webhooks.twilio.com/v1/Accounts/{self.account_sid}/Proxy/{self.proxy_sid}/Webhooks/Message"

    def studio_webhook(self, flow_sid: str) -> str:
        return f"https://webhooks.twilio.com/v1/Accounts/{self.account_sid}/Flows/{flow_sid}"

    # --- the whole account ---------------------------------------------------

    def build(self) -> dict:
        self.flex_chat_sid = self.sid("IS", "flex chat")
        self.old_chat_sid = self.sid("IS", "old webchat")
        self.flex_service_sid = self.sid("IS", "flex service instance")
        self.conversations_sid = self.sid("IS", "conversations")
        self.proxy_sid = self.sid("KS", "flex proxy")
        self.workspace_sid = self.sid("WS", "flex task assignment")
        self.flex_messaging_sid = self.sid("MG", "flex messaging")
        self.workflows = self._workflows()
        self.task_channels = [{"sid": self.sid("TC", u), "unique_name": u, "friendly_name": f}
                              for u, f in _TASK_CHANNELS]
        self.chat_channel_sid = next(c["sid"] for c in self.task_channels if c["unique_name"] == "chat")

        studio = self._studio_flows()
        phone_numbers = self._numbers()
        flows = self._flex_flows(phone_numbers)
        self._rewire_numbers(phone_numbers, flows)
        # Addresses first: a number moved to Conversations has left the Messaging Services.
        addresses = self._address_configurations(phone_numbers)
        proxy = self._proxy_service(phone_numbers)
        messaging = self._messaging_services(phone_numbers)
        conversation_services = self._conversation_services()
        serverless = self._serverless_services()
        messages = self._messages(flows, addresses)

        scenario = {
            "name": self.name or f"synthetic legacy Flex account (seed {self.seed})",
            "description": "Generated by flexaudit.emulator.synthetic: fake local data, no real customer.",
            "_synthetic": {
                "seed": self.seed,
                "sizes": {"numbers": self.n_numbers, "flex_flows": self.n_flex_flows,
                          "studio_flows": self.n_studio_flows, "chat_channels": self.n_channels,
                          "proxy_sessions": self.n_sessions, "messaging_services": self.n_messaging,
                          "address_configurations": len(addresses), "conversations": self.n_conversations,
                          "serverless_services": self.n_serverless_services,
                          "serverless_functions": self.n_functions},
                "flex_chat_service_sid": self.flex_chat_sid,
                "counts": {},
            },
            "account": {"sid": self.account_sid, "friendly_name": "Northwind Outfitters (synthetic)",
                        "status": "active", "type": "Full"},
            "auth": {"auth_token": hashlib.md5(f"{self.seed}:auth token".encode()).hexdigest(),
                     "api_keys": [{"sid": self.sid("SK", "api key"),
                                   "secret": hashlib.md5(f"{self.seed}:api secret".encode()).hexdigest()}]},
            "incoming_phone_numbers": phone_numbers,
            "flex_configuration": self._flex_configuration(),
            "flex_flows": flows,
            "studio_flows": studio,
            "proxy_services": proxy,
            "messaging_services": messaging,
            "chat_services": self._chat_services(),
            "conversations_configuration": {
                "default_chat_service_sid": self.conversations_sid,
                "default_messaging_service_sid": self.flex_messaging_sid,
                "default_inactive_timer": "PT1H", "default_closed_timer": "P1D",
            },
            "address_configurations": addresses,
            "conversation_services": conversation_services,
            "serverless_services": serverless,
            "messages": messages,
            "taskrouter_workspaces": [{
                "sid": self.workspace_sid, "friendly_name": "Flex Task Assignment",
                "workflows": self.workflows, "task_channels": self.task_channels,
            }],
        }
        scenario["_synthetic"]["counts"] = {
            "incoming_phone_numbers": len(phone_numbers),
            "flex_flows": len(flows),
            "studio_flows": len(studio),
            "proxy_services": len(proxy),
            "proxy_pool_numbers": sum(len(p["phone_numbers"]) for p in proxy),
            "proxy_sessions": self.n_sessions,
            "messaging_services": len(messaging),
            "messaging_service_numbers": sum(len(m["phone_numbers"]) for m in messaging),
            "chat_services": len(scenario["chat_services"]),
            "flex_chat_channels": self.n_channels,
            "address_configurations": len(addresses),
            "address_configurations_healthy": self.healthy_addresses,
            **self.conversation_counts,
            **self.serverless_counts,
            **self.traffic_counts,
            "taskrouter_workflows": len(self.workflows),
            "taskrouter_task_channels": len(self.task_channels),
            **{f"misconfig_{k}": v for k, v in sorted(self.counts.items())},
        }
        return scenario

    def _note(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    # --- TaskRouter ----------------------------------------------------------

    def _workflows(self) -> list[dict]:
        n = 1 + max(3, min(len(_TEAMS), self.n_flex_flows // 40))
        out = [{"sid": self.sid("WW", "anyone"), "friendly_name": "Assign to Anyone"}]
        for i in range(n - 1):
            team = _TEAMS[i % len(_TEAMS)]
            out.append({"sid": self.sid("WW", i), "friendly_name": f"{team} queue"})
        return out

    def _workflow(self) -> str:
        # "Assign to Anyone" takes about half the traffic, team workflows the rest.
        if self.chance(0.5):
            return self.workflows[0]["sid"]
        return self.rng.choice(self.workflows)["sid"]

    # --- Studio ----------------------------------------------------------------

    def _studio_flows(self) -> list[dict]:
        n = self.n_studio_flows
        n_ivr = 0 if n < 3 else max(1, round(n * 0.15))
        self.messaging_flow_sids: list[str] = []
        self.ivr_flow_sids: list[str] = []
        # Messaging flows whose incomingConversationMessage reaches Send to Flex on a live workflow.
        self.conversation_ready_sids: list[str] = []
        self.chat_only_sids: list[str] = []
        flows = []
        for i in range(n):
            sid = self.sid("FW", i)
            ivr = i >= n - n_ivr
            team = _TEAMS[i % len(_TEAMS)]
            region = _REGIONS[(i // len(_TEAMS)) % len(_REGIONS)]
            flow = {
                "sid": sid,
                "friendly_name": f"{team} IVR - {region} #{i}" if ivr else f"{team} messaging - {region} #{i}",
                "status": "published",
                "revision": self.rng.randint(1, 60),
                "valid": True, "errors": [], "warnings": [],
                "date_created": f"{self.rng.choice(_OLD_DAYS[:3])}T09:00:00Z",
                "date_updated": f"{self.rng.choice(_OLD_DAYS + _RECENT_DAYS)}T15:30:00Z",
            }
            if ivr:
                flow["definition"] = self._ivr_definition(i)
                self.ivr_flow_sids.append(sid)
            else:
                flow["definition"] = self._messaging_definition(i, flow)
                self.messaging_flow_sids.append(sid)
            flows.append(flow)
        return flows

    def _messaging_definition(self, i: int, flow: dict):
        rng = self.rng
        bad = self.bad
        workflow = self._workflow()
        roll = rng.random()
        if roll < bad * 0.5:
            self._note("studio_unparsable_definition")
            flow.update(valid=False, errors=[{"message": "Invalid definition"}])
            return '{"description": "half-saved flow", "states": [{"name": "Trigger", "type": "trig'
        if roll < bad * 1.0:
            self._note("studio_missing_workflow")
            workflow = self.sid("WW", "deleted", i)
        conversation = rng.random() < 0.8  # most flows were updated for Conversations
        if conversation and roll >= bad:
            self.conversation_ready_sids.append(flow["sid"])
        elif not conversation:
            self.chat_only_sids.append(flow["sid"])
        unreachable = rng.random() < bad
        if unreachable:
            self._note("studio_send_to_flex_unreachable")
        if not conversation:
            self._note("studio_no_conversation_trigger")
        topics = rng.sample(_TEAMS, k=rng.randint(2, 4))
        states = [{
            "name": "Trigger", "type": "trigger",
            "transitions": [
                {"event": "incomingMessage", **({} if unreachable else {"next": "CheckHours"})},
                {"event": "incomingCall"},
                {"event": "incomingConversationMessage", **({"next": "CheckHours"} if conversation else {})},
                {"event": "incomingRequest"},
                {"event": "incomingParent"},
            ],
            "properties": {"offset": {"x": 0, "y": 0}},
        }, {
            "name": "CheckHours", "type": "run-function",
            "transitions": [{"event": "success", "next": "SplitOnHours"}, {"event": "fail", "next": "SendToAgent"}],
            "properties": {"offset": {"x": 0, "y": 200}, "service_sid": self.sid("ZS", "functions"),
                           "environment_sid": self.sid("ZE", "functions"),
                           "function_sid": self.sid("ZH", "hours"),
                           "url": "https://northwind-flex-0000.twil.io/business-hours"},
        }, {
            "name": "SplitOnHours", "type": "split-based-on",
            "transitions": [
                {"event": "noMatch", "next": "AfterHours"},
                {"event": "match", "next": "AskTopic", "conditions": [{
                    "friendly_name": "open", "arguments": ["{{widgets.CheckHours.parsed.open}}"],
                    "type": "equal_to", "value": "true"}]},
            ],
            "properties": {"input": "{{widgets.CheckHours.parsed.open}}", "offset": {"x": 0, "y": 400}},
        }, {
            "name": "AfterHours", "type": "send-message",
            "transitions": [{"event": "sent"}, {"event": "failed"}],
            "properties": {"offset": {"x": 400, "y": 400}, "service": "{{trigger.message.InstanceSid}}",
                           "channel": "{{trigger.message.ChannelSid}}", "from": "{{flow.channel.address}}",
                           "to": "{{contact.channel.address}}",
                           "body": "Thanks for your message. We are closed; an agent will reply tomorrow."},
        }, {
            "name": "AskTopic", "type": "send-and-wait-for-reply",
            "transitions": [{"event": "incomingMessage", "next": "SplitOnTopic"},
                            {"event": "timeout", "next": "SendToAgent"}, {"event": "deliveryFailure"}],
            "properties": {"offset": {"x": 0, "y": 600}, "service": "{{trigger.message.InstanceSid}}",
                           "channel": "{{trigger.message.ChannelSid}}", "from": "{{flow.channel.address}}",
                           "body": "Hi! Reply " + ", ".join(f"{n + 1} for {t}" for n, t in enumerate(topics)) + ".",
                           "timeout": "3600"},
        }, {
            "name": "SplitOnTopic", "type": "split-based-on",
            "transitions": [{"event": "noMatch", "next": "SendToAgent"}] + [
                {"event": "match", "next": "SendToAgent", "conditions": [{
                    "friendly_name": t, "arguments": ["{{widgets.AskTopic.inbound.Body}}"],
                    "type": "equal_to", "value": str(n + 1)}]}
                for n, t in enumerate(topics)],
            "properties": {"input": "{{widgets.AskTopic.inbound.Body}}", "offset": {"x": 0, "y": 800}},
        }, {
            "name": "SendToAgent", "type": "send-to-flex",
            "transitions": [{"event": "callComplete"}, {"event": "failedToEnqueue"}, {"event": "callFailure"}],
            "properties": {
                "offset": {"x": 0, "y": 1000}, "workflow": workflow, "channel": self.chat_channel_sid,
                "attributes": json.dumps({"name": "{{trigger.message.ChannelAttributes.from}}",
                                          "channelType": "{{trigger.message.ChannelAttributes.channel_type}}",
                                          "channelSid": "{{trigger.message.ChannelSid}}",
                                          "topic": "{{widgets.AskTopic.inbound.Body}}"}),
                "priority": "0", "timeout": "3600"},
        }]
        return {"description": f"Messaging flow #{i}", "states": states, "initial_state": "Trigger",
                "flags": {"allow_concurrent_calls": True}}

    def _ivr_definition(self, i: int) -> dict:
        return {"description": f"Voice IVR #{i}", "initial_state": "Trigger",
                "flags": {"allow_concurrent_calls": True}, "states": [
                    {"name": "Trigger", "type": "trigger",
                     "transitions": [{"event": "incomingMessage"}, {"event": "incomingCall", "next": "Menu"},
                                     {"event": "incomingConversationMessage"}, {"event": "incomingRequest"},
                                     {"event": "incomingParent"}],
                     "properties": {"offset": {"x": 0, "y": 0}}},
                    {"name": "Menu", "type": "gather-input-on-call",
                     "transitions": [{"event": "keypress", "next": "SendCallToAgent"},
                                     {"event": "speech", "next": "SendCallToAgent"}, {"event": "timeout"}],
                     "properties": {"offset": {"x": 0, "y": 200}, "voice": "alice", "language": "en-US",
                                    "say": "Press 1 for sales, 2 for support.", "number_of_digits": 1,
                                    "timeout": 5}},
                    {"name": "SendCallToAgent", "type": "send-to-flex",
                     "transitions": [{"event": "callComplete"}, {"event": "failedToEnqueue"},
                                     {"event": "callFailure"}],
                     "properties": {"offset": {"x": 0, "y": 400}, "workflow": self.workflows[0]["sid"],
                                    "channel": self.sid("TC", "voice"),
                                    "attributes": '{"type": "inbound", "name": "{{trigger.call.From}}"}'}},
                ]}

    # --- numbers and flex flows ---------------------------------------------------

    def _numbers(self) -> list[dict]:
        out = []
        for i in range(self.n_numbers):
            area = _AREA_CODES[i % len(_AREA_CODES)]
            number = f"+1{area}{2_000_000 + i:07d}"
            out.append({
                "sid": self.sid("PN", i),
                "phone_number": number,
                "friendly_name": f"({area}) {number[5:8]}-{number[8:]}",
                "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
                "sms_url": None,  # wired in _rewire_numbers
                "sms_method": "POST",
                "sms_application_sid": None,
                "voice_url": None,
                "date_created": "Mon, 15 Mar 2021 18:02:11 +0000",
            })
        return out

    def _flex_flows(self, numbers: list[dict]) -> list[dict]:
        rng, bad = self.rng, self.bad
        flows = []
        next_number = 0
        self.mapped: dict[int, str] = {}  # number index -> channel type of the (first) flow mapping it
        messaging = self.messaging_flow_sids or [self.sid("FW", "none")]
        for i in range(self.n_flex_flows):
            roll = rng.random()
            channel = "sms" if roll < 0.80 else "whatsapp" if roll < 0.92 else "web"
            team = _TEAMS[i % len(_TEAMS)]
            flow = {
                "sid": self.sid("FO", i),
                "friendly_name": f"{team} {channel.upper() if channel == 'sms' else channel.capitalize()} #{i}",
                "chat_service_sid": self.flex_chat_sid,
                "channel_type": channel,
                "enabled": True,
                "long_lived": False,
                "janitor_enabled": True,
                "date_created": f"{rng.choice(_OLD_DAYS)}T18:05:00Z",
                "date_updated": f"{rng.choice(_OLD_DAYS + _RECENT_DAYS)}T12:00:00Z",
            }
            if channel == "web":
                flow["contact_identity"] = f"webchat-{team.lower().replace(' ', '-')}-{i}"
                if rng.random() < 0.1:
                    flow["chat_service_sid"] = self.old_chat_sid
            else:
                if next_number < len(numbers) and not (flows and rng.random() < bad * 0.5):
                    index = next_number
                    next_number += 1
                    if rng.random() < bad * 0.5:
                        # A number long released but still named by a Flex Flow.
                        self._note("flex_flow_number_not_in_account")
                        number = f"+1555{9_000_000 + i:07d}"
                    else:
                        number = numbers[index]["phone_number"]
                        self.mapped.setdefault(index, channel)
                elif numbers:
                    # Two Flex Flows on one number (or more flows than numbers).
                    self._note("flex_flow_duplicate_identity")
                    index = rng.randrange(min(len(numbers), max(1, next_number)))
                    number = numbers[index]["phone_number"]
                    self.mapped.setdefault(index, channel)
                else:
                    number = f"+1555{9_000_000 + i:07d}"
                if channel == "whatsapp":
                    if rng.random() < bad:
                        self._note("whatsapp_identity_without_prefix")
                        flow["contact_identity"] = number
                    else:
                        flow["contact_identity"] = f"whatsapp:{number}"
                else:
                    flow["contact_identity"] = number
            roll = rng.random()
            if roll < 0.88:
                if rng.random() < bad * 0.5:
                    self._note("flex_flow_deleted_studio_flow")
                    flow_sid = self.sid("FW", "deleted", i)
                else:
                    flow_sid = rng.choice(messaging)
                flow.update(integration_type="studio", integration={"flow_sid": flow_sid, "retry_count": 3})
            elif roll < 0.96:
                flow.update(integration_type="task", integration={
                    "workspace_sid": self.workspace_sid, "workflow_sid": self._workflow(),
                    "channel": "chat" if channel == "web" else channel, "timeout": 86400, "priority": 0,
                    "creation_on_message": True})
            else:
                flow.update(integration_type="external", integration={
                    "url": f"https://bots.northwind.example/{channel}/{i}", "method": "POST", "retry_count": 1})
            if rng.random() < 0.05:
                flow["enabled"] = False
            if rng.random() < bad:
                self._note("flex_flow_long_lived")
                flow["long_lived"] = True
            if rng.random() < bad:
                self._note("flex_flow_janitor_disabled")
                flow["janitor_enabled"] = False
            flows.append(flow)
        return flows

    def _rewire_numbers(self, numbers: list[dict], flows: list[dict]) -> None:
        """Every number's messaging webhook. Numbers a Flex Flow maps are on the Flex Proxy
        webhook bar the misconfigured few; the others (voice lines, marketing, other apps)
        point at their own apps, except a few leftovers still on the Proxy webhook."""
        rng, bad = self.rng, self.bad
        webhook = self.proxy_webhook()
        ivr = self.ivr_flow_sids or self.messaging_flow_sids
        self.not_in_pool: set[int] = set()
        for i, number in enumerate(numbers):
            if ivr:
                number["voice_url"] = self.studio_webhook(ivr[i % len(ivr)])
            number["sms_url"] = webhook
            if i not in self.mapped:
                if rng.random() < bad:
                    self._note("number_leftover_proxy_webhook")
                else:
                    number["sms_url"] = f"https://apps.northwind.example/sms/{i % 7}"
                continue
            roll = rng.random()
            if roll < bad * 0.5:
                self._note("number_blank_webhook")
                number["sms_url"] = ""
            elif roll < bad * 1.0 and self.messaging_flow_sids:
                self._note("number_studio_webhook")
                number["sms_url"] = self.studio_webhook(rng.choice(self.messaging_flow_sids))
            elif roll < bad * 1.5:
                self._note("number_custom_webhook")
                number["sms_url"] = f"https://sms.northwind.example/inbound/{i}"
            elif roll < bad * 1.75:
                self._note("number_twiml_app")
                number["sms_application_sid"] = self.sid("AP", "legacy app", i % 3)
            elif roll < bad * 2.0 and i not in self.mapped:
                # A voice-only landline.
                number["capabilities"] = {"voice": True, "sms": False, "mms": False, "fax": False}
                number["sms_url"] = ""
                self._note("number_voice_only")
            if rng.random() < bad * 0.75:
                self._note("number_not_in_proxy_pool")
                self.not_in_pool.add(i)

    # --- proxy and messaging ------------------------------------------------------

    def _proxy_service(self, numbers: list[dict]) -> list[dict]:
        pool = [{"sid": n["sid"], "phone_number": n["phone_number"], "is_reserved": False,
                 "in_use": self.rng.randint(0, 40)}
                for i, n in enumerate(numbers) if i not in self.not_in_pool]
        n = self.n_sessions
        # Mostly closed, a few open ones (some stale), a handful in progress.
        n_open_recent = min(n, max(0, n // 50))
        n_open_stale = min(n - n_open_recent, max(0, n // 25))
        n_progress = min(n - n_open_recent - n_open_stale, max(0, n // 100))
        n_closed = n - n_open_recent - n_open_stale - n_progress
        blocks = []
        for count, status, day in ((n_closed, "closed", _OLD_DAYS[-1]), (n_open_stale, "open", _OLD_DAYS[1]),
                                   (n_open_recent, "open", _RECENT_DAYS[-1]),
                                   (n_progress, "in-progress", _RECENT_DAYS[0])):
            if count:
                template = {"status": status, "mode": "message-only", "ttl": 0,
                            "date_started": f"{day}T10:00:00Z", "date_created": f"{day}T10:00:00Z",
                            "date_last_interaction": f"{day}T10:30:00Z"}
                if status == "closed":
                    template.update(date_ended=f"{day}T11:00:00Z", closed_reason="channel closed")
                blocks.append({"repeat": count, "template": template})
        self.session_counts = {"closed": n_closed, "open": n_open_stale + n_open_recent, "in-progress": n_progress}
        return [{
            "sid": self.proxy_sid, "unique_name": "Flex Proxy Service", "chat_instance_sid": self.flex_chat_sid,
            "callback_url": None, "default_ttl": 0, "number_selection_behavior": "prefer-sticky",
            "geo_match_level": "country", "phone_numbers": pool, "sessions": blocks,
        }]

    def _messaging_services(self, numbers: list[dict]) -> list[dict]:
        rng, bad = self.rng, self.bad
        out = []
        total = len(numbers)
        for m in range(self.n_messaging):
            if m == 0:
                service = {"sid": self.flex_messaging_sid, "friendly_name": "Flex messaging (defers to number)",
                           "inbound_request_url": None, "use_inbound_webhook_on_number": True,
                           "usecase": "customer_care"}
                share = 0.10
            elif m == 1:
                service = {"sid": self.sid("MG", m), "friendly_name": "A2P 10DLC customer care campaign",
                           "inbound_request_url": "https://a2p.northwind.example/inbound",
                           "use_inbound_webhook_on_number": False, "usecase": "customer_care"}
                share = bad  # numbers added to a campaign service that now takes their inbound traffic
            else:
                service = {"sid": self.sid("MG", m), "friendly_name": f"Notifications {m - 1}",
                           "inbound_request_url": "https://notify.northwind.example/inbound",
                           "use_inbound_webhook_on_number": rng.random() < 0.5, "usecase": "notifications"}
                share = 0.02
            k = min(total, int(total * share))
            chosen = sorted(i for i in (rng.sample(range(total), k) if k else []) if i not in self.migrated)
            if m == 1:
                self.counts["a2p_service_numbers"] = len(chosen)
            service["phone_numbers"] = [{"sid": numbers[i]["sid"], "phone_number": numbers[i]["phone_number"]}
                                        for i in chosen]
            out.append(service)
        return out

    # The deliberate faults of Conversations addresses, dealt in turn to the broken few.
    _ADDRESS_FAULTS = ("double_handling", "auto_creation_disabled", "studio_flow_missing",
                       "studio_no_conversation_path", "foreign_conversation_service", "number_not_in_account",
                       "webhook_without_message_added", "number_webhook_still_set")

    def _address_configurations(self, numbers: list[dict]) -> list[dict]:
        """Addresses already moved to Flex Conversations. A healthy one sits on a number no
        Flex Flow maps, whose webhook was cleared and which left every Messaging Service (it
        may stay in the Proxy pool: nothing routes through the pool without a Flex Flow); its
        Studio flow hands incomingConversationMessage to Flex."""
        rng = self.rng
        self.migrated: set[int] = set()
        self.healthy_addresses = 0
        if not numbers or not self.n_addresses:
            return []
        n_broken = min(self.n_addresses, round(self.n_addresses * self.bad * 2.5))
        spare = [i for i in range(len(numbers)) if i not in self.mapped]
        rng.shuffle(spare)
        mapped = sorted(self.mapped)
        rng.shuffle(mapped)
        ready = self.conversation_ready_sids or self.messaging_flow_sids
        out = []
        for a in range(self.n_addresses):
            fault = self._ADDRESS_FAULTS[a % len(self._ADDRESS_FAULTS)] if a < n_broken else None
            if fault == "number_not_in_account":
                index, address_number = None, f"+1555{8_000_000 + a:07d}"
            elif fault == "double_handling" or not spare:
                if not mapped:
                    break
                index = mapped.pop()
                fault = "double_handling"  # out of spare numbers: the pilot shares a mapped one
                address_number = numbers[index]["phone_number"]
            else:
                index = spare.pop()
                address_number = numbers[index]["phone_number"]
            whatsapp = (self.mapped.get(index) == "whatsapp") if fault == "double_handling" else rng.random() < 0.2
            webhook = not whatsapp and rng.random() < 0.2
            if webhook:
                auto = {"enabled": True, "type": "webhook", "conversation_service_sid": self.conversations_sid,
                        "webhook_url": "https://bots.northwind.example/conversations", "webhook_method": "POST",
                        "webhook_filters": ["onMessageAdded", "onConversationStateUpdated"]}
            else:
                auto = {"enabled": True, "type": "studio", "conversation_service_sid": self.conversations_sid,
                        "studio_flow_sid": ready[a % len(ready)] if ready else None, "studio_retry_count": 3}
            if fault == "auto_creation_disabled":
                auto["enabled"] = False
            elif fault == "studio_flow_missing":
                auto = {**auto, "type": "studio", "studio_flow_sid": self.sid("FW", "deleted address flow", a),
                        "studio_retry_count": 3}
                auto.pop("webhook_url", None), auto.pop("webhook_method", None), auto.pop("webhook_filters", None)
            elif fault == "studio_no_conversation_path":
                legacy = self.chat_only_sids or self.ivr_flow_sids or [self.sid("FW", "deleted address flow", a)]
                auto = {"enabled": True, "type": "studio", "conversation_service_sid": self.conversations_sid,
                        "studio_flow_sid": legacy[a % len(legacy)], "studio_retry_count": 3}
            elif fault == "foreign_conversation_service":
                auto["conversation_service_sid"] = self.sid("IS", "another account", a)
            elif fault == "webhook_without_message_added":
                auto = {"enabled": True, "type": "webhook", "conversation_service_sid": self.conversations_sid,
                        "webhook_url": "https://bots.northwind.example/conversations", "webhook_method": "POST",
                        "webhook_filters": ["onConversationUpdated"]}
            if fault is None:
                self.healthy_addresses += 1
            else:
                self._note("number_with_flex_flow_and_address" if fault == "double_handling" else f"address_{fault}")
            if index is not None and fault != "double_handling":
                self.migrated.add(index)
                if fault != "number_webhook_still_set":
                    numbers[index]["sms_url"] = ""
                    numbers[index]["sms_application_sid"] = None
            out.append({
                "sid": self.sid("IG", a),
                "type": "whatsapp" if whatsapp else "sms",
                "address": f"whatsapp:{address_number}" if whatsapp else address_number,
                "friendly_name": f"{_TEAMS[a % len(_TEAMS)]} on Conversations #{a}",
                "auto_creation": auto,
                "date_created": f"{_RECENT_DAYS[a % len(_RECENT_DAYS)]}T09:00:00Z",
                "date_updated": f"{_RECENT_DAYS[a % len(_RECENT_DAYS)]}T09:00:00Z",
            })
        return out

    # --- Flex Conversations, Serverless, traffic -----------------------------------

    def _conversation_services(self) -> list[dict]:
        """The Flex conversation service with its conversations as repeat blocks, and a
        small notifications service; 5,000 or 500,000 conversations cost the same."""
        n = self.n_conversations
        n_stale = n // 12 if n >= 12 else 0
        n_inactive, n_closed = n // 5, n * 2
        blocks = []
        for count, state, updated in (
                (n_closed, "closed", "2026-06-30"), (n_inactive, "inactive", "2026-10-30"),
                *((n_stale // 3 + (1 if k < n_stale % 3 else 0), "active", day)
                  for k, day in enumerate(_STALE_UPDATED)),
                *(((n - n_stale) // 3 + (1 if k < (n - n_stale) % 3 else 0), "active", day)
                  for k, day in enumerate(_FRESH_UPDATED))):
            if not count:
                continue
            template = {"state": state, "friendly_name": None,
                        "attributes": {"from": "Customer", "channel": "sms"},
                        "messaging_service_sid": self.flex_messaging_sid,
                        "date_created": f"{updated}T08:00:00Z", "date_updated": f"{updated}T08:30:00Z",
                        "timers": {} if state != "active" else
                        {"date_inactive": f"{updated}T09:30:00Z", "date_closed": f"{updated}T08:30:00Z"}}
            blocks.append({"repeat": count, "template": template})
        # Old-then-new, as the list returns them (by creation).
        blocks.sort(key=lambda b: b["template"]["date_created"])
        self.conversation_counts = {
            "conversations_active": n, "conversations_active_stale": n_stale,
            "conversations_inactive": n_inactive, "conversations_closed": n_closed,
            "conversations_oldest_stale_update": f"{_STALE_UPDATED[0]}T08:30:00Z" if n_stale else None,
        }
        return [
            {"sid": self.conversations_sid, "friendly_name": "Flex Conversation Service",
             "date_created": "2022-05-02T10:00:00Z", "conversations": blocks},
            {"sid": self.sid("IS", "notifications"), "friendly_name": "Order notifications",
             "conversations": [{"repeat": 25, "template": {"state": "closed",
                                                          "date_created": "2026-01-05T10:00:00Z",
                                                          "date_updated": "2026-01-05T10:05:00Z"}}]},
        ]

    def _serverless_services(self) -> list[dict]:
        """Functions services; the first is the one the Studio flows call (business hours).
        Deployed builds hold a few functions that still call legacy APIs, and a previous,
        undeployed build holds one more that a scan must not report."""
        n_services, n_functions = self.n_serverless_services, self.n_functions
        self.serverless_counts = {"serverless_services": n_services, "serverless_functions": n_functions,
                                  "serverless_legacy_functions": 0, "serverless_legacy_undeployed": 0}
        if not n_services:
            return []
        n_legacy = min(n_functions, max(3, n_functions // 12))
        legacy_at = set(self.rng.sample(range(1, n_functions), min(n_legacy, n_functions - 1))) \
            if n_functions > 1 else set()
        services = []
        per_service = [n_functions // n_services + (1 if k < n_functions % n_services else 0)
                       for k in range(n_services)]
        serial = 0
        legacy_serial = 0
        for k, count in enumerate(per_service):
            functions = []
            for _ in range(count):
                if serial == 0:
                    functions.append({"path": "/business-hours", "function_sid": self.sid("ZH", "hours"),
                                      "visibility": "public", "content": helper_source(0)[1]})
                elif serial in legacy_at:
                    _, name, source = legacy_source(legacy_serial)
                    legacy_serial += 1
                    functions.append({"path": f"/{name}", "content": source})
                else:
                    name, source = helper_source(serial)
                    functions.append({"path": f"/{name}", "content": source})
                serial += 1
            previous = [dict(f, content=f["content"].replace("callback(null", "return callback(null"))
                        for f in functions[: max(1, len(functions) // 2)]]
            if k == 1:
                _, name, source = legacy_source(len(LEGACY_PATTERNS) - 1)
                previous.append({"path": "/retired-" + name, "content": source})
                self.serverless_counts["serverless_legacy_undeployed"] += 1
            unique = f"northwind-{'flex' if k == 0 else _TEAMS[k % len(_TEAMS)].lower().replace(' ', '-')}-{k}"
            environments = [{"unique_name": "production", "build": "current",
                             **({"sid": self.sid("ZE", "functions")} if k == 0 else {})},
                            {"unique_name": "staging", "build": "current"}]
            if k % 2 == 1:
                environments.append({"unique_name": "dev", "build": "previous"})
            else:
                environments.append({"unique_name": "dev", "build": None})
            if k == 1:  # the previous build, with its retired legacy function, is deployed nowhere
                environments[-1]["build"] = None
            service = {"unique_name": unique, "friendly_name": f"Northwind functions {k}",
                       "builds": {"current": {"functions": functions},
                                  "previous": {"functions": previous,
                                               "date_created": "2025-06-02T10:00:00Z"}},
                       "environments": environments}
            if k == 0:
                service["sid"] = self.sid("ZS", "functions")
            services.append(service)
        self.serverless_counts["serverless_legacy_functions"] = legacy_serial
        return services

    def _messages(self, flows: list[dict], addresses: list[dict]) -> list[dict]:
        """Inbound traffic per enabled sms/whatsapp address, as compact blocks: most have
        recent messages, some only old ones, some none at all."""
        rng = self.rng
        out, seen = [], set()
        counts = {"recent": 0, "old": 0, "none": 0}
        targets = [f["contact_identity"] for f in flows
                   if f.get("enabled") and f["channel_type"] in ("sms", "whatsapp") and f.get("contact_identity")]
        targets += [a["address"] for a in addresses]
        total = 0
        for to in targets:
            if to in seen:
                continue
            seen.add(to)
            roll = rng.random()
            if roll < 0.15:
                counts["none"] += 1
                continue
            recent = roll < 0.8
            day = rng.choice(_RECENT_TRAFFIC if recent else _OLD_TRAFFIC)
            count = rng.randint(3, 120)
            total += count
            counts["recent" if recent else "old"] += 1
            out.append({"to": to, "count": count,
                        "newest": f"{day}T{rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}:11Z",
                        "interval_minutes": rng.choice((45, 90, 240, 720))})
        self.traffic_counts = {"messages": total, "message_addresses_recent": counts["recent"],
                               "message_addresses_old": counts["old"], "message_addresses_none": counts["none"]}
        return out

    # --- chat and flex configuration -------------------------------------------

    def _chat_services(self) -> list[dict]:
        n = self.n_channels
        # Mostly INACTIVE (closed conversations the janitor left behind), a few ACTIVE.
        shares = [
            ("private", "ACTIVE", "sms", 0.015, _RECENT_DAYS[-1]),
            ("private", "ACTIVE", "whatsapp", 0.005, _RECENT_DAYS[-1]),
            ("private", "ACTIVE", "web", 0.008, _RECENT_DAYS[-2]),
            ("public", "ACTIVE", "custom", 0.001, _OLD_DAYS[0]),
            ("private", "INACTIVE", "whatsapp", 0.09, _OLD_DAYS[3]),
            ("private", "INACTIVE", "web", 0.20, _OLD_DAYS[2]),
        ]
        blocks = []
        used = 0
        self.channel_counts: dict[tuple[str, str, str], int] = {}
        for ctype, status, kind, share, day in shares:
            count = min(n - used, math.floor(n * share))
            used += count
            self.channel_counts[(ctype, status, kind)] = count
            blocks.append((ctype, status, kind, count, day))
        # The rest: inactive SMS channels.
        blocks.append(("private", "INACTIVE", "sms", n - used, _OLD_DAYS[1]))
        self.channel_counts[("private", "INACTIVE", "sms")] = n - used
        # Old-then-new, as the list returns them (by creation).
        blocks.sort(key=lambda b: b[4])
        channels = [self._channel_block(*b) for b in blocks if b[3]]
        return [
            {"sid": self.flex_chat_sid, "friendly_name": "Flex Chat Service", "channels": channels},
            {"sid": self.old_chat_sid, "friendly_name": "Old Webchat Service (2019)",
             "channels": [self._channel_block("private", "INACTIVE", "web", 3, "2019-10-01")]},
        ]

    def _channel_block(self, ctype: str, status: str, kind: str, count: int, day: str) -> dict:
        attributes = {"from": "+15005550006" if kind != "web" else "Web visitor", "channel_type": kind,
                      "status": status, "long_lived": False, "proxySession": "KC"}
        if kind in ("sms", "whatsapp"):
            attributes.update(twilioNumber="+14152000000", serviceNumber="+14152000000")
        if kind == "web":
            attributes.update(pre_engagement_data={"friendlyName": "Customer", "question": "Order status"})
        return {"repeat": count, "template": {
            "type": ctype, "attributes": attributes, "created_by": "system",
            "members_count": 2 if status == "ACTIVE" else 1, "messages_count": self.rng.randint(3, 40),
            "date_created": f"{day}T12:00:00Z", "date_updated": f"{day}T12:30:00Z"}}

    def _flex_configuration(self) -> dict:
        return {
            "chat_service_instance_sid": self.flex_chat_sid,
            "flex_service_instance_sid": self.flex_service_sid,
            "messaging_service_instance_sid": self.flex_messaging_sid,
            "flex_instance_sid": self.sid("GO", "flex instance"),
            "ui_version": "1.34.6", "service_version": "1.0", "status": "ok",
            "taskrouter_workspace_sid": self.workspace_sid,
            "taskrouter_target_workflow_sid": self.workflows[0]["sid"],
            "taskrouter_target_taskqueue_sid": self.sid("WQ", "everyone"),
            "runtime_domain": "northwind-flex-0000.twil.io",
        }


# --- command line -------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flexaudit.emulator.synthetic",
        description="Write a synthetic large legacy Flex account as an emulator scenario (fake data).")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="Sizes: " + "; ".join(
        f"{k}: " + ", ".join(f"{n} {f}" for f, n in v.items()) for k, v in PRESETS.items()))
    parser.add_argument("--numbers", type=int)
    parser.add_argument("--flex-flows", type=int)
    parser.add_argument("--studio-flows", type=int)
    parser.add_argument("--chat-channels", type=int)
    parser.add_argument("--proxy-sessions", type=int, help="default: chat channels / 10")
    parser.add_argument("--misconfigured", type=float, default=0.02, help="share misconfigured (default 0.02)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="scenario file to write (default: stdout)")
    args = parser.parse_args(argv)

    sizes = dict(PRESETS[args.preset]) if args.preset else {}
    for key in ("numbers", "flex_flows", "studio_flows", "chat_channels"):
        value = getattr(args, key)
        if value is not None:
            sizes[key] = value
    missing = [k for k in ("numbers", "flex_flows", "studio_flows", "chat_channels") if k not in sizes]
    if missing:
        parser.error("give --preset or every size: missing " + ", ".join("--" + m.replace("_", "-") for m in missing))
    try:
        scenario = generate_account(**sizes, seed=args.seed, proxy_sessions=args.proxy_sessions,
                                    misconfigured=args.misconfigured,
                                    name=f"synthetic {args.preset or 'custom'} legacy Flex account (seed {args.seed})")
    except ValueError as exc:
        parser.error(str(exc))
    text = json.dumps(scenario, separators=(",", ":"), sort_keys=True)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        counts = scenario["_synthetic"]["counts"]
        print(f"wrote {args.out} ({len(text) / 1e6:.1f} MB): " + ", ".join(
            f"{k}={v}" for k, v in counts.items() if not k.startswith("misconfig_")), file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
