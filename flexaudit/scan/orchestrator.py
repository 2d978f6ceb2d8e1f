"""Runs every family scanner concurrently and assembles the Inventory with its coverage.

The chat channel list is the longest chain of requests that must run one after
another (100 channels a page), so it starts as soon as the Flex configuration
names the chat service; everything else overlaps with it.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime, timezone
from typing import Callable

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from flexaudit import __version__
from flexaudit.api.transport import ApiUnreachable
from flexaudit.model.inventory import FAMILIES, FamilyCoverage, Inventory
from flexaudit.scan.account import scan_account
from flexaudit.scan.chat import scan_chat_service
from flexaudit.scan.context import ScanContext
from flexaudit.scan.conversations import scan_address_configurations, scan_conversations_configuration
from flexaudit.scan.flex import scan_flex_configuration, scan_flex_flows
from flexaudit.scan.messaging import scan_messaging_services
from flexaudit.scan.phone_numbers import scan_phone_numbers
from flexaudit.scan.proxy import scan_proxy_services
from flexaudit.scan.studio_flows import scan_studio_flows
from flexaudit.scan.taskrouter import scan_workspace


class CredentialsRejected(Exception):
    """Twilio answered 401: nothing can be read with these credentials."""


class FamilyFailed(Exception):
    """A family could not be read because one it depends on failed."""


def describe_error(exc: BaseException, family: str | None = None) -> str:
    """One line for coverage and FLX901; carries no credential (none is ever in these)."""
    if isinstance(exc, TwilioRestException):
        code = f", Twilio error {exc.code}" if exc.code else ""
        msg = (exc.msg or "").strip().splitlines()[0] if exc.msg else ""
        line = f"HTTP {exc.status}{code}: {msg}" if msg else f"HTTP {exc.status}{code}"
        if exc.status == 401 and family == "account":
            line += " (a Standard API key cannot read the Account resource; the other families do not need it)"
        return line
    if isinstance(exc, (ApiUnreachable, FamilyFailed)):
        return str(exc)
    return f"unexpected {exc.__class__.__name__}: {str(exc)[:200]}"


def run_scan(
    client: Client,
    account_sid: str,
    *,
    fanout_workers: int = 16,
    progress: Callable[[str], None] = lambda _msg: None,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    while_waiting: Callable[[], None] | None = None,
) -> Inventory:
    """Read every family; `while_waiting` runs on this thread once all but the chat chain are read.

    From then on the chain usually runs alone, one request at a time, for most
    of the scan: the caller can prepare what comes after the scan (imports,
    templates) on an otherwise idle CPU instead of after the last page.
    """
    inventory = Inventory(
        account_sid=account_sid,
        scanned_at=now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        tool_version=__version__,
    )
    # The chat channel chain decides the scan's length: import its SDK modules
    # (flex-api, chat) here rather than in the race of ten family threads.
    client.flex_api.v1.configuration  # noqa: B018
    client.chat.v2.services  # noqa: B018
    families = ThreadPoolExecutor(max_workers=len(FAMILIES) + 2, thread_name_prefix="family")
    fanout = ThreadPoolExecutor(max_workers=max(2, fanout_workers), thread_name_prefix="fanout")
    prefetch = ThreadPoolExecutor(max_workers=max(2, fanout_workers), thread_name_prefix="prefetch")
    pools = (families, fanout, prefetch)
    try:
        futures = _start_families(client, account_sid, families, fanout, prefetch, progress)
        if while_waiting is not None:
            wait([f for family, f in futures.items() if family != "chat"])
            while_waiting()
        unauthorized = _collect(inventory, futures, progress)
    except BaseException:
        # Ctrl-C: do not wait for requests still in flight (each may take a full timeout).
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    for pool in pools:
        pool.shutdown(wait=True)
    # A 401 on every family is a rejected credential. A 401 on some only is a
    # permission gap: a Standard API key may read everything but the Account.
    if unauthorized and not any(c.complete for c in inventory.coverage.values()):
        raise CredentialsRejected("credentials rejected by Twilio (HTTP 401): check the account SID and its auth token or API key")
    return inventory


def _start_families(client, account_sid, families, fanout, prefetch, progress) -> dict[str, Future]:
    ctx = ScanContext(client=client, account_sid=account_sid, fanout=fanout, progress=progress, prefetch=prefetch)
    futures: dict[str, Future] = {}
    futures["flex_configuration"] = families.submit(scan_flex_configuration, ctx)
    futures["chat"] = families.submit(_chat, ctx, futures)
    futures["flex_flows"] = families.submit(scan_flex_flows, ctx)
    futures["conversations"] = families.submit(_conversations, ctx)
    futures["studio"] = families.submit(_studio, ctx, futures)
    futures["phone_numbers"] = families.submit(scan_phone_numbers, ctx)
    futures["proxy"] = families.submit(scan_proxy_services, ctx)
    futures["messaging"] = families.submit(scan_messaging_services, ctx)
    futures["taskrouter"] = families.submit(_taskrouter, ctx, futures)
    futures["account"] = families.submit(scan_account, ctx)
    return futures


def _collect(inventory: Inventory, futures: dict[str, Future], progress) -> int:
    """Wait for every family, record its coverage; the number of families answered 401."""
    unauthorized = 0
    for family in FAMILIES:
        try:
            value = futures[family].result()
        except Exception as exc:  # noqa: BLE001 - one family's failure must not stop the others
            if isinstance(exc, TwilioRestException) and exc.status == 401:
                unauthorized += 1
            inventory.coverage[family] = FamilyCoverage(False, describe_error(exc, family))
            progress(f"{family}: could not be read ({describe_error(exc, family)})")
            continue
        inventory.coverage[family] = _assign(inventory, family, value)
    return unauthorized


def _assign(inventory: Inventory, family: str, value) -> FamilyCoverage:
    if family == "account":
        inventory.account = value
    elif family == "phone_numbers":
        inventory.phone_numbers = value
    elif family == "flex_configuration":
        inventory.flex_configuration = value
    elif family == "flex_flows":
        inventory.flex_flows = value
    elif family == "studio":
        inventory.studio_flows = value
    elif family == "proxy":
        inventory.proxy_services = value
    elif family == "messaging":
        inventory.messaging_services = value
    elif family == "chat":
        inventory.chat_services, error = value
        return FamilyCoverage(error is None, error)
    elif family == "conversations":
        inventory.conversations_configuration, inventory.address_configurations = value
    elif family == "taskrouter":
        inventory.taskrouter_workspaces, error = value
        return FamilyCoverage(error is None, error)
    return FamilyCoverage(True, None)


def _dependency(futures: dict[str, Future], family: str):
    """The value of another family, or None when that family failed."""
    try:
        return futures[family].result()
    except Exception:  # noqa: BLE001 - its own coverage entry reports the failure
        return None


def _chat(ctx: ScanContext, futures: dict[str, Future]):
    config = _dependency(futures, "flex_configuration")
    flex_chat = config.chat_service_instance_sid if config else None
    first = ctx.fanout.submit(scan_chat_service, ctx, flex_chat) if flex_chat else None
    flows = _dependency(futures, "flex_flows") or []
    others = sorted({f.chat_service_sid for f in flows if f.chat_service_sid} - {flex_chat})
    # The other services are read while the Flex one is still paging, not after it.
    rest = ctx.fetch_all(lambda sid: scan_chat_service(ctx, sid), others)
    services = ([first.result()] if first else []) + rest
    error = None
    if config is None:
        error = "the Flex configuration could not be read, so the Flex chat service is unknown"
    return [s for s in services if s is not None], error


def _conversations(ctx: ScanContext):
    return scan_conversations_configuration(ctx), scan_address_configurations(ctx)


def _studio(ctx: ScanContext, futures: dict[str, Future]):
    flows = _dependency(futures, "flex_flows")
    conversations = _dependency(futures, "conversations")
    if flows is None or conversations is None:
        return scan_studio_flows(ctx, wanted=None)
    wanted = {(f.integration or {}).get("flow_sid") for f in flows if f.integration_type == "studio"}
    wanted |= {(a.auto_creation or {}).get("studio_flow_sid") for a in conversations[1]}
    return scan_studio_flows(ctx, wanted={sid for sid in wanted if isinstance(sid, str)})


def _taskrouter(ctx: ScanContext, futures: dict[str, Future]):
    config = _dependency(futures, "flex_configuration")
    flows = _dependency(futures, "flex_flows") or []
    sids = {config.taskrouter_workspace_sid} if config and config.taskrouter_workspace_sid else set()
    sids |= {(f.integration or {}).get("workspace_sid") for f in flows if f.integration_type == "task"}
    sids = sorted(s for s in sids if isinstance(s, str) and s)
    workspaces = [w for w in ctx.fetch_all(lambda sid: scan_workspace(ctx, sid), sids) if w is not None]
    error = None if config is not None else "the Flex configuration could not be read, so the Flex workspace is unknown"
    return workspaces, error
