"""GET routes of the REST products a Flex audit reads (api, flex-api, studio, proxy,
messaging, chat, conversations, taskrouter); serverless has its own module."""

from __future__ import annotations

import fnmatch

from flexaudit.emulator import paging, resources
from flexaudit.emulator.collection import Collection, Written
from flexaudit.emulator.errors import not_found
from flexaudit.emulator.messages import date_bounds, parse_instant
from flexaudit.emulator.routes.base import (ACCOUNT, MAX, MAX_ADDRESSES, MAX_CHAT, MAX_CONVERSATIONS, SERVICE,
                                            SID, Call, Handler, bad_request, check_account, children,
                                            equal_filter, fetch, table, v1)
from flexaudit.emulator.scenario import ACCOUNT_STATUSES, Scenario

_CONVERSATION_STATES = ("inactive", "active", "closed")


# --- api (2010) -------------------------------------------------------------

def _account(scenario: Scenario, call: Call) -> dict:
    check_account(scenario, call)
    return scenario.account


def _accounts(scenario: Scenario, call: Call) -> dict:
    items = Collection([Written([account.account for account in call.listed])])
    items = equal_filter(items, call, "FriendlyName", "friendly_name")
    status = call.value("Status")
    if status is not None:
        if status not in ACCOUNT_STATUSES:
            raise bad_request(f"Status must be one of {', '.join(ACCOUNT_STATUSES)}")
        items = items.where(lambda r: r["status"] == status)
    return paging.v2010_page(items, call.path, call.query, "accounts", MAX)


def _incoming_phone_numbers(scenario: Scenario, call: Call) -> dict:
    check_account(scenario, call)
    items = equal_filter(scenario.lists["incoming_phone_numbers"], call, "FriendlyName", "friendly_name")
    pattern = call.value("PhoneNumber")
    if pattern:
        # Twilio matches a '*' wildcard anywhere in the number.
        items = items.where(lambda r: fnmatch.fnmatchcase(r.get("phone_number") or "", pattern))
    return paging.v2010_page(items, call.path, call.query, "incoming_phone_numbers", MAX)


def _incoming_phone_number(scenario: Scenario, call: Call) -> dict:
    check_account(scenario, call)
    return fetch(scenario, "incoming_phone_numbers", call)


def _messages(scenario: Scenario, call: Call) -> dict:
    check_account(scenario, call)
    try:
        low, high = date_bounds(call.value("DateSent"), call.value("DateSent<"), call.value("DateSent>"))
    except ValueError:
        raise bad_request("DateSent must be a date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ssZ)") from None
    items = scenario.messages.filtered(to=call.value("To"), sender=call.value("From"), low=low, high=high)
    return paging.v2010_page(items, call.path, call.query, "messages", MAX)


# --- flex-api ---------------------------------------------------------------

def _singleton(key: str) -> Handler:
    def handler(scenario: Scenario, call: Call) -> dict:
        resource = scenario.singletons.get(key)
        if resource is None:
            raise not_found(call.path)
        return resource
    return handler


def _flex_flows(scenario: Scenario, call: Call) -> dict:
    items = equal_filter(scenario.lists["flex_flows"], call, "FriendlyName", "friendly_name")
    return v1(items, call, "flex_flows")


# --- studio -----------------------------------------------------------------

def _studio_flows(scenario: Scenario, call: Call) -> dict:
    page = v1(scenario.lists["studio_flows"], call, "flows")
    page["flows"] = [resources.studio_flow_listed(f) for f in page["flows"]]
    return page


# --- proxy and messaging pools ------------------------------------------------

def pool_member(scenario: Scenario, kind: str, call: Call) -> dict | None:
    """A service's pool entry by PN sid (or, as Twilio also accepts, by the number itself)."""
    wanted = call.params["sid"]
    for number in children(scenario, kind, "phone_numbers", call, "service").all():
        if number["sid"] == wanted or number.get("phone_number") == wanted:
            return number
    return None


def _pool_fetch(kind: str) -> Handler:
    def handler(scenario: Scenario, call: Call) -> dict:
        found = pool_member(scenario, kind, call)
        if found is None:
            raise not_found(call.path)
        return found
    return handler


# --- chat -------------------------------------------------------------------

def _chat_channels(scenario: Scenario, call: Call) -> dict:
    items = children(scenario, "chat_services", "channels", call)
    # Without Type, Twilio lists only public channels (Flex creates private ones).
    types = set(call.values("Type")) or {"public"}
    if types != {"public", "private"}:
        items = items.where(lambda r: r.get("type") in types)
    return v1(items, call, "channels", MAX_CHAT)


# --- conversations ------------------------------------------------------------

def _address_configurations(scenario: Scenario, call: Call) -> dict:
    items = equal_filter(scenario.lists["address_configurations"], call, "Type", "type")
    return v1(items, call, "address_configurations", MAX_ADDRESSES)


def address_configuration(scenario: Scenario, wanted: str) -> dict | None:
    """By IG sid, or by the address itself (Twilio accepts either in the path)."""
    found = scenario.by_sid["address_configurations"].get(wanted)
    if found is None:
        found = next((a for a in scenario.lists["address_configurations"].all() if a.get("address") == wanted), None)
    return found


def _address_configuration(scenario: Scenario, call: Call) -> dict:
    found = address_configuration(scenario, call.params["sid"])
    if found is None:
        raise not_found(call.path)
    return found


def _conversations(scenario: Scenario, call: Call) -> dict:
    items = children(scenario, "conversation_services", "conversations", call)
    state = call.value("State")
    if state is not None:
        if state not in _CONVERSATION_STATES:
            raise bad_request(f"State must be one of {', '.join(_CONVERSATION_STATES)}")
        items = items.where(lambda r: r.get("state") == state)
    low, high = _creation_bounds(call)
    if low or high:
        # Repeat blocks share their template's date_created: still O(1) per block.
        items = items.where(lambda r: _created_within(r, low, high))
    return v1(items, call, "conversations", MAX_CONVERSATIONS)


def _creation_bounds(call: Call):
    try:
        low, _ = date_bounds(None, None, call.value("StartDate")) if call.value("StartDate") else (None, None)
        _, high = date_bounds(None, call.value("EndDate"), None) if call.value("EndDate") else (None, None)
    except ValueError:
        raise bad_request("StartDate and EndDate must be dates (YYYY-MM-DD) or date-times") from None
    return low, high


def _created_within(resource: dict, low, high) -> bool:
    created = parse_instant(resource["date_created"])
    return (low is None or created >= low) and (high is None or created <= high)


# --- taskrouter -------------------------------------------------------------

def _workflows(scenario: Scenario, call: Call) -> dict:
    items = children(scenario, "taskrouter_workspaces", "workflows", call)
    return v1(equal_filter(items, call, "FriendlyName", "friendly_name"), call, "workflows")


def _task_channels(scenario: Scenario, call: Call) -> dict:
    items = children(scenario, "taskrouter_workspaces", "task_channels", call)
    return paging.v1_unpaged(items, call.sub, call.path, call.query, "channels")


# --- table ------------------------------------------------------------------

def _list_of(kind: str, key: str, max_size: int = MAX) -> Handler:
    return lambda scenario, call: v1(scenario.lists[kind], call, key, max_size)


def _children_of(kind: str, child: str, key: str, max_size: int = MAX) -> Handler:
    return lambda scenario, call: v1(children(scenario, kind, child, call), call, key, max_size)


def _fetch_of(kind: str) -> Handler:
    return lambda scenario, call: fetch(scenario, kind, call)


_2010 = rf"/2010-04-01/Accounts/{ACCOUNT}"

ROUTES = table([
    ("api", r"/2010-04-01/Accounts\.json", "account", _accounts, "list"),
    ("api", rf"{_2010}\.json", "account", _account, "fetch"),
    ("api", rf"{_2010}/IncomingPhoneNumbers\.json", "phone_numbers", _incoming_phone_numbers, "list"),
    ("api", rf"{_2010}/IncomingPhoneNumbers/{SID}\.json", "phone_numbers", _incoming_phone_number, "fetch"),
    ("api", rf"{_2010}/Messages\.json", "messages", _messages, "list"),
    ("flex-api", r"/v1/Configuration", "flex_configuration", _singleton("flex_configuration"), "fetch"),
    ("flex-api", r"/v1/FlexFlows", "flex_flows", _flex_flows, "list"),
    ("flex-api", rf"/v1/FlexFlows/{SID}", "flex_flows", _fetch_of("flex_flows"), "fetch"),
    ("studio", r"/v2/Flows", "studio", _studio_flows, "list"),
    ("studio", rf"/v2/Flows/{SID}", "studio", _fetch_of("studio_flows"), "fetch"),
    ("proxy", r"/v1/Services", "proxy", _list_of("proxy_services", "services"), "list"),
    ("proxy", rf"/v1/Services/{SID}", "proxy", _fetch_of("proxy_services"), "fetch"),
    ("proxy", rf"/v1/Services/{SID}/PhoneNumbers", "proxy",
     _children_of("proxy_services", "phone_numbers", "phone_numbers"), "list"),
    ("proxy", rf"/v1/Services/{SERVICE}/PhoneNumbers/{SID}", "proxy", _pool_fetch("proxy_services"), "fetch"),
    ("proxy", rf"/v1/Services/{SID}/Sessions", "proxy",
     _children_of("proxy_services", "sessions", "sessions"), "list"),
    ("messaging", r"/v1/Services", "messaging", _list_of("messaging_services", "services"), "list"),
    ("messaging", rf"/v1/Services/{SID}", "messaging", _fetch_of("messaging_services"), "fetch"),
    ("messaging", rf"/v1/Services/{SID}/PhoneNumbers", "messaging",
     _children_of("messaging_services", "phone_numbers", "phone_numbers"), "list"),
    ("messaging", rf"/v1/Services/{SERVICE}/PhoneNumbers/{SID}", "messaging",
     _pool_fetch("messaging_services"), "fetch"),
    ("chat", r"/v2/Services", "chat", _list_of("chat_services", "services", MAX_CHAT), "list"),
    ("chat", rf"/v2/Services/{SID}", "chat", _fetch_of("chat_services"), "fetch"),
    ("chat", rf"/v2/Services/{SID}/Channels", "chat", _chat_channels, "list"),
    ("conversations", r"/v1/Configuration", "conversations", _singleton("conversations_configuration"), "fetch"),
    ("conversations", r"/v1/Configuration/Addresses", "conversations", _address_configurations, "list"),
    ("conversations", rf"/v1/Configuration/Addresses/{SID}", "conversations", _address_configuration, "fetch"),
    ("conversations", r"/v1/Services", "conversation_services",
     _list_of("conversation_services", "services", MAX_CONVERSATIONS), "list"),
    ("conversations", rf"/v1/Services/{SID}", "conversation_services", _fetch_of("conversation_services"), "fetch"),
    ("conversations", rf"/v1/Services/{SID}/Conversations", "active_conversations", _conversations, "list"),
    ("taskrouter", rf"/v1/Workspaces/{SID}", "taskrouter", _fetch_of("taskrouter_workspaces"), "fetch"),
    ("taskrouter", rf"/v1/Workspaces/{SID}/Workflows", "taskrouter", _workflows, "list"),
    ("taskrouter", rf"/v1/Workspaces/{SID}/TaskChannels", "taskrouter", _task_channels, "list"),
])
