"""Reading list endpoints: records as Twilio sent them, the next pages in flight.

Lists are read through `list_records`: the SDK's transport, auth and paging
links, but records stay the JSON objects Twilio sent. The SDK's typed
instances parse every date and copy every field of every record; on 100,000
chat channels that is seconds of CPU for fields the scan never reads, and with
the GIL it is CPU the chain's own requests wait behind. A failed page raises
the SDK's TwilioRestException (status, Twilio error code), like a failed fetch.

Streaming: the SDK's stream() builds every record of a page before it asks for the next
page, so on a chain of 1,000 chat-channel pages the parsing adds up on top of
the round trips. Here one producer task fetches the pages back to back into a
small queue while the caller consumes records: the chain costs about one round
trip a page.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
from concurrent.futures import Executor
from typing import Iterator
from urllib.parse import quote

from twilio.base.exceptions import TwilioRestException
from twilio.base.page import Page
from twilio.base.version import Version


class RecordPage(Page):
    """A page of a list whose records are the JSON objects themselves."""

    @classmethod
    def process_response(cls, response):
        if response.status_code != 200:
            raise Version.exception("GET", "", response, "Unable to fetch page")
        return json.loads(response.text)

    def load_page(self, payload):
        # A record that is not a JSON object carries nothing to read.
        return [r for r in super().load_page(payload) if isinstance(r, dict)]

    def get_instance(self, payload: dict) -> dict:
        return payload


def fetch_record(version: Version, uri: str, *, missing_ok: bool = False) -> dict | None:
    """The JSON object at `uri` (relative to the API version); None when `missing_ok` and it is 404.

    Any other error raises the SDK's TwilioRestException (status, Twilio error code).
    """
    try:
        record = version.fetch("GET", uri)
    except TwilioRestException as exc:
        if missing_ok and exc.status == 404:
            return None
        raise
    return record if isinstance(record, dict) else {}


def list_records(version: Version, uri: str, params: dict | None = None, *,
                 executor: Executor | None = None) -> Iterator[dict]:
    """Every record of the list at `uri` (relative to the API version, e.g. client.proxy.v1).

    The first page is requested now; the others while the records are consumed
    (see prefetching_stream) when an executor is given.
    """
    first = RecordPage(version, version.page("GET", uri, params=params or {}), {})
    return prefetching_stream(first, executor)


def path_segment(value: str) -> str:
    """A SID inside a list's path, so that no value can change which path is read.

    Real SIDs are letters and digits; anything else (`/`, `?`, `#`, and the dots
    of a `..` segment) is percent-encoded.
    """
    return quote(value, safe="").replace(".", "%2E")


def prefetching_stream(first_page, executor: Executor | None, *, ahead: int = 2) -> Iterator:
    """The records of first_page and of every page after it."""
    if executor is None:  # no pool to overlap with: plain sequential paging
        page = first_page
        while page is not None:
            yield from page
            page = page.next_page()
        return

    pages: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def produce(page):
        try:
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
