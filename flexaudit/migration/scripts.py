"""`flexaudit plan`: which numbers move, and exactly what each number's scripts change. Pure.

The unit of change is a phone number: its wiring (the Proxy pool, Messaging
Services, `sms_url`) serves every Flex Flow mapped to it, so every enabled
sms and whatsapp flow of a number moves in one script, one Conversations
address per flow (contract, "flexaudit plan SNAPSHOT").

Everything a script sends is decided here, as data: the requests with
Twilio's form parameter names, and for each a title and the equivalent
twilio-cli command. The templates only lay them out. Account values reach a
script only as Python literals; titles and twilio-cli comments are built from
SIDs and E.164 numbers that passed a strict pattern, and name anything else
(a friendly name, a URL) by where it sits in the script instead. A number
whose values do not pass is not scripted: PLAN.md says why.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Sequence

from flexaudit.analysis.index import Context, channel, integ, integ_text, integration_type, is_enabled, text
from flexaudit.analysis.phone import normalize_number
from flexaudit.model.findings import AddressPlan
from flexaudit.model.inventory import FlexFlow, Inventory, PhoneNumber
from flexaudit.readiness import WAVES, flex_conversation_service

_SID = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")
_E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
# An https URL a Conversations address can post to: no spaces, quotes or controls.
_HTTPS_URL = re.compile(r"^https://[^\s\"'\\<>`\x00-\x1f\x7f]{1,2000}$")

# The resource families a script's preflight compares with the live state.
NEEDED_FAMILIES = ("phone_numbers", "flex_flows", "proxy", "messaging", "conversations")
MAX_ADDRESS_NAME = 256  # Twilio's limit for an address configuration's friendly_name

# What the snapshot records of a Flex Flow, and the form parameter that sets each field again.
_FLOW_FIELDS = (
    ("friendly_name", "FriendlyName"), ("chat_service_sid", "ChatServiceSid"), ("channel_type", "ChannelType"),
    ("contact_identity", "ContactIdentity"), ("enabled", "Enabled"), ("integration_type", "IntegrationType"),
    ("long_lived", "LongLived"), ("janitor_enabled", "JanitorEnabled"),
)
_INTEGRATION_PARAMS = (
    ("flow_sid", "Integration.FlowSid"), ("url", "Integration.Url"), ("workspace_sid", "Integration.WorkspaceSid"),
    ("workflow_sid", "Integration.WorkflowSid"), ("channel", "Integration.Channel"),
    ("timeout", "Integration.Timeout"), ("priority", "Integration.Priority"),
    ("creation_on_message", "Integration.CreationOnMessage"), ("retry_count", "Integration.RetryCount"),
)
# twilio-cli's boolean flags: --enabled / --no-enabled
_CLI_BOOLEANS = {"Enabled": "enabled", "LongLived": "long-lived", "JanitorEnabled": "janitor-enabled",
                 "Integration.CreationOnMessage": "integration.creation-on-message"}


class PlanError(Exception):
    """A selection that cannot be planned (exit 2, nothing written)."""


def valid_sid(value: object, prefix: str) -> bool:
    return isinstance(value, str) and value.startswith(prefix) and bool(_SID.match(value))


# ---------------------------------------------------------------- what a script sends


@dataclass(frozen=True)
class Request:
    """One write, as Twilio's REST API takes it."""

    method: str  # POST | DELETE
    sub: str  # api, flex-api, proxy, messaging, conversations
    path: str
    params: tuple[tuple[str, str], ...] = ()  # the form body, in order

    @property
    def url(self) -> str:
        return f"https://{self.sub}.twilio.com{self.path}"


@dataclass(frozen=True)
class Step:
    title: str  # flexaudit's words and checked SIDs/numbers only: it also goes into a comment
    request: Request
    cli: str  # the twilio-cli equivalent (checked tokens, shell-quoted; other values as <placeholders>)


def _cli(command: str, *args: tuple[str, object]) -> str:
    """`twilio <command> --flag value …`; a value is a checked token (quoted) or a <placeholder>."""
    parts = ["twilio", command]
    for flag, value in args:
        if isinstance(value, bool):
            parts.append(f"--{flag}" if value else f"--no-{flag}")
        elif isinstance(value, _Placeholder):
            parts += [f"--{flag}", value.text]
        else:
            parts += [f"--{flag}", shlex.quote(str(value))]
    return " ".join(parts)


@dataclass(frozen=True)
class _Placeholder:
    """Where an account value goes in a twilio-cli line, named instead of spelt out."""

    text: str


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class NumberPlan:
    """One phone number: what moves, and the requests that move it and put it back."""

    account_sid: str
    number_sid: str
    phone_number: str
    wave: int
    # What the snapshot recorded, as the scripts' literals: the number's inbound fields,
    # every field of each flow that moves, the pools that hold the number.
    number: dict
    flows: tuple[dict, ...]
    readiness: tuple[tuple[str, str], ...]  # (FO sid, readiness)
    proxy_services: tuple[str, ...]
    messaging_services: tuple[str, ...]
    # What migrate creates: one Conversations address per flow, as Twilio will show it.
    addresses: tuple[dict, ...]
    migrate_steps: tuple[Step, ...]
    # What rollback sends when the live state differs from the snapshot.
    restore_flow_steps: tuple[Step, ...]
    restore_proxy_steps: tuple[Step, ...]
    restore_messaging_steps: tuple[Step, ...]
    restore_number_step: Step
    notes: tuple[str, ...] = ()

    @property
    def migrate_file(self) -> str:
        return f"migrate-{self.number_sid}.py"

    @property
    def rollback_file(self) -> str:
        return f"rollback-{self.number_sid}.py"

    @property
    def flow_sids(self) -> tuple[str, ...]:
        return tuple(f["sid"] for f in self.flows)


@dataclass(frozen=True)
class Unplanned:
    """A number with enabled sms/whatsapp flows that got no scripts, and why."""

    number_sid: str
    phone_number: str
    flow_sids: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Plan:
    account_sid: str
    account_friendly_name: str
    scanned_at: str
    tool_version: str
    numbers: tuple[NumberPlan, ...]  # wave order, then number
    unplanned: tuple[Unplanned, ...] = field(default=())
    selected: bool = False  # chosen with --address (else: every ready number)


def plan_numbers(inventory: Inventory, plans: Sequence[AddressPlan], tool_version: str,
                 addresses: tuple[str, ...] = ()) -> Plan:
    """The numbers to script, given each flow's readiness (`plans`). `addresses`: FO sids whose
    numbers to take (--address); none: every number whose enabled sms/whatsapp flows are all
    `ready`. PlanError for an address that cannot be taken."""
    ctx = Context(inventory)
    readiness = {a.flex_flow_sid: a for a in plans}
    service = flex_conversation_service(inventory)
    chosen = _chosen_numbers(ctx, addresses)
    # A script compares the live state with the snapshot: what the scan could not read, it cannot compare.
    unread = [family for family in NEEDED_FAMILIES if not inventory.is_complete(family)]
    numbers, unplanned = [], []
    for pn, mapped in ctx.mapped.items():
        if chosen is not None and pn not in chosen:
            continue
        flows = sorted(mapped.flows, key=lambda f: (channel(f), str(f.sid)))
        states = {str(f.sid): readiness.get(str(f.sid)) for f in flows}
        reason = (f"the scan could not read {', '.join(unread)}: scan again" if unread
                  else _why_not(ctx, mapped.number, flows, states, service, explicit=chosen is not None))
        if reason:
            if chosen is not None:
                raise PlanError(f"cannot plan {_label(mapped.number)} (selected by --address): {reason}")
            unplanned.append(Unplanned(pn, text(mapped.number.phone_number), tuple(str(f.sid) for f in flows), reason))
            continue
        numbers.append(_number_plan(ctx, mapped.number, flows, states, service))
    numbers.sort(key=lambda n: (n.wave, n.phone_number, n.number_sid))
    unplanned.sort(key=lambda u: (u.phone_number, u.number_sid))
    account = inventory.account
    return Plan(
        account_sid=ctx.account_sid,
        account_friendly_name=text(account.friendly_name) if account else "",
        scanned_at=inventory.scanned_at,
        tool_version=tool_version,
        numbers=tuple(numbers),
        unplanned=tuple(unplanned),
        selected=chosen is not None,
    )


def _chosen_numbers(ctx: Context, addresses: tuple[str, ...]) -> set[str] | None:
    if not addresses:
        return None
    flows = {str(f.sid): f for f in ctx.flows}
    chosen = set()
    for fo in addresses:
        flow = flows.get(fo)
        if flow is None:
            raise PlanError(f"--address {fo}: no Flex Flow with that SID in the snapshot")
        if channel(flow) not in ("sms", "whatsapp"):
            raise PlanError(f"--address {fo}: a {channel(flow) or 'typeless'} flow has no phone number to move "
                            "(plan scripts sms and whatsapp flows)")
        if not is_enabled(flow):
            raise PlanError(f"--address {fo}: the flow is disabled: no inbound messages to move")
        number = ctx.number_for_flow(flow)
        if number is None:
            raise PlanError(f"--address {fo}: no phone number of the account matches its contact identity (FLX104)")
        chosen.add(str(number.sid))
    return chosen


def _label(number: PhoneNumber) -> str:
    return f"{text(number.phone_number) or '?'} ({number.sid})"


def _why_not(ctx: Context, number: PhoneNumber, flows: list[FlexFlow], states: dict[str, AddressPlan | None],
             service: str, explicit: bool) -> str | None:
    """Why this number gets no scripts, or None."""
    for fo, plan in states.items():
        state = plan.readiness if plan else "unknown"
        if state == "blocked":
            return f"Flex Flow {fo} is blocked ({', '.join(plan.blockers) or 'see the report'}): fix that first"
        if state != "ready" and not explicit:
            return (f"Flex Flow {fo} {'needs work' if state == 'needs-work' else 'is ' + state}: see its plan "
                    "in the report, or select it with --address")
    if not valid_sid(number.sid, "PN") or not _E164.match(text(number.phone_number)):
        return "its SID or phone number is not in Twilio's form"
    if number.sms_application_sid and not valid_sid(number.sms_application_sid, "AP"):
        return "its sms_application_sid is not in Twilio's form"
    for kind in ("sms", "whatsapp"):
        same = [f for f in flows if channel(f) == kind]
        if len(same) > 1:
            return f"{len(same)} enabled {kind} flows map it ({', '.join(str(f.sid) for f in same)}; FLX105)"
        existing = ctx.addresses_by_identity.get((kind, normalize_number(number.phone_number) or ""), [])
        if existing:
            return f"Conversations address {existing[0].sid} already exists for it (FLX406)"
    for service_sid in _proxy_pools(ctx, number) + _messaging_services(ctx, number):
        if not _SID.match(service_sid):
            return f"a service holding it has a malformed SID ({service_sid[:40]!r})"
    if service and not valid_sid(service, "IS"):
        return "the Flex conversation service's SID is not in Twilio's form"
    for flow in flows:
        reason = _flow_problem(flow)
        if reason:
            return f"Flex Flow {flow.sid if valid_sid(flow.sid, 'FO') else '?'}: {reason}"
    return None


def _flow_problem(flow: FlexFlow) -> str | None:
    if not valid_sid(flow.sid, "FO"):
        return "its SID is not in Twilio's form"
    if not valid_sid(flow.chat_service_sid, "IS"):
        return "no chat service SID recorded: the rollback could not recreate it"
    if not text(flow.friendly_name):
        return "no friendly name recorded: the rollback could not recreate it"
    kind = integration_type(flow)
    if kind == "studio":
        if not valid_sid(integ_text(flow, "flow_sid"), "FW"):
            return "its studio integration names no Studio flow (FLX201)"
    elif kind == "external":
        if not _HTTPS_URL.match(integ_text(flow, "url")):
            return "its external integration has no plain https URL (FLX110)"
    else:
        return f"a {kind or 'typeless'} integration has no Conversations address equivalent (FLX403)"
    return None


def _proxy_pools(ctx: Context, number: PhoneNumber) -> list[str]:
    return [str(s.sid) for s in ctx.proxy_pools_of(number)]


def _messaging_services(ctx: Context, number: PhoneNumber) -> list[str]:
    return [str(s.sid) for s in ctx.messaging_services_of(number)]


# ---------------------------------------------------------------- one number


def _number_plan(ctx: Context, number: PhoneNumber, flows: list[FlexFlow], states: dict, service: str) -> NumberPlan:
    ac, pn, e164 = ctx.account_sid, str(number.sid), text(number.phone_number)
    proxies, services = _proxy_pools(ctx, number), _messaging_services(ctx, number)
    recorded = [_recorded_flow(f) for f in flows]
    addresses = [_address(f, e164, service) for f in flows]

    # rules.md "Address readiness": the order of every address's steps, and of these scripts: delete the
    # Flex Flows; take the number out of its Messaging Services and the Flex Proxy Service; clear its
    # inbound webhook; then create the Conversations addresses, on a number nothing else handles any more.
    migrate: list[Step] = []
    for flow in flows:
        fo = str(flow.sid)
        migrate.append(Step(
            f"Delete the legacy address: Flex Flow {fo} ({channel(flow)})",
            Request("DELETE", "flex-api", f"/v1/FlexFlows/{fo}"),
            _cli("api:flex:v1:flex-flows:remove", ("sid", fo))))
    # Messaging Services before the Proxy pool: whatever prefix of these steps ran, the rollback can
    # put the number back in the Proxy pool first (a number in a Messaging Service cannot join one).
    for mg in services:
        migrate.append(Step(
            f"Remove {pn} from Messaging Service {mg}",
            Request("DELETE", "messaging", f"/v1/Services/{mg}/PhoneNumbers/{pn}"),
            _cli("api:messaging:v1:services:phone-numbers:remove", ("service-sid", mg), ("sid", pn))))
    for ks in proxies:
        migrate.append(Step(
            f"Remove {pn} from Proxy Service {ks}",
            Request("DELETE", "proxy", f"/v1/Services/{ks}/PhoneNumbers/{pn}"),
            _cli("api:proxy:v1:services:phone-numbers:remove", ("service-sid", ks), ("sid", pn))))
    clear = [("SmsUrl", "")] + ([("SmsApplicationSid", "")] if text(number.sms_application_sid) else [])
    if text(number.sms_url) or text(number.sms_application_sid):
        migrate.append(Step(
            f"Clear the inbound webhook of {pn} ({', '.join(name for name, _ in clear)})",
            Request("POST", "api", _number_path(ac, pn), tuple(clear)),
            _cli("api:core:incoming-phone-numbers:update", ("sid", pn),
                 *[(_flag(name), "") for name, _ in clear])))
    for expected, params in addresses:
        migrate.append(Step(
            f"Create the Conversations address {expected['type']} {expected['address']}",
            Request("POST", "conversations", "/v1/Configuration/Addresses", params),
            _address_cli(expected, params)))

    notes = []
    for flow in flows:
        if flow.long_lived is True:
            notes.append(f"Flex Flow {flow.sid} is long-lived (FLX402): Flex Conversations keeps no channel per "
                         "customer across interactions out of the box.")
        if channel(flow) == "whatsapp":
            notes.append(f"WhatsApp sender {e164}: also clear its \"A message comes in\" webhook in Console "
                         "(Messaging > Senders > WhatsApp senders), which no API of these scripts changes.")
    return NumberPlan(
        account_sid=ac,
        number_sid=pn,
        phone_number=e164,
        wave=max(WAVES.get(p.readiness if p else "", 3) for p in states.values()),
        number={"sid": pn, "phone_number": e164, "sms_url": number.sms_url, "sms_method": number.sms_method,
                "sms_application_sid": number.sms_application_sid},
        flows=tuple(recorded),
        readiness=tuple((fo, p.readiness if p else "unknown") for fo, p in states.items()),
        proxy_services=tuple(proxies),
        messaging_services=tuple(services),
        addresses=tuple(expected for expected, _ in addresses),
        migrate_steps=tuple(migrate),
        restore_flow_steps=tuple(_restore_flow(r) for r in recorded),
        restore_proxy_steps=tuple(Step(
            f"Put {pn} back in Proxy Service {ks}",
            Request("POST", "proxy", f"/v1/Services/{ks}/PhoneNumbers", (("Sid", pn),)),
            _cli("api:proxy:v1:services:phone-numbers:create", ("service-sid", ks), ("sid", pn))) for ks in proxies),
        restore_messaging_steps=tuple(Step(
            f"Put {pn} back in Messaging Service {mg}",
            Request("POST", "messaging", f"/v1/Services/{mg}/PhoneNumbers", (("PhoneNumberSid", pn),)),
            _cli("api:messaging:v1:services:phone-numbers:create", ("service-sid", mg), ("phone-number-sid", pn)))
            for mg in services),
        restore_number_step=_restore_number(ac, number),
        notes=tuple(notes),
    )


def _number_path(account_sid: str, pn: str) -> str:
    return f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{pn}.json"


def _flag(param: str) -> str:
    """SmsApplicationSid -> sms-application-sid; Integration.FlowSid -> integration.flow-sid."""
    return ".".join(re.sub(r"(?<!^)(?=[A-Z])", "-", part).lower() for part in param.split("."))


def _recorded_flow(flow: FlexFlow) -> dict:
    """Every field of the flow the snapshot recorded, as rollback sets them again."""
    integration = flow.integration if isinstance(flow.integration, dict) else {}
    return {
        "sid": str(flow.sid),
        **{name: getattr(flow, name) for name, _ in _FLOW_FIELDS},
        "integration": {key: integration[key] for key, _ in _INTEGRATION_PARAMS
                        if _plain(integration.get(key))},
    }


def _plain(value: object) -> bool:
    return isinstance(value, (str, bool, int)) and value != ""


def _form_value(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _restore_flow(recorded: dict) -> Step:
    params, cli = [], []
    for name, param in _FLOW_FIELDS:
        value = recorded[name]
        if not _plain(value):
            continue
        params.append((param, _form_value(value)))
        cli.append(_cli_arg(param, value))
    for key, param in _INTEGRATION_PARAMS:
        if key in recorded["integration"]:
            value = recorded["integration"][key]
            params.append((param, _form_value(value)))
            cli.append(_cli_arg(param, value))
    return Step(
        f"Recreate Flex Flow {recorded['sid']} ({recorded['channel_type']}) with every field the scan recorded",
        Request("POST", "flex-api", "/v1/FlexFlows", tuple(params)),
        _cli("api:flex:v1:flex-flows:create", *cli))


def _cli_arg(param: str, value: object) -> tuple[str, object]:
    if param in _CLI_BOOLEANS and isinstance(value, bool):
        return _CLI_BOOLEANS[param], value
    if isinstance(value, int) or (isinstance(value, str) and (_SID.match(value) or _E164.match(value)
                                                              or value in _ENUMS)):
        return _flag(param), value
    return _flag(param), _Placeholder(f"<the recorded {_flag(param)}>")


# Values of the account that are Twilio's own enums, safe to spell in a command.
_ENUMS = {"sms", "whatsapp", "studio", "external", "task", "default", "webhook", "POST", "GET"}


def _restore_number(account_sid: str, number: PhoneNumber) -> Step:
    pn = str(number.sid)
    params: list[tuple[str, str]] = [("SmsUrl", number.sms_url if text(number.sms_url) else "")]
    cli: list[tuple[str, object]] = [("sid", pn), ("sms-url", _Placeholder("<the recorded sms-url>")
                                                    if text(number.sms_url) else "")]
    if text(number.sms_method):
        params.append(("SmsMethod", number.sms_method))
        cli.append(("sms-method", number.sms_method if number.sms_method in _ENUMS
                    else _Placeholder("<the recorded sms-method>")))
    params.append(("SmsApplicationSid", text(number.sms_application_sid)))
    cli.append(("sms-application-sid", text(number.sms_application_sid)))
    return Step(
        f"Restore the inbound webhook of {pn} (SmsUrl, SmsMethod, SmsApplicationSid)",
        Request("POST", "api", _number_path(account_sid, pn), tuple(params)),
        _cli("api:core:incoming-phone-numbers:update", *cli))


def _address(flow: FlexFlow, e164: str, service: str) -> tuple[dict, tuple[tuple[str, str], ...]]:
    """The Conversations address that replaces `flow`: (as Twilio will show it, the create form)."""
    kind = channel(flow)
    address = e164 if kind == "sms" else f"whatsapp:{e164}"
    name = text(flow.friendly_name)[:MAX_ADDRESS_NAME]
    params = [("Type", kind), ("Address", address), ("FriendlyName", name), ("AutoCreation.Enabled", "true")]
    auto: dict = {"enabled": True}
    if service:
        params.append(("AutoCreation.ConversationServiceSid", service))
        auto["conversation_service_sid"] = service
    if integration_type(flow) == "studio":
        fw = integ_text(flow, "flow_sid")
        params += [("AutoCreation.Type", "studio"), ("AutoCreation.StudioFlowSid", fw)]
        auto.update(type="studio", studio_flow_sid=fw)
        retries = integ(flow, "retry_count")
        if isinstance(retries, int) and not isinstance(retries, bool):
            params.append(("AutoCreation.StudioRetryCount", str(retries)))
            auto["studio_retry_count"] = retries
    else:  # external: the same webhook URL
        url = integ_text(flow, "url")
        params += [("AutoCreation.Type", "webhook"), ("AutoCreation.WebhookUrl", url),
                   ("AutoCreation.WebhookMethod", "POST"), ("AutoCreation.WebhookFilters", "onMessageAdded")]
        auto.update(type="webhook", webhook_url=url, webhook_method="POST", webhook_filters=["onMessageAdded"])
    expected = {"flex_flow_sid": str(flow.sid), "type": kind, "address": address, "friendly_name": name,
                "auto_creation": auto}
    return expected, tuple(params)


def _address_cli(expected: dict, params: tuple[tuple[str, str], ...]) -> str:
    args: list[tuple[str, object]] = []
    for param, value in params:
        if param == "AutoCreation.Enabled":
            args.append(("auto-creation.enabled", True))
        elif param == "FriendlyName":
            args.append(("friendly-name", _Placeholder("<the flow's friendly name>")))
        elif param == "AutoCreation.WebhookUrl":
            args.append(("auto-creation.webhook-url", _Placeholder("<the flow's webhook URL>")))
        else:  # checked SIDs, the E.164 number, Twilio's enums, a retry count
            args.append((_flag(param), value))
    return _cli("api:conversations:v1:configuration:addresses:create", *args)
