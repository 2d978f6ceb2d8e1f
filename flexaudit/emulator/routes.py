"""Which (subdomain, path) answers what, and the resource family it belongs to."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Callable

from flexaudit.emulator import paging, resources
from flexaudit.emulator.collection import Collection
from flexaudit.emulator.errors import not_found
from flexaudit.emulator.scenario import Scenario

# Max PageSize per endpoint, from Twilio's OpenAPI specs.
_MAX = 1000
_MAX_CHAT = 100
_MAX_ADDRESSES = 50


@dataclass(frozen=True)
class Call:
    sub: str
    path: str
    query: paging.QueryPairs
    params: dict[str, str]

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]

    def value(self, name: str) -> str | None:
        found = self.values(name)
        return found[-1] if found else None


Handler = Callable[[Scenario, Call], dict]


@dataclass(frozen=True)
class Route:
    sub: str
    pattern: re.Pattern
    family: str
    handler: Handler


def match(sub: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in _ROUTES:
        if route.sub == sub:
            found = route.pattern.fullmatch(path)
            if found:
                return route, found.groupdict()
    return None


# --- helpers ----------------------------------------------------------------

def _fetch(scenario: Scenario, kind: str, call: Call) -> dict:
    resource = scenario.by_sid.get(kind, {}).get(call.params["sid"])
    if resource is None:
        raise not_found(call.path)
    return resource


def _children(scenario: Scenario, kind: str, child: str, call: Call) -> Collection:
    found = scenario.child_list(kind, child, call.params["sid"])
    if found is None:
        raise not_found(call.path)
    return found


def _equal_filter(items: Collection, call: Call, param: str, field: str) -> Collection:
    wanted = call.value(param)
    if wanted is None:
        return items
    return items.where(lambda r: r.get(field) == wanted)


def _v1(items: Collection, call: Call, key: str, max_size: int = _MAX) -> dict:
    return paging.v1_page(items, call.sub, call.path, call.query, key, max_size)


def _check_account(scenario: Scenario, call: Call) -> None:
    if call.params["account"] != scenario.account_sid:
        raise not_found(call.path)


# --- api (2010) -------------------------------------------------------------

def _account(scenario: Scenario, call: Call) -> dict:
    _check_account(scenario, call)
    return scenario.account


def _incoming_phone_numbers(scenario: Scenario, call: Call) -> dict:
    _check_account(scenario, call)
    items = _equal_filter(scenario.lists["incoming_phone_numbers"], call, "FriendlyName", "friendly_name")
    pattern = call.value("PhoneNumber")
    if pattern:
        # Twilio matches a '*' wildcard anywhere in the number.
        items = items.where(lambda r: fnmatch.fnmatchcase(r.get("phone_number") or "", pattern))
    return paging.v2010_page(items, call.path, call.query, "incoming_phone_numbers", _MAX)


# --- flex-api ---------------------------------------------------------------

def _singleton(key: str) -> Handler:
    def handler(scenario: Scenario, call: Call) -> dict:
        resource = scenario.singletons.get(key)
        if resource is None:
            raise not_found(call.path)
        return resource
    return handler


def _flex_flows(scenario: Scenario, call: Call) -> dict:
    items = _equal_filter(scenario.lists["flex_flows"], call, "FriendlyName", "friendly_name")
    return _v1(items, call, "flex_flows")


# --- studio -----------------------------------------------------------------

def _studio_flows(scenario: Scenario, call: Call) -> dict:
    page = _v1(scenario.lists["studio_flows"], call, "flows")
    page["flows"] = [resources.studio_flow_listed(f) for f in page["flows"]]
    return page


# --- chat -------------------------------------------------------------------

def _chat_channels(scenario: Scenario, call: Call) -> dict:
    items = _children(scenario, "chat_services", "channels", call)
    # Without Type, Twilio lists only public channels (Flex creates private ones).
    types = set(call.values("Type")) or {"public"}
    if types != {"public", "private"}:
        items = items.where(lambda r: r.get("type") in types)
    return _v1(items, call, "channels", _MAX_CHAT)


def _address_configurations(scenario: Scenario, call: Call) -> dict:
    items = _equal_filter(scenario.lists["address_configurations"], call, "Type", "type")
    return _v1(items, call, "address_configurations", _MAX_ADDRESSES)


# --- taskrouter -------------------------------------------------------------

def _workflows(scenario: Scenario, call: Call) -> dict:
    items = _children(scenario, "taskrouter_workspaces", "workflows", call)
    return _v1(_equal_filter(items, call, "FriendlyName", "friendly_name"), call, "workflows")


def _task_channels(scenario: Scenario, call: Call) -> dict:
    items = _children(scenario, "taskrouter_workspaces", "task_channels", call)
    return paging.v1_unpaged(items, call.sub, call.path, call.query, "channels")


# --- table ------------------------------------------------------------------

def _list_of(kind: str, key: str, max_size: int = _MAX) -> Handler:
    return lambda scenario, call: _v1(scenario.lists[kind], call, key, max_size)


def _children_of(kind: str, child: str, key: str, max_size: int = _MAX) -> Handler:
    return lambda scenario, call: _v1(_children(scenario, kind, child, call), call, key, max_size)


def _fetch_of(kind: str) -> Handler:
    return lambda scenario, call: _fetch(scenario, kind, call)


_SID = r"(?P<sid>[^/]+)"
_ACCOUNT = r"(?P<account>[^/]+)"

_TABLE = [
    ("api", rf"/2010-04-01/Accounts/{_ACCOUNT}\.json", "account", _account),
    ("api", rf"/2010-04-01/Accounts/{_ACCOUNT}/IncomingPhoneNumbers\.json", "phone_numbers",
     _incoming_phone_numbers),
    ("flex-api", r"/v1/Configuration", "flex_configuration", _singleton("flex_configuration")),
    ("flex-api", r"/v1/FlexFlows", "flex_flows", _flex_flows),
    ("flex-api", rf"/v1/FlexFlows/{_SID}", "flex_flows", _fetch_of("flex_flows")),
    ("studio", r"/v2/Flows", "studio", _studio_flows),
    ("studio", rf"/v2/Flows/{_SID}", "studio", _fetch_of("studio_flows")),
    ("proxy", r"/v1/Services", "proxy", _list_of("proxy_services", "services")),
    ("proxy", rf"/v1/Services/{_SID}", "proxy", _fetch_of("proxy_services")),
    ("proxy", rf"/v1/Services/{_SID}/PhoneNumbers", "proxy",
     _children_of("proxy_services", "phone_numbers", "phone_numbers")),
    ("proxy", rf"/v1/Services/{_SID}/Sessions", "proxy",
     _children_of("proxy_services", "sessions", "sessions")),
    ("messaging", r"/v1/Services", "messaging", _list_of("messaging_services", "services")),
    ("messaging", rf"/v1/Services/{_SID}", "messaging", _fetch_of("messaging_services")),
    ("messaging", rf"/v1/Services/{_SID}/PhoneNumbers", "messaging",
     _children_of("messaging_services", "phone_numbers", "phone_numbers")),
    ("chat", r"/v2/Services", "chat", _list_of("chat_services", "services", _MAX_CHAT)),
    ("chat", rf"/v2/Services/{_SID}", "chat", _fetch_of("chat_services")),
    ("chat", rf"/v2/Services/{_SID}/Channels", "chat", _chat_channels),
    ("conversations", r"/v1/Configuration", "conversations", _singleton("conversations_configuration")),
    ("conversations", r"/v1/Configuration/Addresses", "conversations", _address_configurations),
    ("taskrouter", rf"/v1/Workspaces/{_SID}", "taskrouter", _fetch_of("taskrouter_workspaces")),
    ("taskrouter", rf"/v1/Workspaces/{_SID}/Workflows", "taskrouter", _workflows),
    ("taskrouter", rf"/v1/Workspaces/{_SID}/TaskChannels", "taskrouter", _task_channels),
]

_ROUTES = [Route(sub, re.compile(pattern), family, handler) for sub, pattern, family, handler in _TABLE]
