"""The writes `flexaudit plan` scripts send, served only in write mode (allow_writes).

Form parameters carry Twilio's names (application/x-www-form-urlencoded, as
the SDK and urllib send them); answers have Twilio's shapes and error bodies.
Each write replaces the list or record it changes under the account's
write_lock, so a concurrent reader sees the list before or after, never half.

Conflicts the emulator enforces, and the answers it chose (Twilio documents
the rule but not always the code; see SCENARIOS.md):
- a second enabled Flex Flow with the same channel type and contact identity:
  400, error 45210 (the code Twilio's docs give for flows that collide);
- a Flex Flow create/update missing what its integration type needs: 400, error 45004;
- a number already in this Proxy pool, in another Proxy Service, or in a
  Messaging Service ("a number that is already associated with a Messaging
  Service cannot be added to a Proxy Service"): 409, error 20409;
- a number already in a Messaging Service (this one or another: a number
  belongs to one at most): 409, error 20409;
- a second Conversations address with the same type and address: 409, error 20409.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from email.utils import format_datetime

from flexaudit.emulator import resources
from flexaudit.emulator.collection import Collection, Written
from flexaudit.emulator.errors import TwilioError, not_found
from flexaudit.emulator.routes.base import ACCOUNT, SERVICE, SID, Call, Reply, bad_request, check_account, table
from flexaudit.emulator.routes.reads import address_configuration, pool_member
from flexaudit.emulator.scenario import Scenario

_CHANNEL_TYPES = ("web", "sms", "facebook", "whatsapp", "line", "custom")
_INTEGRATION_TYPES = ("studio", "external", "task")
_ADDRESS_TYPES = ("sms", "whatsapp", "messenger", "gbm", "email", "rcs", "apple", "chat")
_AUTO_CREATION_TYPES = ("webhook", "studio", "default")

# Flex Flow form parameter -> key inside the `integration` object.
_INTEGRATION_PARAMS = {
    "Integration.FlowSid": "flow_sid", "Integration.Url": "url", "Integration.WorkspaceSid": "workspace_sid",
    "Integration.WorkflowSid": "workflow_sid", "Integration.Channel": "channel",
    "Integration.Timeout": "timeout", "Integration.Priority": "priority",
    "Integration.CreationOnMessage": "creation_on_message", "Integration.RetryCount": "retry_count",
}
_INTEGRATION_INTS = {"timeout", "priority", "retry_count"}
# What each integration type holds, with the defaults Twilio documents, and what it requires.
_INTEGRATION_DEFAULTS = {
    "studio": {"flow_sid": None, "retry_count": 3},
    "external": {"url": None, "retry_count": 3},
    "task": {"workspace_sid": None, "workflow_sid": None, "channel": "default", "timeout": 86400, "priority": 0},
}
_INTEGRATION_REQUIRED = {"studio": ("flow_sid",), "external": ("url",), "task": ("workspace_sid", "workflow_sid")}

# IncomingPhoneNumber update: form parameter -> field, for the fields the emulator keeps.
# Other parameters of the spec (voice receive mode, emergency, trunk, bundle, …) are accepted and ignored.
_NUMBER_FIELDS = {
    "FriendlyName": "friendly_name", "SmsUrl": "sms_url", "SmsMethod": "sms_method",
    "SmsFallbackUrl": "sms_fallback_url", "SmsFallbackMethod": "sms_fallback_method",
    "SmsApplicationSid": "sms_application_sid", "VoiceUrl": "voice_url", "VoiceMethod": "voice_method",
    "VoiceFallbackUrl": "voice_fallback_url", "VoiceFallbackMethod": "voice_fallback_method",
    "VoiceApplicationSid": "voice_application_sid", "StatusCallback": "status_callback",
    "StatusCallbackMethod": "status_callback_method",
}


class Form:
    """A write's form body, read the way Twilio reads it."""

    def __init__(self, pairs):
        self._pairs = list(pairs)

    def has(self, name: str) -> bool:
        return any(k == name for k, _ in self._pairs)

    def get(self, name: str, default=None):
        found = [v for k, v in self._pairs if k == name]
        return found[-1] if found else default

    def all(self, name: str) -> list[str]:
        return [v for k, v in self._pairs if k == name]

    def required(self, name: str) -> str:
        value = self.get(name)
        if value is None or value == "":
            raise bad_request(f"Missing required parameter {name} in the post body")
        return value

    def boolean(self, name: str) -> bool:
        value = self.get(name, "").strip().lower()
        if value not in ("true", "false"):
            raise bad_request(f"{name} must be true or false, got {self.get(name)!r}")
        return value == "true"

    def integer(self, name: str) -> int:
        try:
            return int(self.get(name))
        except (TypeError, ValueError):
            raise bad_request(f"{name} must be an integer, got {self.get(name)!r}") from None

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self.get(name, "").lower()
        if value not in choices:
            raise bad_request(f"{name} must be one of {', '.join(choices)}, got {self.get(name)!r}")
        return value

    def sid(self, name: str, prefix: str, allow_empty: bool = False) -> str | None:
        value = self.get(name)
        if allow_empty and value == "":
            return None
        if not isinstance(value, str) or not re.fullmatch(prefix + r"[0-9a-fA-F]{32}", value):
            raise bad_request(f"{name} must be '{prefix}' followed by 32 hex digits, got {value!r}")
        return value


def _new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _replace(items: list[dict], sid: str, new: dict | None) -> list[dict]:
    """items with the one of that sid replaced by new (or dropped when new is None)."""
    return [new if r["sid"] == sid else r for r in items if r["sid"] != sid or new is not None]


def _set_list(scenario: Scenario, kind: str, items: list[dict]) -> None:
    scenario.lists[kind] = Collection([Written(items)])
    scenario.by_sid[kind] = {r["sid"]: r for r in items}


def _conflict(message: str) -> TwilioError:
    return TwilioError(409, message)


# --- Flex Flows ----------------------------------------------------------------------------

def _flex_flow_fields(form: Form, flow: dict) -> dict:
    """flow with the form's fields applied (create starts from Twilio's defaults)."""
    flow = dict(flow)
    if form.has("FriendlyName"):
        flow["friendly_name"] = form.get("FriendlyName")
    if form.has("ChatServiceSid"):
        flow["chat_service_sid"] = form.sid("ChatServiceSid", "IS")
    if form.has("ChannelType"):
        flow["channel_type"] = form.choice("ChannelType", _CHANNEL_TYPES)
    if form.has("ContactIdentity"):
        flow["contact_identity"] = form.get("ContactIdentity")
    for param, key in (("Enabled", "enabled"), ("LongLived", "long_lived"), ("JanitorEnabled", "janitor_enabled")):
        if form.has(param):
            flow[key] = form.boolean(param)
    touched = form.has("IntegrationType") or any(form.has(p) for p in _INTEGRATION_PARAMS)
    if flow.get("integration_type") and not touched:
        return flow  # an update that leaves the integration alone does not judge it
    kind = form.choice("IntegrationType", _INTEGRATION_TYPES) if form.has("IntegrationType") else \
        flow.get("integration_type") or "studio"
    integration = flow.get("integration") if kind == flow.get("integration_type") else None
    integration = dict(integration or _INTEGRATION_DEFAULTS[kind])
    for param, key in _INTEGRATION_PARAMS.items():
        if not form.has(param):
            continue
        if key in _INTEGRATION_INTS:
            integration[key] = form.integer(param)
        elif key == "creation_on_message":
            integration[key] = form.boolean(param)
        else:
            integration[key] = form.get(param)
    missing = [key for key in _INTEGRATION_REQUIRED[kind] if not integration.get(key)]
    if missing:
        names = {v: k for k, v in _INTEGRATION_PARAMS.items()}
        raise TwilioError(400, f"{', '.join(names[m] for m in missing)} is required when IntegrationType is {kind}",
                          code=45004)
    flow["integration_type"] = kind
    flow["integration"] = integration
    return flow


def _check_flex_flow_collision(scenario: Scenario, flow: dict) -> None:
    if not flow["enabled"] or not flow.get("contact_identity"):
        return
    for other in scenario.lists["flex_flows"].all():
        if other["sid"] != flow["sid"] and other.get("enabled") and \
                other.get("channel_type") == flow["channel_type"] and \
                other.get("contact_identity") == flow["contact_identity"]:
            raise TwilioError(400, f"Flex Flow attributes collide with existing Flex Flow {other['sid']}: "
                                   f"an enabled {flow['channel_type']} flow for {flow['contact_identity']}",
                              code=45210)


def _create_flex_flow(scenario: Scenario, call: Call) -> Reply:
    form = Form(call.form)
    for name in ("FriendlyName", "ChatServiceSid", "ChannelType"):
        form.required(name)
    sid = _new_sid("FO")
    now = _iso(_now())
    base = resources.flex_flow({"sid": sid, "date_created": now, "date_updated": now, "enabled": False,
                                "integration_type": None}, scenario.account_sid)
    flow = _flex_flow_fields(form, base)
    with scenario.write_lock:
        _check_flex_flow_collision(scenario, flow)
        _set_list(scenario, "flex_flows", scenario.lists["flex_flows"].all() + [flow])
    return Reply(201, flow)


def _update_flex_flow(scenario: Scenario, call: Call) -> dict:
    form = Form(call.form)
    with scenario.write_lock:
        current = scenario.by_sid["flex_flows"].get(call.params["sid"])
        if current is None:
            raise not_found(call.path)
        flow = _flex_flow_fields(form, current)
        flow["date_updated"] = _iso(_now())
        _check_flex_flow_collision(scenario, flow)
        _set_list(scenario, "flex_flows", _replace(scenario.lists["flex_flows"].all(), flow["sid"], flow))
    return flow


def _delete_flex_flow(scenario: Scenario, call: Call) -> Reply:
    with scenario.write_lock:
        if call.params["sid"] not in scenario.by_sid["flex_flows"]:
            raise not_found(call.path)
        _set_list(scenario, "flex_flows", _replace(scenario.lists["flex_flows"].all(), call.params["sid"], None))
    return Reply(204, None)


# --- IncomingPhoneNumbers --------------------------------------------------------------------

def _update_incoming_phone_number(scenario: Scenario, call: Call) -> dict:
    check_account(scenario, call)
    form = Form(call.form)
    changes = {}
    for param, key in _NUMBER_FIELDS.items():
        if not form.has(param):
            continue
        if key.endswith("_method"):
            value = form.get(param).upper()
            if value not in ("GET", "POST"):
                raise bad_request(f"{param} must be GET or POST, got {form.get(param)!r}")
        elif key.endswith("_application_sid"):
            value = form.sid(param, "AP", allow_empty=True)  # empty clears it, as on Twilio
        else:
            value = form.get(param)
        changes[key] = value
    with scenario.write_lock:
        current = scenario.by_sid["incoming_phone_numbers"].get(call.params["sid"])
        if current is None:
            raise not_found(call.path)
        number = {**current, **changes, "date_updated": format_datetime(_now())}
        _set_list(scenario, "incoming_phone_numbers",
                  _replace(scenario.lists["incoming_phone_numbers"].all(), number["sid"], number))
    return number


# --- Proxy and Messaging Service pools ----------------------------------------------------------

def _account_number(scenario: Scenario, sid: str | None, phone_number: str | None) -> dict:
    for number in scenario.lists["incoming_phone_numbers"].all():
        if (sid and number["sid"] == sid) or (not sid and phone_number and number["phone_number"] == phone_number):
            return number
    raise bad_request(f"{sid or phone_number} is not a phone number of this account")


def _pools_holding(scenario: Scenario, kind: str, number_sid: str) -> list[str]:
    return [service for service in scenario.by_sid[kind]
            if any(n["sid"] == number_sid for n in scenario.child_list(kind, "phone_numbers", service).all())]


def _set_pool(scenario: Scenario, kind: str, service: str, items: list[dict]) -> None:
    scenario.children[(f"{kind}.phone_numbers", service)] = Collection([Written(items)])


def _service_or_404(scenario: Scenario, kind: str, call: Call) -> str:
    service = call.params["service"]
    if service not in scenario.by_sid[kind]:
        raise not_found(call.path)
    return service


def _add_to_proxy_pool(scenario: Scenario, call: Call) -> Reply:
    form = Form(call.form)
    if not form.get("Sid") and not form.get("PhoneNumber"):
        raise bad_request("Missing required parameter Sid or PhoneNumber in the post body")
    with scenario.write_lock:
        service = _service_or_404(scenario, "proxy_services", call)
        number = _account_number(scenario, form.get("Sid"), form.get("PhoneNumber"))
        for holder in _pools_holding(scenario, "proxy_services", number["sid"]):
            where = "this Proxy Service" if holder == service else f"Proxy Service {holder}"
            raise _conflict(f"Phone number {number['phone_number']} is already in {where}")
        for holder in _pools_holding(scenario, "messaging_services", number["sid"]):
            raise _conflict(f"Phone number {number['phone_number']} is in Messaging Service {holder}: "
                            "a number in a Messaging Service cannot be added to a Proxy Service")
        now = _iso(_now())
        member = resources.proxy_phone_number({
            "sid": number["sid"], "phone_number": number["phone_number"],
            "friendly_name": number.get("friendly_name"), "date_created": now, "date_updated": now,
            "is_reserved": form.boolean("IsReserved") if form.has("IsReserved") else False,
        }, scenario.account_sid, service)
        _set_pool(scenario, "proxy_services", service,
                  scenario.child_list("proxy_services", "phone_numbers", service).all() + [member])
    return Reply(201, member)


def _add_to_messaging_service(scenario: Scenario, call: Call) -> Reply:
    form = Form(call.form)
    wanted = form.sid("PhoneNumberSid", "PN") if form.get("PhoneNumberSid") else form.required("PhoneNumberSid")
    with scenario.write_lock:
        service = _service_or_404(scenario, "messaging_services", call)
        number = _account_number(scenario, wanted, None)
        for holder in _pools_holding(scenario, "messaging_services", number["sid"]):
            where = "this Messaging Service" if holder == service else f"Messaging Service {holder}"
            raise _conflict(f"Phone number {number['phone_number']} is already in {where}")
        now = _iso(_now())
        member = resources.messaging_phone_number({
            "sid": number["sid"], "phone_number": number["phone_number"], "date_created": now, "date_updated": now,
        }, scenario.account_sid, service)
        _set_pool(scenario, "messaging_services", service,
                  scenario.child_list("messaging_services", "phone_numbers", service).all() + [member])
    return Reply(201, member)


def _remove_from_pool(kind: str):
    def handler(scenario: Scenario, call: Call) -> Reply:
        with scenario.write_lock:
            service = _service_or_404(scenario, kind, call)
            member = pool_member(scenario, kind, call)
            if member is None:
                raise not_found(call.path)
            kept = [n for n in scenario.child_list(kind, "phone_numbers", service).all() if n["sid"] != member["sid"]]
            _set_pool(scenario, kind, service, kept)
        return Reply(204, None)
    return handler


# --- Conversations address configurations ------------------------------------------------------

_AUTO_PARAMS = ("AutoCreation.Enabled", "AutoCreation.Type", "AutoCreation.ConversationServiceSid",
                "AutoCreation.WebhookUrl", "AutoCreation.WebhookMethod", "AutoCreation.WebhookFilters",
                "AutoCreation.StudioFlowSid", "AutoCreation.StudioRetryCount")
# The keys each auto-creation type shows, as in the spec's examples.
_AUTO_KEYS = {
    "webhook": {"webhook_url": None, "webhook_method": None, "webhook_filters": []},
    "studio": {"studio_flow_sid": None, "studio_retry_count": None},
    "default": {},
}


def _auto_creation(form: Form, current: dict | None) -> dict | None:
    if not any(form.has(p) for p in _AUTO_PARAMS):
        return current
    current = dict(current or {})
    kind = form.choice("AutoCreation.Type", _AUTO_CREATION_TYPES) if form.has("AutoCreation.Type") else \
        current.get("type") or "default"
    found = {"enabled": current.get("enabled", False), "type": kind,
             "conversation_service_sid": current.get("conversation_service_sid")}
    for key, default in _AUTO_KEYS[kind].items():
        found[key] = current.get(key, default) if current.get("type") == kind else default
    if form.has("AutoCreation.Enabled"):
        found["enabled"] = form.boolean("AutoCreation.Enabled")
    if form.has("AutoCreation.ConversationServiceSid"):
        found["conversation_service_sid"] = form.sid("AutoCreation.ConversationServiceSid", "IS", allow_empty=True)
    if kind == "webhook":
        if form.has("AutoCreation.WebhookUrl"):
            found["webhook_url"] = form.get("AutoCreation.WebhookUrl")
        if form.has("AutoCreation.WebhookMethod"):
            found["webhook_method"] = form.choice("AutoCreation.WebhookMethod", ("get", "post")).upper()
        if form.has("AutoCreation.WebhookFilters"):
            found["webhook_filters"] = form.all("AutoCreation.WebhookFilters")
    elif kind == "studio":
        if form.has("AutoCreation.StudioFlowSid"):
            found["studio_flow_sid"] = form.sid("AutoCreation.StudioFlowSid", "FW", allow_empty=True)
        if form.has("AutoCreation.StudioRetryCount"):
            found["studio_retry_count"] = form.integer("AutoCreation.StudioRetryCount")
    return found


def _create_address(scenario: Scenario, call: Call) -> Reply:
    form = Form(call.form)
    form.required("Type")
    kind = form.choice("Type", _ADDRESS_TYPES)
    address = form.required("Address")
    now = _iso(_now())
    stated = {"sid": _new_sid("IG"), "type": kind, "address": address,
              "friendly_name": form.get("FriendlyName"), "address_country": form.get("AddressCountry"),
              "auto_creation": _auto_creation(form, None) or {"enabled": False},
              "date_created": now, "date_updated": now}
    created = resources.address_configuration(stated, scenario.account_sid)
    with scenario.write_lock:
        for other in scenario.lists["address_configurations"].all():
            if other.get("type") == kind and other.get("address") == address:
                raise _conflict(f"An address configuration for {kind} {address} already exists: {other['sid']}")
        _set_list(scenario, "address_configurations", scenario.lists["address_configurations"].all() + [created])
    return Reply(201, created)


def _update_address(scenario: Scenario, call: Call) -> dict:
    form = Form(call.form)
    with scenario.write_lock:
        current = address_configuration(scenario, call.params["sid"])
        if current is None:
            raise not_found(call.path)
        updated = dict(current)
        if form.has("FriendlyName"):
            updated["friendly_name"] = form.get("FriendlyName")
        updated["auto_creation"] = _auto_creation(form, current.get("auto_creation"))
        updated["date_updated"] = _iso(_now())
        _set_list(scenario, "address_configurations",
                  _replace(scenario.lists["address_configurations"].all(), updated["sid"], updated))
    return updated


def _delete_address(scenario: Scenario, call: Call) -> Reply:
    with scenario.write_lock:
        current = address_configuration(scenario, call.params["sid"])
        if current is None:
            raise not_found(call.path)
        _set_list(scenario, "address_configurations",
                  _replace(scenario.lists["address_configurations"].all(), current["sid"], None))
    return Reply(204, None)


_NUMBER = rf"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{SID}\.json"

POSTS = table([
    ("flex-api", r"/v1/FlexFlows", "flex_flows", _create_flex_flow, "write"),
    ("flex-api", rf"/v1/FlexFlows/{SID}", "flex_flows", _update_flex_flow, "write"),
    ("api", _NUMBER, "phone_numbers", _update_incoming_phone_number, "write"),
    ("proxy", rf"/v1/Services/{SERVICE}/PhoneNumbers", "proxy", _add_to_proxy_pool, "write"),
    ("messaging", rf"/v1/Services/{SERVICE}/PhoneNumbers", "messaging", _add_to_messaging_service, "write"),
    ("conversations", r"/v1/Configuration/Addresses", "conversations", _create_address, "write"),
    ("conversations", rf"/v1/Configuration/Addresses/{SID}", "conversations", _update_address, "write"),
], method="POST")

DELETES = table([
    ("flex-api", rf"/v1/FlexFlows/{SID}", "flex_flows", _delete_flex_flow, "write"),
    ("proxy", rf"/v1/Services/{SERVICE}/PhoneNumbers/{SID}", "proxy", _remove_from_pool("proxy_services"), "write"),
    ("messaging", rf"/v1/Services/{SERVICE}/PhoneNumbers/{SID}", "messaging",
     _remove_from_pool("messaging_services"), "write"),
    ("conversations", rf"/v1/Configuration/Addresses/{SID}", "conversations", _delete_address, "write"),
], method="DELETE")
