"""Runs the families table: every family at once, each as soon as the families it needs are read.

The Inventory gets each family's value in its field(s) and its coverage; one
family's failure is recorded and never stops the others.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Callable

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from flexaudit import __version__
from flexaudit.api.transport import ApiUnreachable
from flexaudit.model.inventory import FAMILIES, FamilyCoverage, Inventory
from flexaudit.scan.families import FAMILY_TABLE, Family
from flexaudit.scan.interface import ScanContext, Scanned


class CredentialsRejected(Exception):
    """Twilio answered 401: nothing can be read with these credentials."""


def describe_error(exc: BaseException, family: str | None = None) -> str:
    """One line for coverage and FLX901; carries no credential (none is ever in these)."""
    if isinstance(exc, TwilioRestException):
        code = f", Twilio error {exc.code}" if exc.code else ""
        msg = (exc.msg or "").strip().splitlines()[0] if exc.msg else ""
        line = f"HTTP {exc.status}{code}: {msg}" if msg else f"HTTP {exc.status}{code}"
        if exc.status == 401 and family == "account":
            line += " (a Standard API key cannot read the Account resource; the other families do not need it)"
        return line
    if isinstance(exc, ApiUnreachable):
        return str(exc)
    return f"unexpected {exc.__class__.__name__}: {str(exc)[:200]}"


def run_scan(
    client: Client,
    account_sid: str,
    *,
    concurrency: int = 8,
    progress: Callable[[str], None] = lambda _msg: None,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> Inventory:
    inventory = Inventory(
        account_sid=account_sid,
        scanned_at=now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        tool_version=__version__,
    )
    pools = _Pools(client, max(2, 2 * concurrency))
    try:
        futures: dict[str, Future] = {}
        for family in FAMILY_TABLE:
            ctx = ScanContext(client=client, account_sid=account_sid, progress=progress,
                              **(pools.chain if family.chain else pools.others))
            futures[family.name] = pools.families.submit(_run, family, ctx, futures)
        unauthorized = _collect(inventory, futures, progress)
    except BaseException:
        # Ctrl-C: do not wait for requests still in flight (each may take a full timeout).
        pools.shutdown(wait=False)
        raise
    pools.shutdown(wait=True)
    # A 401 on every family is a rejected credential. A 401 on some only is a
    # permission gap: a Standard API key may read everything but the Account.
    if unauthorized and not any(c.complete for c in inventory.coverage.values()):
        raise CredentialsRejected("credentials rejected by Twilio (HTTP 401): check the account SID and its auth token or API key")
    return inventory


class _Pools:
    """Threads for the families, their fan-out requests and their next pages.

    The chain family gets fan-out and prefetch threads of its own whose requests
    the transport sends ahead of queued ones (see GuardedHttpClient.urgent_thread).
    """

    def __init__(self, client: Client, workers: int):
        self.families = ThreadPoolExecutor(max_workers=len(FAMILY_TABLE), thread_name_prefix="family")
        self.others = {
            "fanout": ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fanout"),
            "prefetch": ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prefetch"),
        }
        urgent = getattr(client.http_client, "urgent_thread", None)
        self.chain = {
            "fanout": ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chain", initializer=urgent),
            "prefetch": ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chain-next", initializer=urgent),
        }

    def shutdown(self, wait: bool) -> None:
        for pool in (self.families, *self.others.values(), *self.chain.values()):
            pool.shutdown(wait=wait, cancel_futures=not wait)


def _run(family: Family, ctx: ScanContext, futures: dict[str, Future]) -> Scanned:
    needed = {name: _value(futures[name]) for name in family.needs}
    return family.scan(ctx, needed)


def _value(future: Future):
    """The value of a family read earlier, or None when it could not be read."""
    try:
        return future.result().value
    except Exception:  # noqa: BLE001 - its own coverage entry reports the failure
        return None


def _collect(inventory: Inventory, futures: dict[str, Future], progress) -> int:
    """Wait for every family, fill the Inventory and its coverage; the number of families answered 401."""
    unauthorized = 0
    by_name = {f.name: f for f in FAMILY_TABLE}
    for family in (by_name[name] for name in FAMILIES):  # coverage in the Inventory's order
        try:
            scanned: Scanned = futures[family.name].result()
        except Exception as exc:  # noqa: BLE001 - one family's failure must not stop the others
            if isinstance(exc, TwilioRestException) and exc.status == 401:
                unauthorized += 1
            inventory.coverage[family.name] = FamilyCoverage(False, describe_error(exc, family.name))
            progress(f"{family.name}: could not be read ({describe_error(exc, family.name)})")
            continue
        values = scanned.value if len(family.fills) > 1 else (scanned.value,)
        for name, value in zip(family.fills, values, strict=True):
            setattr(inventory, name, value)
        inventory.coverage[family.name] = scanned.coverage
    return unauthorized
