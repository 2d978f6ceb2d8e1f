"""What every family scanner gets: the SDK client, the account, a pool for fan-out."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Callable

from twilio.rest import Client


@dataclass
class ScanContext:
    client: Client
    account_sid: str
    # Only for leaf requests that never wait on other pool work (fetch one flow,
    # list one pool's numbers): waiting inside the pool could deadlock it.
    fanout: Executor
    progress: Callable[[str], None]
    # Fetches of the next page of a long list (see paging.py): leaves only, and a
    # pool of their own, because the streams that wait on them run in `fanout`.
    prefetch: Executor | None = None

    def fetch_all(self, fn, items):
        """fn(item) for every item, concurrently; results in item order."""
        return list(self.fanout.map(fn, items))
