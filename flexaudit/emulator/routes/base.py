"""What every route shares: the call it answers, its table entry, and list helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from flexaudit.emulator import paging
from flexaudit.emulator.collection import Collection
from flexaudit.emulator.errors import TwilioError, not_found
from flexaudit.emulator.scenario import Scenario

# Max PageSize per endpoint, from Twilio's OpenAPI specs.
MAX = 1000
MAX_CHAT = 100
MAX_ADDRESSES = 50
MAX_CONVERSATIONS = 100


@dataclass(frozen=True)
class Call:
    sub: str
    path: str
    query: paging.QueryPairs
    params: dict[str, str]
    form: paging.QueryPairs = ()  # a write's form body
    # The accounts the credentials may list (GET /2010-04-01/Accounts.json).
    listed: tuple[Scenario, ...] = field(default=(), repr=False)

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]

    def value(self, name: str) -> str | None:
        found = self.values(name)
        return found[-1] if found else None


@dataclass(frozen=True)
class Reply:
    """A handler's answer other than 200 (a write's 201, a delete's 204 without body)."""

    status: int
    body: dict | None


Handler = Callable[[Scenario, Call], "dict | Reply"]


@dataclass(frozen=True)
class Route:
    sub: str
    pattern: re.Pattern
    family: str
    handler: Handler
    method: str = "GET"
    kind: str = "fetch"  # "list" (paged: paging faults apply), "fetch" (redirect applies), "write"


def table(rows, method: str = "GET") -> list[Route]:
    """Routes from (sub, path regex, family, handler, kind) rows."""
    return [Route(sub, re.compile(pattern), family, handler, method, kind)
            for sub, pattern, family, handler, kind in rows]


SID = r"(?P<sid>[^/]+)"
ACCOUNT = r"(?P<account>[^/]+)"
SERVICE = r"(?P<service>[^/]+)"


# --- helpers ----------------------------------------------------------------

def fetch(scenario: Scenario, kind: str, call: Call) -> dict:
    resource = scenario.by_sid.get(kind, {}).get(call.params["sid"])
    if resource is None:
        raise not_found(call.path)
    return resource


def children(scenario: Scenario, kind: str, child: str, call: Call, parent_param: str = "sid") -> Collection:
    found = scenario.child_list(kind, child, call.params[parent_param])
    if found is None:
        raise not_found(call.path)
    return found


def equal_filter(items: Collection, call: Call, param: str, field_name: str) -> Collection:
    wanted = call.value(param)
    if wanted is None:
        return items
    return items.where(lambda r: r.get(field_name) == wanted)


def v1(items: Collection, call: Call, key: str, max_size: int = MAX) -> dict:
    return paging.v1_page(items, call.sub, call.path, call.query, key, max_size)


def check_account(scenario: Scenario, call: Call) -> None:
    if call.params["account"] != scenario.account_sid:
        raise not_found(call.path)


def bad_request(message: str) -> TwilioError:
    return TwilioError(400, message)
