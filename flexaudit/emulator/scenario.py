"""Load a scenario (flexaudit/emulator/SCENARIOS.md): validate it, fill defaults, index it.

Written resources are filled once at load time; `repeat` blocks are kept as a
template and expanded page by page (see collection.py). A scenario is one
account; its `subaccounts` are whole scenario bodies of their own, loaded the
same way and linked to their parent.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from flexaudit.bounds import InputFileError, parse_json, read_text
from flexaudit.emulator import resources
from flexaudit.emulator.collection import Collection, Repeated, Written
from flexaudit.emulator.faults import FaultSettings
from flexaudit.emulator.messages import MessageError, MessageList, load_messages, parse_instant
from flexaudit.emulator.serverless import Serverless, ServerlessError, load_serverless

_BUNDLED = Path(__file__).parent / "scenarios"
_DEMO = _BUNDLED / "demo.json"
# Bundled scenarios by name: the demo account, and a parent with four subaccounts.
BUNDLED_SCENARIOS = ("demo", "demo-migrated", "fleet")

# An account to use when a scenario states none: the smallest scenario is {}.
DEFAULT_ACCOUNT_SID = "AC" + hashlib.md5(b"flexaudit emulator account").hexdigest()

# Keys a scenario may carry for its readers only.
_NOTE_KEYS = {"name", "description"}


# A scenario file may hold hostile answers on purpose (a Studio definition 600
# deep), so its bound is far above a snapshot's, and below where parsing fails.
MAX_FILE_BYTES = 256 << 20
MAX_FILE_DEPTH = 700


class ScenarioError(ValueError):
    """A scenario that cannot be served; the message names the offending place."""


def demo_scenario_path() -> Path:
    return _DEMO


def demo_code_path() -> Path:
    """The local code tree of the migrated demo (`scan --demo migrated` reads it as --code)."""
    return _BUNDLED / "demo-code"


def bundled_scenario_path(name: str) -> Path:
    if name not in BUNDLED_SCENARIOS:
        raise ScenarioError(f"no bundled scenario {name!r} (bundled: {', '.join(BUNDLED_SCENARIOS)})")
    return _BUNDLED / f"{name}.json"


@dataclass(frozen=True)
class _Child:
    key: str  # key inside the parent in the scenario
    prefix: str  # SID prefix
    fill: Callable[[dict, str, str], dict]  # (stated, account_sid, parent_sid) -> resource
    repeatable: bool = False


@dataclass(frozen=True)
class _Kind:
    prefix: str
    fill: Callable[[dict, str], dict]  # (stated, account_sid) -> resource
    children: tuple[_Child, ...] = ()


_KINDS: dict[str, _Kind] = {
    "incoming_phone_numbers": _Kind("PN", resources.incoming_phone_number),
    "flex_flows": _Kind("FO", resources.flex_flow),
    "studio_flows": _Kind("FW", resources.studio_flow),
    "proxy_services": _Kind("KS", resources.proxy_service, (
        _Child("phone_numbers", "PN", resources.proxy_phone_number),
        _Child("sessions", "KC", resources.proxy_session, repeatable=True),
    )),
    "messaging_services": _Kind("MG", resources.messaging_service, (
        _Child("phone_numbers", "PN", resources.messaging_phone_number),
    )),
    "chat_services": _Kind("IS", resources.chat_service, (
        _Child("channels", "CH", resources.chat_channel, repeatable=True),
    )),
    "address_configurations": _Kind("IG", resources.address_configuration),
    "conversation_services": _Kind("IS", resources.conversation_service, (
        _Child("conversations", "CH", resources.conversation, repeatable=True),
    )),
    "taskrouter_workspaces": _Kind("WS", resources.workspace, (
        _Child("workflows", "WW", resources.workflow),
        _Child("task_channels", "TC", resources.task_channel),
    )),
}

_SINGLETONS: dict[str, Callable[[dict, str], dict]] = {
    "flex_configuration": resources.flex_configuration,
    "conversations_configuration": resources.conversations_configuration,
}

_TOP_KEYS = {"account", "auth", "faults", "messages", "serverless_services", "subaccounts", *_KINDS, *_SINGLETONS}

ACCOUNT_STATUSES = ("active", "suspended", "closed")
_CONVERSATION_STATES = ("inactive", "active", "closed", "initializing")


@dataclass(eq=False)
class Scenario:
    """One account: its record, credentials, resources, and (for a parent) its subaccounts."""

    account: dict
    auth_token: str
    api_keys: dict[str, str]
    # A parent's (top-level) faults apply to every account; a subaccount's
    # own `faults` object is added on top for requests served from it.
    faults: FaultSettings
    singletons: dict[str, dict | None] = field(default_factory=dict)
    lists: dict[str, Collection] = field(default_factory=dict)
    by_sid: dict[str, dict[str, dict]] = field(default_factory=dict)
    children: dict[tuple[str, str], Collection] = field(default_factory=dict)
    messages: MessageList = field(default_factory=lambda: MessageList([]))
    serverless: Serverless = field(default_factory=Serverless)
    own_faults: dict = field(default_factory=dict)
    subaccounts: list["Scenario"] = field(default_factory=list)
    parent: "Scenario | None" = field(default=None, repr=False)
    # Writes (write mode) replace lists and records under this lock, so a
    # reader always sees one whole version of a list.
    write_lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def account_sid(self) -> str:
        return self.account["sid"]

    @property
    def status(self) -> str:
        return self.account["status"]

    def accounts(self) -> list["Scenario"]:
        """This account and its subaccounts, parent first."""
        return [self, *self.subaccounts]

    def child_list(self, kind: str, child_key: str, parent_sid: str) -> Collection | None:
        """The parent's child collection, or None when the parent does not exist."""
        if parent_sid not in self.by_sid.get(kind, {}):
            return None
        return self.children.get((f"{kind}.{child_key}", parent_sid), Collection())


def load_scenario(source) -> Scenario:
    """A Scenario from a path (str/Path), a dict, or an already loaded Scenario."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return _build(dict(source))
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            text = read_text(path, MAX_FILE_BYTES)
        except InputFileError as exc:
            raise ScenarioError(f"{path}: cannot read scenario: {exc}") from None
        try:
            data = parse_json(text, MAX_FILE_DEPTH)
        except InputFileError as exc:
            raise ScenarioError(f"{path}: {exc}") from None
        try:
            return _build(data)
        except ScenarioError as exc:
            raise ScenarioError(f"{path}: {exc}") from None
    raise ScenarioError(f"a scenario is a file path or a dict, not {type(source).__name__}")


# --- building ---------------------------------------------------------------

def _build(data) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError("the scenario must be a JSON object")
    parent = _build_account(data, "", None)
    seen = {parent.account_sid: "account.sid"}
    seen_keys = {key: "auth.api_keys" for key in parent.api_keys}
    for i, stated in enumerate(_list(data.get("subaccounts"), "subaccounts")):
        where = f"subaccounts[{i}]"
        stated = _object(stated, where)
        if "subaccounts" in stated:
            raise ScenarioError(f"{where}: a subaccount cannot have subaccounts of its own")
        sub = _build_account(stated, where + ".", parent)
        if sub.account_sid in seen:
            raise ScenarioError(f"{where}.account.sid {sub.account_sid} is already used by {seen[sub.account_sid]}")
        seen[sub.account_sid] = f"{where}.account.sid"
        for key in sub.api_keys:
            if key in seen_keys:
                raise ScenarioError(f"{where}.auth.api_keys: {key} is already a key of {seen_keys[key]}")
            seen_keys[key] = f"{where}.auth.api_keys"
        parent.subaccounts.append(sub)
    return parent


def _build_account(data: dict, prefix: str, parent: Scenario | None) -> Scenario:
    """One account's body; prefix names its place in the file ("" or "subaccounts[2].")."""
    unknown = {k for k in data if k not in _TOP_KEYS and k not in _NOTE_KEYS and not k.startswith(("_", "$"))}
    if unknown:
        raise ScenarioError(f"{prefix}unknown key(s) {', '.join(sorted(unknown))}; "
                            f"expected some of {', '.join(sorted(_TOP_KEYS))}")
    try:
        return _build_account_body(data, parent)
    except ScenarioError as exc:
        raise ScenarioError(f"{prefix}{exc}") from None


def _build_account_body(data: dict, parent: Scenario | None) -> Scenario:
    account_stated = _object(data.get("account"), "account", optional=True) or {}
    if parent is None:
        account_sid = account_stated.get("sid", DEFAULT_ACCOUNT_SID)
    else:
        default = "AC" + hashlib.md5(f"{parent.account_sid}:subaccount:{len(parent.subaccounts)}".encode()).hexdigest()
        account_sid = account_stated.get("sid", default)
    _check_sid(account_sid, "AC", "account.sid")
    if account_stated.get("status", "active") not in ACCOUNT_STATUSES:
        raise ScenarioError(f"account.status must be one of {', '.join(ACCOUNT_STATUSES)}, "
                            f"got {account_stated['status']!r}")
    if parent is not None and account_stated.get("owner_account_sid", parent.account_sid) != parent.account_sid:
        raise ScenarioError("account.owner_account_sid of a subaccount is its parent's SID")
    auth = _object(data.get("auth"), "auth", optional=True) or {}
    auth_token = auth.get("auth_token", hashlib.md5(f"token {account_sid}".encode()).hexdigest())
    if not isinstance(auth_token, str) or not auth_token:
        raise ScenarioError("auth.auth_token must be a non-empty string")
    api_keys = _api_keys(auth.get("api_keys", []))

    own_faults = data.get("faults") or {}
    try:
        if parent is None:
            faults = FaultSettings.from_mapping(own_faults)
        else:
            faults = parent.faults
            parent.faults.merged(own_faults)  # validates; applied per request (dispatch.py)
    except (ValueError, TypeError) as exc:
        raise ScenarioError(f"faults: {exc}") from None

    scenario = Scenario(
        account=resources.account({**account_stated, "sid": account_sid}, auth_token,
                                  owner_sid=parent.account_sid if parent else None),
        auth_token=auth_token, api_keys=api_keys, faults=faults,
        own_faults=dict(own_faults) if parent is not None else {}, parent=parent,
    )
    for key, fill in _SINGLETONS.items():
        stated = _object(data.get(key), key, optional=True)
        scenario.singletons[key] = None if stated is None else fill(stated, account_sid)
    for key, kind in _KINDS.items():
        _load_kind(scenario, data.get(key), key, kind)
    _mirror_chat_services(scenario)
    try:
        scenario.messages = load_messages(_list(data.get("messages"), "messages"), account_sid)
        scenario.serverless = load_serverless(_list(data.get("serverless_services"), "serverless_services"),
                                              account_sid)
    except (MessageError, ServerlessError) as exc:
        raise ScenarioError(str(exc)) from None
    return scenario


def _mirror_chat_services(scenario: Scenario) -> None:
    """Chat services are Conversations services too (one service behind both APIs):
    list each chat service not stated under `conversation_services` there as well."""
    stated = scenario.by_sid["conversation_services"]
    mirrored = []
    for chat in scenario.lists["chat_services"].all():
        if chat["sid"] not in stated:
            service = resources.conversation_service(
                {k: chat[k] for k in ("sid", "friendly_name", "date_created", "date_updated")}, scenario.account_sid)
            stated[chat["sid"]] = service
            mirrored.append(service)
    if mirrored:
        written = scenario.lists["conversation_services"].all()
        scenario.lists["conversation_services"] = Collection([Written(written + mirrored)])


def _load_kind(scenario: Scenario, items, key: str, kind: _Kind) -> None:
    account_sid = scenario.account_sid
    filled = []
    index = scenario.by_sid.setdefault(key, {})
    for i, stated in enumerate(_list(items, key)):
        where = f"{key}[{i}]"
        stated = _object(stated, where)
        stated = _with_sid(stated, kind.prefix, account_sid, where)
        if stated["sid"] in index:
            raise ScenarioError(f"{where}: duplicate sid {stated['sid']}")
        resource = kind.fill(stated, account_sid)
        index[stated["sid"]] = resource
        filled.append(resource)
        for child in kind.children:
            collection = _load_children(stated.get(child.key), f"{where}.{child.key}", child,
                                        account_sid, stated["sid"])
            scenario.children[(f"{key}.{child.key}", stated["sid"])] = collection
    scenario.lists[key] = Collection([Written(filled)])


def _load_children(items, where: str, child: _Child, account_sid: str, parent_sid: str) -> Collection:
    segments = []
    written: list[dict] = []
    seen: set[str] = set()
    for i, stated in enumerate(_list(items, where)):
        here = f"{where}[{i}]"
        stated = _object(stated, here)
        if "repeat" in stated:
            if not child.repeatable:
                raise ScenarioError(f"{here}: repeat blocks are only allowed in channels and sessions, "
                                    "and in conversations")
            if written:
                segments.append(Written(written))
                written = []
            segments.append(_repeat_block(stated, here, child, account_sid, parent_sid, block=i))
            continue
        stated = _with_sid(stated, child.prefix, account_sid, here)
        if stated["sid"] in seen:
            raise ScenarioError(f"{here}: duplicate sid {stated['sid']}")
        seen.add(stated["sid"])
        _check_child_fields(stated, here, child)
        written.append(child.fill(stated, account_sid, parent_sid))
    if written:
        segments.append(Written(written))
    return Collection(segments)


def _repeat_block(stated: dict, where: str, child: _Child, account_sid: str, parent_sid: str,
                  block: int) -> Repeated:
    extra = set(stated) - {"repeat", "template"}
    if extra:
        raise ScenarioError(f"{where}: a repeat block has only 'repeat' and 'template', not {', '.join(sorted(extra))}")
    count = stated["repeat"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ScenarioError(f"{where}.repeat must be a non-negative integer, got {count!r}")
    template = _object(stated.get("template", {}), f"{where}.template")
    if "sid" in template:
        raise ScenarioError(f"{where}.template: must not set sid (each repeated resource gets its own)")
    _check_child_fields(template, f"{where}.template", child)
    template = dict(template)
    if isinstance(template.get("attributes"), (dict, list)):
        # Serialise once per block, not once per served resource.
        template["attributes"] = resources.as_json_text(template["attributes"])
    # SIDs: prefix + 16 hex naming the block + 16 hex counting inside it, so
    # they are unique, ordered within the block and cheap to make.
    stem = child.prefix + hashlib.md5(f"{parent_sid}:{block}".encode()).hexdigest()[:16]
    # Fill the template once with a probe SID; per index only the fields that
    # embed the SID (sid, url, links) are rewritten. This keeps a 100-item
    # page cheap enough for the 100,000-channel benchmark.
    probe = f"{stem}{0:016x}"
    base = child.fill({**template, "sid": probe}, account_sid, parent_sid)
    varying = [key for key, value in base.items() if probe in json.dumps(value)]

    def make(i: int) -> dict:
        sid = f"{stem}{i:016x}"
        resource = dict(base)
        for key in varying:
            resource[key] = _with_sid_replaced(base[key], probe, sid)
        return resource

    return Repeated(count, make)


def _with_sid_replaced(value, probe: str, sid: str):
    if isinstance(value, str):
        return value.replace(probe, sid)
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return {k: v.replace(probe, sid) for k, v in value.items()}
    return json.loads(json.dumps(value).replace(probe, sid))


def _check_child_fields(stated: dict, where: str, child: _Child) -> None:
    if child.key == "channels" and "type" in stated and stated["type"] not in ("public", "private"):
        raise ScenarioError(f"{where}.type must be 'public' or 'private', got {stated['type']!r}")
    if child.key == "conversations":
        if "state" in stated and stated["state"] not in _CONVERSATION_STATES:
            raise ScenarioError(f"{where}.state must be one of {', '.join(_CONVERSATION_STATES)}, "
                                f"got {stated['state']!r}")
        for key in ("date_created", "date_updated"):
            # The StartDate/EndDate filters and staleness checks compare these.
            if key in stated and not _is_instant(stated[key]):
                raise ScenarioError(f"{where}.{key} must be an ISO 8601 date-time like "
                                    f"2026-10-02T14:03:11Z, got {stated[key]!r}")


def _is_instant(value) -> bool:
    try:
        parse_instant(value)
        return True
    except (TypeError, ValueError, AttributeError):
        return False


# --- small validators -------------------------------------------------------

def _object(value, where: str, optional: bool = False):
    if value is None and optional:
        return None
    if not isinstance(value, dict):
        raise ScenarioError(f"{where} must be an object, got {_json_type(value)}")
    return value


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScenarioError(f"{where} must be a list, got {_json_type(value)}")
    return value


def _with_sid(stated: dict, prefix: str, account_sid: str, where: str) -> dict:
    if "sid" not in stated:
        # Stable across loads, so a report names the same SID every run.
        derived = prefix + hashlib.md5(f"{account_sid}:{where}".encode()).hexdigest()
        return {**stated, "sid": derived}
    _check_sid(stated["sid"], prefix, f"{where}.sid")
    return stated


def _check_sid(sid, prefix: str, where: str) -> None:
    if not isinstance(sid, str) or not re.fullmatch(prefix + r"[0-9a-fA-F]{32}", sid):
        raise ScenarioError(f"{where} must be '{prefix}' followed by 32 hex digits, got {sid!r}")


def _api_keys(items) -> dict[str, str]:
    keys = {}
    for i, key in enumerate(_list(items, "auth.api_keys")):
        where = f"auth.api_keys[{i}]"
        key = _object(key, where)
        _check_sid(key.get("sid"), "SK", f"{where}.sid")
        secret = key.get("secret")
        if not isinstance(secret, str) or not secret:
            raise ScenarioError(f"{where}.secret must be a non-empty string")
        keys[key["sid"]] = secret
    return keys


def _json_type(value) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
