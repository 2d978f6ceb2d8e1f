"""Serverless (Twilio Functions): a scenario's `serverless_services`, indexed and filled.

The scenario states what is deployed the way a developer thinks of it
(SCENARIOS.md): builds named locally, each with its functions' paths and
source; environments naming the build they run. Twilio's resources follow
from that: one Function (ZH) per distinct path of a service, one Function
Version (ZN) per distinct (path, content) - so two builds deploying the same
source share a version, as redeploys do - and Builds listing their versions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flexaudit.emulator.collection import Collection, Written
from flexaudit.emulator.resources import DEFAULT_DATE, host

_SUB = "serverless"

# Environment variables are secrets; the emulator serves a fake one that
# tests can look for in anything a client writes.
FAKE_SECRET_PREFIX = "FAKE-SECRET-"

_SERVICE_KEYS = {"sid", "unique_name", "friendly_name", "include_credentials", "ui_editable", "domain_base",
                 "date_created", "date_updated", "builds", "environments"}
_BUILD_KEYS = {"sid", "status", "runtime", "functions", "assets", "dependencies", "date_created", "date_updated"}
_FUNCTION_KEYS = {"path", "content", "visibility", "friendly_name", "sid", "function_sid", "date_created"}
_ASSET_KEYS = {"path", "visibility", "friendly_name", "sid", "asset_sid", "date_created"}
_ENVIRONMENT_KEYS = {"sid", "unique_name", "domain_suffix", "domain_name", "build", "variables",
                     "date_created", "date_updated"}
_VISIBILITIES = ("public", "private", "protected")


class ServerlessError(ValueError):
    """A bad `serverless_services` entry; the message names the place."""


@dataclass
class Serverless:
    """Everything the serverless routes serve, for one account."""

    services: Collection = field(default_factory=Collection)
    service_by_sid: dict[str, dict] = field(default_factory=dict)
    environments: dict[str, Collection] = field(default_factory=dict)  # ZS -> environments
    environment_by_sid: dict[tuple[str, str], dict] = field(default_factory=dict)  # (ZS, ZE)
    functions: dict[str, Collection] = field(default_factory=dict)  # ZS -> functions
    function_by_sid: dict[tuple[str, str], dict] = field(default_factory=dict)  # (ZS, ZH)
    builds: dict[tuple[str, str], dict] = field(default_factory=dict)  # (ZS, ZB)
    versions: dict[tuple[str, str, str], dict] = field(default_factory=dict)  # (ZS, ZH, ZN) -> version
    contents: dict[tuple[str, str, str], dict] = field(default_factory=dict)  # (ZS, ZH, ZN) -> content
    variables: dict[tuple[str, str], Collection] = field(default_factory=dict)  # (ZS, ZE)


def load_serverless(items: list, account_sid: str) -> Serverless:
    found = Serverless()
    services = []
    for n, stated in enumerate(items):
        here = f"serverless_services[{n}]"
        service = _service(found, _object(stated, here), here, account_sid)
        if service["sid"] in found.service_by_sid:
            raise ServerlessError(f"{here}: duplicate sid {service['sid']}")
        found.service_by_sid[service["sid"]] = service
        services.append(service)
    found.services = Collection([Written(services)])
    return found


def _service(found: Serverless, stated: dict, here: str, account_sid: str) -> dict:
    _only(stated, _SERVICE_KEYS, here)
    sid = _sid(stated, "ZS", f"{account_sid}:{here}", here)
    unique_name = stated.get("unique_name", f"service-{sid[2:8]}")
    url = f"{host(_SUB)}/v1/Services/{sid}"
    service = {
        "sid": sid,
        "account_sid": account_sid,
        "friendly_name": stated.get("friendly_name", unique_name),
        "unique_name": unique_name,
        "include_credentials": stated.get("include_credentials", True),
        "ui_editable": stated.get("ui_editable", False),
        "domain_base": stated.get("domain_base", f"{unique_name}-{sid[-4:]}"),
        "date_created": stated.get("date_created", DEFAULT_DATE),
        "date_updated": stated.get("date_updated", DEFAULT_DATE),
        "url": url,
        "links": {name: f"{url}/{name.capitalize()}" for name in ("functions", "assets", "environments", "builds")},
    }
    builds = _object(stated.get("builds", {}), f"{here}.builds")
    functions: dict[str, dict] = {}  # path -> function
    build_sids: dict[str, str] = {}  # local name -> ZB
    for name, build in builds.items():
        where = f"{here}.builds.{name}"
        made = _build(found, service, functions, _object(build, where), name, where)
        build_sids[name] = made["sid"]
    found.functions[sid] = Collection([Written(list(functions.values()))])
    environments = []
    for n, stated_env in enumerate(_list(stated.get("environments"), f"{here}.environments")):
        where = f"{here}.environments[{n}]"
        environment = _environment(found, service, _object(stated_env, where), build_sids, where)
        environments.append(environment)
    found.environments[sid] = Collection([Written(environments)])
    return service


def _build(found: Serverless, service: dict, functions: dict[str, dict], stated: dict, name: str,
           where: str) -> dict:
    _only(stated, _BUILD_KEYS, where)
    service_sid, account_sid = service["sid"], service["account_sid"]
    sid = _sid(stated, "ZB", f"{service_sid}:build:{name}", where)
    if (service_sid, sid) in found.builds:
        raise ServerlessError(f"{where}: duplicate sid {sid}")
    created = stated.get("date_created", DEFAULT_DATE)
    function_versions = []
    for n, item in enumerate(_list(stated.get("functions"), f"{where}.functions")):
        here = f"{where}.functions[{n}]"
        item = _object(item, here)
        _only(item, _FUNCTION_KEYS, here)
        path = _path(item, here)
        content = item.get("content", "")
        if not isinstance(content, str):
            raise ServerlessError(f"{here}.content must be a string (the function's source)")
        function = functions.get(path)
        if function is None:
            function = _function(service, item, path, here)
            functions[path] = function
            found.function_by_sid[(service_sid, function["sid"])] = function
        digest = hashlib.md5(f"{service_sid}:{path}:{content}".encode()).hexdigest()
        version_sid = _sid(item, "ZN", None, here, derived="ZN" + digest)
        version = _function_version(service, function["sid"], version_sid, path,
                                    _visibility(item, here), item.get("date_created", created))
        key = (service_sid, function["sid"], version_sid)
        found.versions[key] = version
        found.contents[key] = {
            "sid": version_sid, "account_sid": account_sid, "service_sid": service_sid,
            "function_sid": function["sid"], "content": content, "url": version["links"]["function_version_content"],
        }
        function_versions.append({k: v for k, v in version.items() if k not in ("links",)})
    asset_versions = []
    for n, item in enumerate(_list(stated.get("assets"), f"{where}.assets")):
        here = f"{where}.assets[{n}]"
        item = _object(item, here)
        _only(item, _ASSET_KEYS, here)
        path = _path(item, here)
        asset_sid = item.get("asset_sid") or "ZH" + hashlib.md5(f"{service_sid}:asset:{path}".encode()).hexdigest()
        version_sid = _sid(item, "ZN", f"{service_sid}:asset:{path}:{name}", here)
        asset_versions.append({
            "sid": version_sid, "account_sid": account_sid, "service_sid": service_sid, "asset_sid": asset_sid,
            "path": path, "visibility": _visibility(item, here, default="public"),
            "date_created": item.get("date_created", created),
            "url": f"{service['url']}/Assets/{asset_sid}/Versions/{version_sid}",
        })
    dependencies = _list(stated.get("dependencies", [{"name": "twilio", "version": "3.29.2"},
                                                     {"name": "@twilio/runtime-handler", "version": "1.3.0"}]),
                         f"{where}.dependencies")
    url = f"{service['url']}/Builds/{sid}"
    build = {
        "sid": sid, "account_sid": account_sid, "service_sid": service_sid,
        "status": stated.get("status", "completed"),
        "asset_versions": asset_versions,
        "function_versions": function_versions,
        "dependencies": dependencies,
        "runtime": stated.get("runtime", "node18"),
        "date_created": created,
        "date_updated": stated.get("date_updated", created),
        "url": url,
        "links": {"build_status": f"{url}/Status"},
    }
    found.builds[(service_sid, sid)] = build
    return build


def _function(service: dict, item: dict, path: str, here: str) -> dict:
    derived = "ZH" + hashlib.md5(f"{service['sid']}:function:{path}".encode()).hexdigest()
    sid = item.get("function_sid", derived)
    _check(sid, "ZH", f"{here}.function_sid")
    url = f"{service['url']}/Functions/{sid}"
    return {
        "sid": sid, "account_sid": service["account_sid"], "service_sid": service["sid"],
        "friendly_name": item.get("friendly_name", path.lstrip("/") or path),
        "date_created": item.get("date_created", DEFAULT_DATE),
        "date_updated": item.get("date_created", DEFAULT_DATE),
        "url": url,
        "links": {"function_versions": f"{url}/Versions"},
    }


def _function_version(service: dict, function_sid: str, sid: str, path: str, visibility: str, created: str) -> dict:
    url = f"{service['url']}/Functions/{function_sid}/Versions/{sid}"
    return {
        "sid": sid, "account_sid": service["account_sid"], "service_sid": service["sid"],
        "function_sid": function_sid, "path": path, "visibility": visibility,
        "date_created": created, "url": url,
        "links": {"function_version_content": f"{url}/Content"},
    }


def _environment(found: Serverless, service: dict, stated: dict, build_sids: dict[str, str], where: str) -> dict:
    _only(stated, _ENVIRONMENT_KEYS, where)
    service_sid, account_sid = service["sid"], service["account_sid"]
    unique_name = stated.get("unique_name", "production")
    sid = _sid(stated, "ZE", f"{service_sid}:environment:{unique_name}:{where}", where)
    if (service_sid, sid) in found.environment_by_sid:
        raise ServerlessError(f"{where}: duplicate sid {sid}")
    build = stated.get("build")
    if build is None:
        build_sid = None  # nothing deployed
    elif build in build_sids:
        build_sid = build_sids[build]
    elif build in build_sids.values():
        build_sid = build
    else:
        raise ServerlessError(f"{where}.build {build!r} names no build of this service "
                              f"(builds: {', '.join(sorted(build_sids)) or 'none'})")
    suffix = stated.get("domain_suffix", None if unique_name == "production" else unique_name[:16])
    domain = stated.get("domain_name",
                        f"{service['domain_base']}{'-' + suffix if suffix else ''}.twil.io")
    url = f"{service['url']}/Environments/{sid}"
    environment = {
        "sid": sid, "account_sid": account_sid, "service_sid": service_sid, "build_sid": build_sid,
        "unique_name": unique_name, "domain_suffix": suffix, "domain_name": domain,
        "date_created": stated.get("date_created", DEFAULT_DATE),
        "date_updated": stated.get("date_updated", DEFAULT_DATE),
        "url": url,
        "links": {"variables": f"{url}/Variables", "deployments": f"{url}/Deployments", "logs": f"{url}/Logs"},
    }
    found.environment_by_sid[(service_sid, sid)] = environment
    found.variables[(service_sid, sid)] = Collection([Written(
        _variables(environment, stated.get("variables"), where))])
    return environment


def _variables(environment: dict, stated, where: str) -> list[dict]:
    if stated is None:
        stated = {"API_SECRET": f"{FAKE_SECRET_PREFIX}{environment['sid']}"}
    stated = _object(stated, f"{where}.variables")
    out = []
    for key, value in stated.items():
        if not isinstance(value, str):
            raise ServerlessError(f"{where}.variables.{key} must be a string")
        sid = "ZV" + hashlib.md5(f"{environment['sid']}:{key}".encode()).hexdigest()
        out.append({
            "sid": sid, "account_sid": environment["account_sid"], "service_sid": environment["service_sid"],
            "environment_sid": environment["sid"], "key": key, "value": value,
            "date_created": environment["date_created"], "date_updated": environment["date_updated"],
            "url": f"{environment['url']}/Variables/{sid}",
        })
    return out


# --- small validators -------------------------------------------------------------------


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise ServerlessError(f"{where} must be an object")
    return value


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ServerlessError(f"{where} must be a list")
    return value


def _only(stated: dict, allowed: set[str], where: str) -> None:
    extra = set(stated) - allowed
    if extra:
        raise ServerlessError(f"{where}: unknown key(s) {', '.join(sorted(extra))}; "
                              f"expected some of {', '.join(sorted(allowed))}")


def _path(item: dict, here: str) -> str:
    path = item.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ServerlessError(f"{here}.path must be a string starting with '/', got {path!r}")
    return path


def _visibility(item: dict, here: str, default: str = "protected") -> str:
    value = item.get("visibility", default)
    if value not in _VISIBILITIES:
        raise ServerlessError(f"{here}.visibility must be one of {', '.join(_VISIBILITIES)}, got {value!r}")
    return value


def _sid(stated: dict, prefix: str, seed: str | None, where: str, derived: str | None = None) -> str:
    if "sid" in stated:
        _check(stated["sid"], prefix, f"{where}.sid")
        return stated["sid"]
    return derived or prefix + hashlib.md5(seed.encode()).hexdigest()


def _check(sid, prefix: str, where: str) -> None:
    if not (isinstance(sid, str) and len(sid) == 34 and sid.startswith(prefix)
            and all(c in "0123456789abcdefABCDEF" for c in sid[2:])):
        raise ServerlessError(f"{where} must be '{prefix}' followed by 32 hex digits, got {sid!r}")
