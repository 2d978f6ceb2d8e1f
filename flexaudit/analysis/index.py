"""The prepared context every rule reads: the Inventory plus indexes.

Built once per evaluation (and once per `plan_addresses`), in linear time, so
that every rule is a short function over dictionary lookups. Every accessor
tolerates odd data: None anywhere, unknown enums, integration objects that are
not objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from flexaudit.model.inventory import (
    AddressConfiguration,
    ChatService,
    FlexFlow,
    Inventory,
    MessagingService,
    PhoneNumber,
    ProxyService,
    StudioFlow,
    TaskRouterWorkspace,
)
from flexaudit.analysis.phone import normalize_number
from flexaudit.analysis.studio_graph import StudioDefinition, parse_definition

FLEX_PROXY_UNIQUE_NAME = "Flex Proxy Service"
NUMBER_CHANNELS = ("sms", "whatsapp")

_PROXY_WEBHOOK = re.compile(
    r"^https://webhooks\.twilio\.com/v1/accounts/(ac[0-9a-f]{32})/proxy/(ks[0-9a-f]{32})/webhooks/message$"
)
_STUDIO_WEBHOOK = re.compile(r"^https://webhooks\.twilio\.com/v1/accounts/(ac[0-9a-f]{32})/flows/(fw[0-9a-f]{32})$")


# ---------------------------------------------------------------- accessors


def text(value: object) -> str:
    """A string field as a stripped string; "" for None and non-strings."""
    return value.strip() if isinstance(value, str) else ""


def channel(flow: FlexFlow) -> str:
    return text(flow.channel_type).lower()


def integration_type(flow: FlexFlow) -> str:
    return text(flow.integration_type).lower()


def integ(flow: FlexFlow, key: str) -> object:
    """One key of the flow's `integration` object (None when absent or not an object)."""
    data = flow.integration
    return data.get(key) if isinstance(data, dict) else None


def integ_text(flow: FlexFlow, key: str) -> str:
    return text(integ(flow, key))


def is_enabled(flow: FlexFlow) -> bool:
    """Only an explicit `true`: a flow whose `enabled` is unknown gets no routing rules."""
    return flow.enabled is True


def is_disabled(flow: FlexFlow) -> bool:
    return flow.enabled is False


def flow_name(flow: FlexFlow) -> str:
    return text(flow.friendly_name) or str(flow.sid)


def number_name(number: PhoneNumber) -> str:
    return text(number.phone_number) or text(number.friendly_name) or str(number.sid)


def auto_creation(address: AddressConfiguration) -> dict:
    """The address's `auto_creation` object ({} when absent or not an object)."""
    return address.auto_creation if isinstance(address.auto_creation, dict) else {}


def auto_text(address: AddressConfiguration, key: str) -> str:
    return text(auto_creation(address).get(key))


def address_type(address: AddressConfiguration) -> str:
    return text(address.type).lower()


def address_studio_flow(address: AddressConfiguration) -> str:
    """The address's Studio flow (rules.md Terms): auto_creation.studio_flow_sid of a `studio` address."""
    return auto_text(address, "studio_flow_sid") if auto_text(address, "type").lower() == "studio" else ""


def address_name(address: AddressConfiguration) -> str:
    return text(address.friendly_name) or text(address.address) or str(address.sid)


def address_label(address: AddressConfiguration) -> str:
    """`IG… (sms +1…)` for messages."""
    kind = " ".join(p for p in (address_type(address), text(address.address)) if p)
    return f"{address.sid} ({kind})" if kind else str(address.sid)


def display_name(resource) -> str:
    """A Studio flow, chat service … by its friendly name, else its SID."""
    return text(getattr(resource, "friendly_name", None)) or str(resource.sid)


def canon_url(url: object) -> str:
    """For comparing webhook URLs: case-insensitive, trailing slash ignored."""
    return text(url).rstrip("/").lower()


def proxy_webhook(account_sid: str, service_sid: str) -> str:
    return f"https://webhooks.twilio.com/v1/Accounts/{account_sid}/Proxy/{service_sid}/Webhooks/Message"


def safe_url(url: object) -> str:
    """A URL fit for a report: no user-info (possible credentials), no query string."""
    raw = text(url)
    try:
        parts = urlsplit(raw)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return "an unparsable URL"
    if not parts.scheme or not host:
        return repr(raw[:80])
    if port:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}{parts.path}"


def sids(items) -> str:
    """Comma-separated SIDs for messages."""
    return ", ".join(str(getattr(i, "sid", i)) for i in items) or "none"


# ---------------------------------------------------------------- Flex Proxy Service


@dataclass
class ProxyResolution:
    """The Flex Proxy Service, or why it could not be identified (rules.md Terms)."""

    service: ProxyService | None
    how: str = ""  # "chat_instance_sid" | "unique_name" | ""
    candidates: list[ProxyService] = field(default_factory=list)
    reason: str = ""

    @property
    def resolved(self) -> bool:
        return self.service is not None

    @property
    def services(self) -> list[ProxyService]:
        """The service, or else the candidates a number or webhook may legitimately use."""
        return [self.service] if self.service is not None else list(self.candidates)

    @property
    def note(self) -> str:
        """Message suffix when unresolved: says so and names the candidates."""
        if self.resolved:
            return ""
        return f" (note: {self.reason})"


def resolve_flex_proxy(services: list[ProxyService], flex_chat_sid: str) -> ProxyResolution:
    by_chat = [s for s in services if flex_chat_sid and text(s.chat_instance_sid) == flex_chat_sid]
    if len(by_chat) == 1:
        return ProxyResolution(by_chat[0], "chat_instance_sid")
    by_name = [s for s in services if text(s.unique_name).lower() == FLEX_PROXY_UNIQUE_NAME.lower()]
    if len(by_name) == 1:
        return ProxyResolution(by_name[0], "unique_name")
    if by_chat or by_name:
        candidates = sorted({id(s): s for s in by_chat + by_name}.values(), key=lambda s: str(s.sid))
        reason = (
            "the Flex Proxy Service could not be identified: several Proxy services match "
            f"(chat_instance_sid {flex_chat_sid or 'unknown'} or unique_name \"{FLEX_PROXY_UNIQUE_NAME}\"); "
            f"candidates {sids(candidates)}"
        )
        return ProxyResolution(None, "", candidates, reason)
    candidates = sorted(services, key=lambda s: str(s.sid))
    if not candidates:
        reason = "no Flex Proxy Service found: the account has no Proxy service"
    else:
        reason = (
            "the Flex Proxy Service could not be identified: no Proxy service has chat_instance_sid "
            f"{flex_chat_sid or '(Flex chat service unknown)'} or unique_name \"{FLEX_PROXY_UNIQUE_NAME}\"; "
            f"candidates {sids(candidates)}"
        )
    return ProxyResolution(None, "", candidates, reason)


# ---------------------------------------------------------------- the context


@dataclass
class MappedNumber:
    """An IncomingPhoneNumber and the enabled sms/whatsapp Flex Flows that map it."""

    number: PhoneNumber
    flows: list[FlexFlow]

    @property
    def sid(self) -> str:
        return str(self.number.sid)

    @property
    def name(self) -> str:
        return number_name(self.number)

    def flows_of(self, chan: str) -> list[FlexFlow]:
        return [f for f in self.flows if channel(f) == chan]

    def describe_flows(self, flows: list[FlexFlow] | None = None) -> str:
        chosen = self.flows if flows is None else flows
        return ", ".join(f"{f.sid} ({channel(f) or '?'})" for f in chosen)


def _add(index: dict, key, item) -> None:
    if key:
        index.setdefault(key, []).append(item)


class Context:
    """Inventory + indexes + as-of date. Read-only for rules."""

    def __init__(self, inventory: Inventory, as_of: date | None = None):
        inv = inventory
        self.inventory = inv
        self.as_of = as_of
        # family -> rules skipped because it is incomplete (set by the engine; FLX901 reads it)
        self.skipped_by_family: dict[str, list[str]] = {}
        self.account_sid = text(inv.account_sid) or str(inv.account_sid)
        config = inv.flex_configuration
        self.flex_chat_sid = text(config.chat_service_instance_sid) if config else ""
        self.flex_workspace_sid = text(config.taskrouter_workspace_sid) if config else ""

        self.numbers: list[PhoneNumber] = sorted(inv.phone_numbers or [], key=lambda n: str(n.sid))
        self.numbers_by_sid = {str(n.sid): n for n in self.numbers}
        self.numbers_by_norm: dict[str, list[PhoneNumber]] = {}
        for n in self.numbers:
            _add(self.numbers_by_norm, normalize_number(n.phone_number), n)

        self.flows: list[FlexFlow] = sorted(inv.flex_flows or [], key=lambda f: str(f.sid))
        self.enabled_flows = [f for f in self.flows if is_enabled(f)]
        # (channel type, normalized identity) -> flows, enabled or not
        self.flows_by_identity: dict[tuple[str, str], list[FlexFlow]] = {}
        for f in self.flows:
            norm = normalize_number(f.contact_identity)
            if norm:
                self.flows_by_identity.setdefault((channel(f), norm), []).append(f)
        self.mapped = self._mapped_numbers()

        self.studio_by_sid: dict[str, StudioFlow] = {str(s.sid): s for s in inv.studio_flows or []}
        self._definitions: dict[str, StudioDefinition] = {}
        # Studio flow sid -> the enabled `studio` Flex Flows using it (existing flows only)
        self.studio_users: dict[str, list[FlexFlow]] = {}
        for f in self.enabled_flows:
            fw = integ_text(f, "flow_sid")
            if integration_type(f) == "studio" and fw in self.studio_by_sid:
                self.studio_users.setdefault(fw, []).append(f)

        self.proxy_services: list[ProxyService] = sorted(inv.proxy_services or [], key=lambda s: str(s.sid))
        self.proxy = resolve_flex_proxy(self.proxy_services, self.flex_chat_sid)
        self.proxy_by_pn_sid: dict[str, list[ProxyService]] = {}
        self.proxy_by_norm: dict[str, list[ProxyService]] = {}
        for s in self.proxy_services:
            for p in s.phone_numbers or []:
                _add(self.proxy_by_pn_sid, text(p.sid), s)
                _add(self.proxy_by_norm, normalize_number(p.phone_number), s)
        self.flex_webhooks = {canon_url(proxy_webhook(self.account_sid, str(s.sid))): s for s in self.proxy.services}

        self.messaging_services: list[MessagingService] = sorted(inv.messaging_services or [], key=lambda s: str(s.sid))
        self.messaging_by_pn_sid: dict[str, list[MessagingService]] = {}
        self.messaging_by_norm: dict[str, list[MessagingService]] = {}
        for m in self.messaging_services:
            for p in m.phone_numbers or []:
                _add(self.messaging_by_pn_sid, text(p.sid), m)
                _add(self.messaging_by_norm, normalize_number(p.phone_number), m)

        self.chat_by_sid: dict[str, ChatService] = {str(c.sid): c for c in inv.chat_services or []}
        self.workspaces_by_sid: dict[str, TaskRouterWorkspace] = {str(w.sid): w for w in inv.taskrouter_workspaces or []}
        self.flex_workspace = self.workspaces_by_sid.get(self.flex_workspace_sid)

        self.addresses: list[AddressConfiguration] = sorted(inv.address_configurations or [], key=lambda a: str(a.sid))
        self.addresses_by_identity: dict[tuple[str, str], list[AddressConfiguration]] = {}
        # Studio flow sid -> the Conversations addresses whose Studio flow it is (existing flows only)
        self.address_studio_users: dict[str, list[AddressConfiguration]] = {}
        for a in self.addresses:
            norm = normalize_number(a.address)
            if norm:
                self.addresses_by_identity.setdefault((text(a.type).lower(), norm), []).append(a)
            fw = address_studio_flow(a)
            if fw in self.studio_by_sid:
                self.address_studio_users.setdefault(fw, []).append(a)
        conv = inv.conversations_configuration
        self.flex_conversation_sid = text(conv.default_chat_service_sid) if conv else ""
        self.conversation_services_by_sid = {str(s.sid): s for s in inv.conversation_services or []}

    # ------------------------------------------------------------ builders

    def _mapped_numbers(self) -> dict[str, MappedNumber]:
        mapped: dict[str, MappedNumber] = {}
        for f in self.enabled_flows:
            if channel(f) not in NUMBER_CHANNELS:
                continue
            for n in self.numbers_by_norm.get(normalize_number(f.contact_identity) or "", []):
                entry = mapped.setdefault(str(n.sid), MappedNumber(n, []))
                entry.flows.append(f)
        return dict(sorted(mapped.items()))

    # ------------------------------------------------------------ lookups

    def numbers_for(self, identity: object) -> list[PhoneNumber]:
        return self.numbers_by_norm.get(normalize_number(identity) or "", [])

    def number_for_flow(self, flow: FlexFlow) -> PhoneNumber | None:
        """The IncomingPhoneNumber a sms/whatsapp flow's identity names (enabled or not)."""
        if channel(flow) not in NUMBER_CHANNELS:
            return None
        found = self.numbers_for(flow.contact_identity)
        return found[0] if found else None

    def flows_sharing(self, flow: FlexFlow) -> list[FlexFlow]:
        """Other flows (any channel among sms/whatsapp, enabled or not) on the same number."""
        norm = normalize_number(flow.contact_identity)
        if not norm or channel(flow) not in NUMBER_CHANNELS:
            return []
        out = []
        for chan in NUMBER_CHANNELS:
            out.extend(f for f in self.flows_by_identity.get((chan, norm), []) if f is not flow)
        return sorted(out, key=lambda f: str(f.sid))

    def proxy_pools_of(self, number: PhoneNumber) -> list[ProxyService]:
        found = self.proxy_by_pn_sid.get(str(number.sid), []) + self.proxy_by_norm.get(
            normalize_number(number.phone_number) or "", []
        )
        return _unique(found)

    def messaging_services_of(self, number: PhoneNumber | None, identity: object = None) -> list[MessagingService]:
        found: list[MessagingService] = []
        if number is not None:
            found += self.messaging_by_pn_sid.get(str(number.sid), [])
            found += self.messaging_by_norm.get(normalize_number(number.phone_number) or "", [])
        if identity is not None:
            found += self.messaging_by_norm.get(normalize_number(identity) or "", [])
        return _unique(found)

    def studio_definition(self, studio: StudioFlow) -> StudioDefinition:
        key = str(studio.sid)
        parsed = self._definitions.get(key)
        if parsed is None:
            parsed = self._definitions[key] = parse_definition(studio.definition)
        return parsed

    def is_flex_proxy_webhook(self, url: object) -> bool:
        """The Flex Proxy webhook (or, when unresolved, a candidate's)."""
        return bool(url) and canon_url(url) in self.flex_webhooks

    def describe_handler(self, url: object) -> str:
        """What an inbound `sms_url` points at, in words (never echoing credentials)."""
        canon = canon_url(url)
        if not canon:
            return "nowhere (its inbound webhook is blank)"
        if canon in self.flex_webhooks:
            return "the Flex Proxy webhook"
        m = _PROXY_WEBHOOK.match(canon)
        if m:
            ac, ks = "AC" + m.group(1)[2:], "KS" + m.group(2)[2:]
            if m.group(1) != self.account_sid.lower():
                return f"the Proxy webhook of another account ({ac})"
            return f"the webhook of another Proxy service ({ks})"
        m = _STUDIO_WEBHOOK.match(canon)
        if m:
            fw = "FW" + m.group(2)[2:]
            studio = self.studio_by_sid.get(fw)
            label = f"{fw} ({text(studio.friendly_name)})" if studio and text(studio.friendly_name) else fw
            return f"Studio flow {label} directly, bypassing Proxy and the Flex Flow"
        if _hostname(url).endswith(".twil.io"):
            return f"a Twilio Function or Asset ({safe_url(url)})"
        return f"another application ({safe_url(url)})"

    def workflow_in(self, workspace: TaskRouterWorkspace | None, workflow_sid: str) -> bool:
        return workspace is not None and any(text(w.sid) == workflow_sid for w in workspace.workflows or [])

    def task_channel_in(self, workspace: TaskRouterWorkspace | None, value: str) -> bool:
        if workspace is None:
            return False
        low = value.lower()
        return any(text(c.sid) == value or text(c.unique_name).lower() == low for c in workspace.task_channels or [])


def _hostname(url: object) -> str:
    try:
        return urlsplit(text(url)).hostname or ""
    except ValueError:
        return ""


def _unique(items: list) -> list:
    seen: dict[int, object] = {}
    for item in items:
        seen.setdefault(id(item), item)
    return sorted(seen.values(), key=lambda s: str(s.sid))
