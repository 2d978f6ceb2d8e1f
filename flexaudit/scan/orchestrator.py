"""Runs the families table: every family at once, each as soon as the families it needs are read.

The Inventory gets each family's value in its field(s) and its coverage; one
family's failure is recorded and never stops the others.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from collections.abc import Mapping
from typing import Callable

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from flexaudit import __version__
from flexaudit.model.inventory import FAMILIES, FamilyCoverage, Inventory
from flexaudit.scan.families import FAMILY_TABLE, Family
from flexaudit.scan.errors import describe_error
from flexaudit.scan.interface import CodeRoot, FamilyProgress, Needed, ScanContext, Scanned


class CredentialsRejected(Exception):
    """Twilio answered 401: nothing can be read with these credentials."""


def run_scan(
    client: Client,
    account_sid: str,
    *,
    concurrency: int = 8,
    progress: Callable[[str | FamilyProgress], None] = lambda _msg: None,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    code_roots: tuple[CodeRoot, ...] = (),
    not_requested: Mapping[str, str] | None = None,
) -> Inventory:
    """Read every family of the table into an Inventory.

    `progress` hears each family start and finish (FamilyProgress) and the
    scanners' own notes (text). `not_requested` maps a family the user chose not
    to read (`--no-traffic`) to the note its coverage shows: it is complete, empty,
    and sends no request.
    """
    inventory = Inventory(
        account_sid=account_sid,
        scanned_at=now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        tool_version=__version__,
    )
    skipped = dict(not_requested or {})
    pools = _Pools(client, max(2, 2 * concurrency))
    try:
        futures: dict[str, Future] = {}
        for family in FAMILY_TABLE:
            if family.name in skipped:
                futures[family.name] = _done(Scanned(None, note=skipped[family.name]))
                continue
            ctx = ScanContext(client=client, account_sid=account_sid, progress=progress,
                              fanout=pools.chain if family.chain else pools.fanout, code_roots=code_roots)
            futures[family.name] = pools.families.submit(_read_family, family, ctx, _Needed(family, futures))
        unauthorized = _collect(inventory, futures, progress, skipped)
    except BaseException:
        # Ctrl-C: do not wait for requests still in flight (each may take a full timeout).
        pools.shutdown(wait=False)
        raise
    pools.shutdown(wait=True)
    # A 401 on every family is a rejected credential. A 401 on some only is a
    # permission gap: a Standard API key may read everything but the Account.
    if unauthorized and not any(inventory.coverage[f.name].complete for f in FAMILY_TABLE
                                if f.reads_api and f.name not in skipped):
        raise CredentialsRejected("credentials rejected by Twilio (HTTP 401): check the account SID and its auth token or API key")
    return inventory


def _read_family(family: Family, ctx: ScanContext, needed: Needed) -> Scanned:
    ctx.progress(FamilyProgress(family.name, finished=False))
    try:
        return family.scan(ctx, needed)
    finally:
        ctx.progress(FamilyProgress(family.name, finished=True))


def _done(scanned: Scanned) -> Future:
    future: Future = Future()
    future.set_result(scanned)
    return future


class _Pools:
    """Threads for the families and for their fan-out requests.

    The chain families get fan-out threads of their own whose requests the
    transport sends ahead of queued ones (see GuardedHttpClient.urgent_thread).
    """

    def __init__(self, client: Client, workers: int):
        self.families = ThreadPoolExecutor(max_workers=len(FAMILY_TABLE), thread_name_prefix="family")
        self.fanout = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fanout")
        self.chain = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chain",
                                        initializer=getattr(client.http_client, "urgent_thread", None))

    def shutdown(self, wait: bool) -> None:
        for pool in (self.families, self.fanout, self.chain):
            pool.shutdown(wait=wait, cancel_futures=not wait)


class _Needed(Mapping):
    """The values of the families a row needs, each waited for when the scanner reads it.

    A scanner can so start on what it has (the chat chain on the Flex
    configuration) while a family it reads later (the Flex Flows) is still on
    its way. A family that could not be read reads as None.
    """

    def __init__(self, family: Family, futures: dict[str, Future]):
        self._names = family.needs
        self._futures = futures

    def __getitem__(self, name: str):
        if name not in self._names:
            raise KeyError(f"{name} is not among the families this scanner's row needs")
        try:
            return self._futures[name].result().value
        except Exception:  # noqa: BLE001 - its own coverage entry reports the failure
            return None

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _collect(inventory: Inventory, futures: dict[str, Future], progress, skipped: Mapping[str, str]) -> int:
    """Wait for every family, fill the Inventory and its coverage; the number of families answered 401.
    A family in `skipped` keeps its fields' defaults."""
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
        if family.name not in skipped:
            values = scanned.value if len(family.fills) > 1 else (scanned.value,)
            for name, value in zip(family.fills, values, strict=True):
                setattr(inventory, name, value)
        inventory.coverage[family.name] = scanned.coverage
    return unauthorized
