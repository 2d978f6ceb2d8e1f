"""Twilio's two list envelopes and their paging links.

v1/v2 APIs: {"meta": {...absolute *_url...}, "<key>": [...]}.
2010 API:   {"<key>": [...], "page", "page_size", "start", "end", *_uri relative}.

A PageSize above the endpoint's maximum is clamped to it (the page says the
size it used), as the Twilio libraries expect since they stopped clamping
client-side. PageToken is opaque to clients; here it encodes the offset of the
page's first item, which is enough for a client following next links to see
every item exactly once, in order.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import urlencode

from flexaudit.emulator.collection import Collection
from flexaudit.emulator.errors import TwilioError
from flexaudit.emulator.resources import host

DEFAULT_PAGE_SIZE = 50
_PAGING_PARAMS = ("PageSize", "Page", "PageToken")

QueryPairs = list[tuple[str, str]]


@dataclass(frozen=True)
class Window:
    size: int
    number: int
    offset: int
    token: str | None  # as the client sent it, echoed in the page's own url


def window(query: QueryPairs, max_size: int) -> Window:
    params = {k: v for k, v in query if k in _PAGING_PARAMS}
    size = _int(params.get("PageSize"), "PageSize", DEFAULT_PAGE_SIZE)
    size = max(1, min(size, max_size))
    number = _int(params.get("Page"), "Page", 0)
    if number < 0:
        raise TwilioError(400, "Page must be a non-negative integer")
    token = params.get("PageToken")
    offset = decode_token(token) if token else number * size
    return Window(size, number, offset, token)


def _int(raw: str | None, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise TwilioError(400, f"{name} must be an integer") from None


def encode_token(offset: int, backwards: bool = False) -> str:
    body = base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")
    return ("PB" if backwards else "PA") + body


def decode_token(token: str) -> int:
    try:
        if token[:2] not in ("PA", "PB"):
            raise ValueError
        body = token[2:]
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
        if not text.startswith("o:"):
            raise ValueError
        offset = int(text[2:])
        if offset < 0:
            raise ValueError
        return offset
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise TwilioError(400, f"Invalid PageToken {token!r}") from None


class _Links:
    """Paging links for one page: filters kept, paging params rewritten."""

    def __init__(self, base: str, query: QueryPairs, win: Window, shown: int, total: int):
        self._base = base
        self._filters = [(k, v) for k, v in query if k not in _PAGING_PARAMS]
        self._win = win
        self.has_next = win.offset + shown < total
        self.has_previous = win.offset > 0
        self._shown = shown

    def _link(self, page: int, token: str | None) -> str:
        pairs = self._filters + [("PageSize", str(self._win.size)), ("Page", str(page))]
        if token:
            pairs.append(("PageToken", token))
        return f"{self._base}?{urlencode(pairs)}"

    def first(self) -> str:
        return self._link(0, None)

    def current(self) -> str:
        return self._link(self._win.number, self._win.token)

    def next(self) -> str | None:
        if not self.has_next:
            return None
        return self._link(self._win.number + 1, encode_token(self._win.offset + self._shown))

    def previous(self) -> str | None:
        if not self.has_previous:
            return None
        start = max(0, self._win.offset - self._win.size)
        return self._link(max(0, self._win.number - 1), encode_token(start, backwards=True))


def v1_page(items: Collection, sub: str, path: str, query: QueryPairs, key: str, max_size: int) -> dict:
    win = window(query, max_size)
    shown = items.take(win.offset, win.offset + win.size)
    links = _Links(host(sub) + path, query, win, len(shown), len(items))
    return {
        "meta": {
            "page": win.number,
            "page_size": win.size,
            "first_page_url": links.first(),
            "previous_page_url": links.previous(),
            "url": links.current(),
            "next_page_url": links.next(),
            "key": key,
        },
        key: shown,
    }


def v1_unpaged(items: Collection, sub: str, path: str, query: QueryPairs, key: str) -> dict:
    """Endpoints without paging (TaskRouter TaskChannels): everything, in one page."""
    win = window(query, max_size=max(len(items), DEFAULT_PAGE_SIZE))
    everything = Window(max(win.size, len(items)), 0, 0, None)
    links = _Links(host(sub) + path, query, everything, len(items), len(items))
    return {
        "meta": {
            "page": 0,
            "page_size": everything.size,
            "first_page_url": links.first(),
            "previous_page_url": None,
            "url": links.current(),
            "next_page_url": None,
            "key": key,
        },
        key: items.all(),
    }


def v2010_page(items: Collection, path: str, query: QueryPairs, key: str, max_size: int) -> dict:
    win = window(query, max_size)
    shown = items.take(win.offset, win.offset + win.size)
    links = _Links(path, query, win, len(shown), len(items))
    return {
        key: shown,
        "end": win.offset + max(len(shown) - 1, 0),
        "first_page_uri": links.first(),
        "next_page_uri": links.next(),
        "page": win.number,
        "page_size": win.size,
        "previous_page_uri": links.previous(),
        "start": win.offset,
        "uri": links.current(),
    }
