"""Hand-built inventories for rule and readiness tests, in a few lines.

    b = InventoryBuilder()                  # a healthy Flex account, every family complete
    pn, fo, fw = b.sms_address("+15550100001")   # a healthy legacy sms address
    pn.sms_url = None                       # break one thing
    ev = b.evaluate()                       # rules as of DEFAULT_AS_OF
    assert only(ev, "FLX101").resource_sid == pn.sid

A healthy account with healthy addresses yields FLX301 (one per Flex Flow)
and nothing else.
"""

from __future__ import annotations

import copy
import itertools
from datetime import date

from flexaudit.model.findings import Finding
from flexaudit.model.inventory import (
    FAMILIES,
    Account,
    AddressConfiguration,
    ChatService,
    CodeFile,
    CodeLocation,
    CodeTree,
    ConversationService,
    ConversationSummary,
    ConversationsConfiguration,
    FamilyCoverage,
    FlexUiDependency,
    FunctionVersion,
    ServerlessEnvironment,
    ServerlessFunction,
    ServerlessService,
    FlexConfiguration,
    FlexFlow,
    Inventory,
    MessagingService,
    PhoneNumber,
    PoolNumber,
    ProxyService,
    StudioFlow,
    TaskChannel,
    TaskRouterWorkspace,
    Workflow,
)
from tests.support.sids import ACCOUNT, sid


FLEX_CHAT = sid("IS", 1)
CONV_SERVICE = sid("IS", 2)
FLEX_PROXY = sid("KS", 1)
WORKSPACE = sid("WS", 1)
WORKFLOW = sid("WW", 1)
TASK_CHANNEL = sid("TC", 1)
DEFAULT_AS_OF = date(2025, 1, 1)  # more than 180 days before the Programmable Chat EOL
_UNSET = object()


def proxy_webhook(ks: str = FLEX_PROXY, ac: str = ACCOUNT) -> str:
    return f"https://webhooks.twilio.com/v1/Accounts/{ac}/Proxy/{ks}/Webhooks/Message"


def trigger(**events: str | None) -> dict:
    """A trigger widget; each keyword is an event, its value the next widget (None: unconnected)."""
    transitions = [{"event": e, **({"next": n} if n else {})} for e, n in events.items()]
    return {"name": "Trigger", "type": "trigger", "transitions": transitions, "properties": {"offset": {"x": 0, "y": 0}}}


def send_to_flex(name: str = "SendToFlex", workflow: str = WORKFLOW, channel: str = TASK_CHANNEL) -> dict:
    return {
        "name": name,
        "type": "send-to-flex",
        "transitions": [{"event": "callComplete"}, {"event": "failedToEnqueue"}, {"event": "callFailure"}],
        "properties": {"workflow": workflow, "channel": channel, "attributes": "{}"},
    }


def widget(name: str, wtype: str = "set-variables", **transitions: str) -> dict:
    return {"name": name, "type": wtype, "transitions": [{"event": e, "next": n} for e, n in transitions.items()], "properties": {}}


def studio_definition(
    incoming_message: str | None = "SendToFlex",
    incoming_conversation: str | None = "SendToFlex",
    workflow: str = WORKFLOW,
    channel: str = TASK_CHANNEL,
) -> dict:
    """A definition whose trigger sends both legacy and Conversations messages to one Send to Flex."""
    return {
        "description": "test flow",
        "states": [
            trigger(
                incomingMessage=incoming_message,
                incomingCall=None,
                incomingRequest=None,
                incomingConversationMessage=incoming_conversation,
            ),
            send_to_flex("SendToFlex", workflow, channel),
        ],
        "initial_state": "Trigger",
        "flags": {"allow_concurrent_calls": True},
    }


class InventoryBuilder:
    def __init__(self, ui_version: str = "2.10.0"):
        self._seq = itertools.count(0x100)
        self.inv = Inventory(
            account_sid=ACCOUNT,
            scanned_at="2025-01-01T00:00:00Z",
            tool_version="test",
            account=Account(sid=ACCOUNT, friendly_name="Acme Support", status="active"),
            flex_configuration=FlexConfiguration(
                account_sid=ACCOUNT,
                chat_service_instance_sid=FLEX_CHAT,
                ui_version=ui_version,
                status="ok",
                taskrouter_workspace_sid=WORKSPACE,
                taskrouter_target_workflow_sid=WORKFLOW,
            ),
            chat_services=[ChatService(sid=FLEX_CHAT, friendly_name="Flex Chat Service")],
            proxy_services=[ProxyService(sid=FLEX_PROXY, unique_name="Flex Proxy Service", chat_instance_sid=FLEX_CHAT)],
            conversations_configuration=ConversationsConfiguration(default_chat_service_sid=CONV_SERVICE),
            conversation_services=[ConversationService(sid=CONV_SERVICE, friendly_name="Flex Conversation Service")],
            taskrouter_workspaces=[
                TaskRouterWorkspace(
                    sid=WORKSPACE,
                    friendly_name="Flex Task Assignment",
                    workflows=[Workflow(sid=WORKFLOW, friendly_name="Assign to Anyone")],
                    task_channels=[TaskChannel(sid=TASK_CHANNEL, unique_name="chat", friendly_name="Programmable Chat")],
                )
            ],
            coverage={f: FamilyCoverage(complete=True) for f in FAMILIES},
        )

    def next_sid(self, prefix: str) -> str:
        return sid(prefix, next(self._seq))

    @property
    def flex_proxy(self) -> ProxyService:
        return self.inv.proxy_services[0]

    # ------------------------------------------------------------ resources

    def number(
        self,
        phone: str,
        *,
        sms_url=_UNSET,
        in_pool: bool = True,
        capabilities=_UNSET,
        sms_application_sid: str | None = None,
        sid: str | None = None,
    ) -> PhoneNumber:
        pn = PhoneNumber(
            sid=sid or self.next_sid("PN"),
            phone_number=phone,
            friendly_name=phone,
            capabilities={"voice": True, "sms": True, "mms": True, "fax": False} if capabilities is _UNSET else capabilities,
            sms_url=proxy_webhook() if sms_url is _UNSET else sms_url,
            sms_method="POST",
            sms_application_sid=sms_application_sid,
        )
        self.inv.phone_numbers.append(pn)
        if in_pool:
            self.flex_proxy.phone_numbers.append(PoolNumber(sid=pn.sid, phone_number=phone))
        return pn

    def studio(self, definition=_UNSET, *, status: str = "published", valid=True, errors=None, name: str = "Messaging Flow", sid=None) -> StudioFlow:
        fw = StudioFlow(
            sid=sid or self.next_sid("FW"),
            friendly_name=name,
            status=status,
            revision=3,
            valid=valid,
            errors=[] if errors is None else errors,
            warnings=[],
            definition=studio_definition() if definition is _UNSET else copy.deepcopy(definition),
        )
        self.inv.studio_flows.append(fw)
        return fw

    def flow(
        self,
        identity: str | None,
        *,
        channel: str | None = "sms",
        integration_type: str | None = "studio",
        integration=_UNSET,
        enabled=True,
        janitor_enabled=True,
        long_lived=False,
        chat_service_sid: str | None = FLEX_CHAT,
        name: str | None = None,
        sid: str | None = None,
    ) -> FlexFlow:
        fo = FlexFlow(
            sid=sid or self.next_sid("FO"),
            friendly_name=name or f"{channel} {identity}",
            chat_service_sid=chat_service_sid,
            channel_type=channel,
            contact_identity=identity,
            enabled=enabled,
            integration_type=integration_type,
            integration={} if integration is _UNSET else integration,
            long_lived=long_lived,
            janitor_enabled=janitor_enabled,
            date_created="2024-01-01T00:00:00Z",
        )
        self.inv.flex_flows.append(fo)
        return fo

    def sms_address(self, phone: str = "+15550100001", definition=_UNSET, **flow_kwargs):
        """A healthy legacy sms address: wired number in the Flex Proxy pool, enabled studio flow, good Studio flow."""
        pn = self.number(phone)
        fw = self.studio(definition)
        fo = self.flow(phone, integration={"flow_sid": fw.sid, "retry_count": 3}, **flow_kwargs)
        return pn, fo, fw

    def whatsapp_address(self, phone: str = "+15550100002", **flow_kwargs):
        pn = self.number(phone, in_pool=False)
        fw = self.studio()
        fo = self.flow(f"whatsapp:{phone}", channel="whatsapp", integration={"flow_sid": fw.sid}, **flow_kwargs)
        return pn, fo, fw

    def task_flow(self, identity: str, **kwargs) -> FlexFlow:
        integration = {"workspace_sid": WORKSPACE, "workflow_sid": WORKFLOW, "channel": "sms"}
        return self.flow(identity, integration_type="task", integration=kwargs.pop("integration", integration), **kwargs)

    def external_flow(self, identity: str, url: str | None = "https://example.com/flex", **kwargs) -> FlexFlow:
        return self.flow(identity, integration_type="external", integration={"url": url}, **kwargs)

    def messaging_service(self, *numbers: PhoneNumber, defer: bool | None = False, inbound_url: str | None = "https://example.com/inbound") -> MessagingService:
        mg = MessagingService(
            sid=self.next_sid("MG"),
            friendly_name="A2P campaign",
            inbound_request_url=inbound_url,
            use_inbound_webhook_on_number=defer,
            phone_numbers=[PoolNumber(sid=n.sid, phone_number=n.phone_number) for n in numbers],
        )
        self.inv.messaging_services.append(mg)
        return mg

    def address(self, atype: str, address: str, auto_creation=_UNSET) -> AddressConfiguration:
        ig = AddressConfiguration(
            sid=self.next_sid("IG"),
            type=atype,
            address=address,
            friendly_name=f"{atype} {address}",
            auto_creation={"enabled": True, "type": "default"} if auto_creation is _UNSET else auto_creation,
        )
        self.inv.address_configurations.append(ig)
        return ig

    def studio_address(self, phone: str = "+15550100021", definition=_UNSET, atype: str = "sms"):
        """A healthy migrated address: its number unwired and out of every pool, a studio address on
        the Flex conversation service whose Studio flow reaches Send to Flex from Incoming Conversation."""
        pn = self.number(phone, sms_url=None, in_pool=False)
        fw = self.studio(definition, name="Conversations Flow")
        ig = self.address(atype, phone if atype == "sms" else f"whatsapp:{phone}",
                          {"enabled": True, "type": "studio", "conversation_service_sid": CONV_SERVICE,
                           "studio_flow_sid": fw.sid, "studio_retry_count": 3})
        return pn, ig, fw

    def webhook_address(self, phone: str = "+15550100022", url: str | None = "https://bots.example.com/in",
                        filters=("onMessageAdded",)):
        pn = self.number(phone, sms_url=None, in_pool=False)
        auto = {"enabled": True, "type": "webhook", "conversation_service_sid": CONV_SERVICE,
                "webhook_url": url, "webhook_method": "POST", "webhook_filters": list(filters)}
        return pn, self.address("sms", phone, auto)

    def active_conversations(self, by_day: dict[str, int], service: str = CONV_SERVICE) -> ConversationSummary:
        summary = ConversationSummary(service_sid=service, active=sum(by_day.values()), active_by_update_day=dict(by_day))
        self.inv.active_conversations = summary
        return summary

    def function(self, path: str, *deployed: tuple[list[str], list[tuple[int, str]]],
                 service: str = "flex-helpers") -> ServerlessFunction:
        """A Twilio Function; each `deployed` is (environments, legacy API locations) of one version."""
        found = next((s for s in self.inv.serverless_services if s.unique_name == service), None)
        if found is None:
            found = ServerlessService(sid=self.next_sid("ZS"), unique_name=service, friendly_name=service,
                                      environments=[ServerlessEnvironment(self.next_sid("ZE"), "production",
                                                                          self.next_sid("ZB"))])
            self.inv.serverless_services.append(found)
        function = ServerlessFunction(sid=self.next_sid("ZH"), path=path, versions=[
            FunctionVersion(self.next_sid("ZN"), list(envs), [CodeLocation(line, pattern) for line, pattern in locs])
            for envs, locs in deployed])
        found.functions.append(function)
        return function

    def code_file(self, path: str, locations=(), flex_ui=(), label: str = "plugin") -> CodeFile:
        """A file under a --code root; `flex_ui` are (section, range, line) of @twilio/flex-ui."""
        tree = next((t for t in self.inv.code_trees if t.label == label), None)
        if tree is None:
            tree = CodeTree(label=label)
            self.inv.code_trees.append(tree)
        found = CodeFile(path, [CodeLocation(line, pattern) for line, pattern in locations],
                         [FlexUiDependency(section, rng, line) for section, rng, line in flex_ui])
        tree.files.append(found)
        tree.files_scanned += 1
        return found

    def proxy(self, unique_name: str | None = None, chat_instance_sid: str | None = None) -> ProxyService:
        ks = ProxyService(sid=self.next_sid("KS"), unique_name=unique_name, chat_instance_sid=chat_instance_sid)
        self.inv.proxy_services.append(ks)
        return ks

    def fail(self, family: str, error: str = "HTTP 403 Forbidden (20003)") -> None:
        self.inv.coverage[family] = FamilyCoverage(complete=False, error=error)

    # ------------------------------------------------------------ running

    def build(self) -> Inventory:
        return self.inv

    def evaluate(self, as_of: date = DEFAULT_AS_OF):
        from flexaudit.rules import evaluate

        return evaluate(self.inv, as_of)

    def plans(self, as_of: date = DEFAULT_AS_OF):
        from flexaudit.readiness import plan_addresses

        return {p.flex_flow_sid: p for p in plan_addresses(self.inv, self.evaluate(as_of).findings)}


# ---------------------------------------------------------------- assertions


def hits(ev, rule_id: str) -> list[Finding]:
    return [f for f in ev.findings if f.rule_id == rule_id]


def only(ev, rule_id: str) -> Finding:
    found = hits(ev, rule_id)
    assert len(found) == 1, f"expected exactly one {rule_id}, got {[(f.resource_sid, f.message) for f in found]}"
    return found[0]


def rule_ids(ev) -> set[str]:
    return {f.rule_id for f in ev.findings}


def assert_fires(ev, rule_id: str, resource_type: str, resource_sid: str, severity: str | None = None) -> Finding:
    matches = [f for f in hits(ev, rule_id) if f.resource_sid == resource_sid]
    assert matches, f"{rule_id} did not fire on {resource_sid}; fired on {[f.resource_sid for f in hits(ev, rule_id)]}"
    finding = matches[0]
    assert finding.resource_type == resource_type, finding
    if severity is not None:
        assert finding.severity.label == severity, (finding.severity, finding.message)
    return finding


def assert_silent(ev, rule_id: str, resource_sid: str | None = None) -> None:
    found = [f for f in hits(ev, rule_id) if resource_sid is None or f.resource_sid == resource_sid]
    assert not found, f"{rule_id} fired unexpectedly: {[f.message for f in found]}"
