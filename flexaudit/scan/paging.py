"""Streaming a long list with the following pages in flight while this one is processed.

The SDK's stream() builds every record of a page before it asks for the next
page, so on a chain of 1,000 chat-channel pages the parsing adds up on top of
the round trips. Here one producer task fetches the pages back to back into a
small queue while the caller consumes records: the chain costs about one round
trip a page. The chain is also what decides how long a scan takes, so its
requests can be sent `urgent` (ahead of queued fan-out requests).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from concurrent.futures import Executor
from typing import Iterator


def prefetching_stream(first_page, executor: Executor | None, *, urgent_via=None, ahead: int = 2) -> Iterator:
    """The records of first_page and of every page after it.

    urgent_via: the transport (GuardedHttpClient) whose `prioritized()` the
    producer's requests run under; None for normal priority.
    """
    if executor is None:  # no pool to overlap with: plain sequential paging
        page = first_page
        while page is not None:
            yield from page
            page = page.next_page()
        return

    pages: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def produce(page):
        priority = urgent_via.prioritized() if urgent_via is not None else contextlib.nullcontext()
        try:
            with priority:
                while page is not None and not stop.is_set():
                    pages.put((True, page))
                    page = page.next_page()
            pages.put((True, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            pages.put((False, exc))

    producer = executor.submit(produce, first_page)
    try:
        while True:
            ok, item = pages.get()
            if not ok:
                raise item
            if item is None:
                return
            yield from item
    finally:
        # The consumer stopped (done, or failed): release a producer blocked on the full queue.
        stop.set()
        while not producer.done():
            with contextlib.suppress(queue.Empty):
                pages.get_nowait()
            with contextlib.suppress(Exception):
                producer.result(timeout=0.05)
