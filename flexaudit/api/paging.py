"""Reading Twilio's list and fetch endpoints: records as Twilio sent them.

Lists are read through `list_records`: the SDK's transport, auth and paging
links, but records stay the JSON objects Twilio sent. The SDK's typed
instances parse every date and copy every field of every record; on 100,000
chat channels that is seconds of CPU for fields the scan never reads, and with
the GIL it is CPU the chain's own requests wait behind. A failed page raises
the SDK's TwilioRestException (status, Twilio error code), like a failed fetch.

Paging ends: a list whose next link names a page already read (the page
itself, a cycle, a 2010 `next_page_uri` equal to its own `uri`) or that passes
MAX_PAGES pages is cut with PagingCut, and its family is incomplete.
"""

from __future__ import annotations

import json
from typing import Iterator
from urllib.parse import quote

from twilio.base.exceptions import TwilioRestException
from twilio.base.page import Page
from twilio.base.version import Version

from flexaudit.api.errors import PagingCut
from flexaudit.api.links import describe_link

# Contract: "a list whose paging repeats a URL or passes 100,000 pages is cut".
MAX_PAGES = 100_000


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

    @property
    def own_url(self) -> str | None:
        """The URL the page says it was read from (v1 `meta.url`, 2010 `uri`), absolute; None if it says none."""
        payload = self._payload if isinstance(self._payload, dict) else {}
        meta = payload.get("meta")
        if isinstance(meta, dict) and isinstance(meta.get("url"), str):
            return meta["url"]
        uri = payload.get("uri")
        return self._version.domain.absolute_url(uri) if isinstance(uri, str) and uri else None


def fetch_record(version: Version, uri: str, params: dict | None = None, *, missing_ok: bool = False) -> dict | None:
    """The JSON object at `uri` (relative to the API version), with query `params`; None when
    `missing_ok` and it is 404. One request: the first page of a list, for instance.

    Any other error raises the SDK's TwilioRestException (status, Twilio error code).
    """
    try:
        record = version.fetch("GET", uri, params=params)
    except TwilioRestException as exc:
        if missing_ok and exc.status == 404:
            return None
        raise
    return record if isinstance(record, dict) else {}


def list_records(version: Version, uri: str, params: dict | None = None) -> Iterator[dict]:
    """Every record of the list at `uri` (relative to the API version, e.g. client.proxy.v1),
    page after page as the records are consumed."""
    page = RecordPage(version, version.page("GET", uri, params=params or {}), {})
    seen: set[str] = set()
    pages = 1
    while True:
        yield from page
        seen.add(page.own_url or "")
        link = page.next_page_url
        if not link:
            return
        if not isinstance(link, str):
            raise PagingCut(f"the list {uri} named a next page that is not a link: cut after {pages} page(s)")
        if link in seen:
            raise PagingCut(f"the list {uri} repeats a page ({describe_link(link)}): cut after {pages} page(s)")
        if pages >= MAX_PAGES:
            raise PagingCut(f"the list {uri} passed {MAX_PAGES:,} pages: cut")
        seen.add(link)
        page = page.next_page()
        pages += 1


def path_segment(value: str) -> str:
    """A SID inside a list's path, so that no value can change which path is read.

    Real SIDs are letters and digits; anything else (`/`, `?`, `#`, and the dots
    of a `..` segment) is percent-encoded.
    """
    return quote(value, safe="").replace(".", "%2E")
