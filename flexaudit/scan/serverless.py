"""Twilio Functions as deployed: services → environments → each distinct build → each function
version's content, read once, scanned in memory for legacy API use and dropped.

Only `(line, pattern)` locations are kept (contract: source text stays in
memory). Environment variables are secrets and never requested: the walk has
no use for `/Environments/{ZE}/Variables`, and there is no code here that
could ask for it.
"""

from __future__ import annotations

from flexaudit.analysis.legacy_api import legacy_api_use
from flexaudit.api.paging import fetch_record, list_records, path_segment
from flexaudit.model.inventory import (
    CodeLocation,
    FunctionVersion,
    ServerlessEnvironment,
    ServerlessFunction,
    ServerlessService,
)
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import from_record, sequence, string

PAGE_SIZE = 1000  # Serverless lists take PageSize up to 1000


def scan_serverless(ctx: ScanContext, needed: Needed) -> Scanned:
    api = ctx.client.serverless.v1
    services = [from_record(ServerlessService, s) for s in list_records(api, "/Services", {"PageSize": PAGE_SIZE})]
    # Each level's requests go out together; a level needs the one before it.
    for service, environments in zip(services, ctx.fetch_all(lambda s: _environments(ctx, s), services)):
        service.environments = environments
    builds = sorted({(s.sid, e.build_sid) for s in services for e in s.environments if e.build_sid})
    fetched = dict(zip(builds, ctx.fetch_all(lambda key: _build(ctx, *key), builds)))

    deployed: dict[tuple[str, str, str], _Deployed] = {}  # (ZS, ZH, ZN) -> what to read, where it runs
    for service in services:
        for environment in service.environments:
            for version in fetched.get((service.sid, environment.build_sid)) or ():
                key = (service.sid, version["function_sid"], version["sid"])
                entry = deployed.setdefault(key, _Deployed(version["path"]))
                name = string(environment.unique_name) or environment.sid
                if name not in entry.environments:
                    entry.environments.append(name)
    keys = sorted(deployed)
    scanned = ctx.fetch_all(lambda key: _legacy_api_use(ctx, *key), keys)

    functions: dict[tuple[str, str], ServerlessFunction] = {}
    for (zs, zh, zn), locations in zip(keys, scanned):
        if locations is None:  # deleted between the build and its content
            continue
        entry = deployed[(zs, zh, zn)]
        function = functions.setdefault((zs, zh), ServerlessFunction(zh, entry.path))
        function.versions.append(FunctionVersion(zn, entry.environments, locations))
    for service in services:
        service.functions = [f for (zs, _), f in sorted(functions.items()) if zs == service.sid]
        # versions in the order of the environments that run them (production first, as listed)
        order = {string(e.unique_name) or e.sid: n for n, e in enumerate(service.environments)}
        for function in service.functions:
            function.versions.sort(key=lambda v: min(order.get(e, len(order)) for e in v.environments))
    ctx.progress(f"serverless: {len(services)} services, {len(keys)} function versions read")
    return Scanned(services)


class _Deployed:
    __slots__ = ("path", "environments")

    def __init__(self, path: str | None):
        self.path = path
        self.environments: list[str] = []


def _environments(ctx: ScanContext, service: ServerlessService) -> list[ServerlessEnvironment]:
    uri = f"/Services/{path_segment(service.sid)}/Environments"
    return [from_record(ServerlessEnvironment, e)
            for e in list_records(ctx.client.serverless.v1, uri, {"PageSize": PAGE_SIZE})]


def _build(ctx: ScanContext, service_sid: str, build_sid: str) -> list[dict]:
    """The build's function versions that name their function and version; [] when it is gone."""
    uri = f"/Services/{path_segment(service_sid)}/Builds/{path_segment(build_sid)}"
    build = fetch_record(ctx.client.serverless.v1, uri, missing_ok=True) or {}
    versions = []
    for item in sequence(build.get("function_versions")) or ():
        if isinstance(item, dict) and string(item.get("sid")) and string(item.get("function_sid")):
            versions.append({"sid": item["sid"], "function_sid": item["function_sid"], "path": string(item.get("path"))})
    return versions


def _legacy_api_use(ctx: ScanContext, service_sid: str, function_sid: str, version_sid: str) -> list[CodeLocation] | None:
    """Where the version's source uses a legacy API; the source itself goes out of scope here."""
    uri = (f"/Services/{path_segment(service_sid)}/Functions/{path_segment(function_sid)}"
           f"/Versions/{path_segment(version_sid)}/Content")
    record = fetch_record(ctx.client.serverless.v1, uri, missing_ok=True)
    if record is None:
        return None
    content = record.get("content")
    return [CodeLocation(line, pattern) for line, pattern in legacy_api_use(content if isinstance(content, str) else "")]
