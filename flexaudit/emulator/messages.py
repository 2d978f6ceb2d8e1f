"""The 2010 Messages list: newest first, filtered by To/From/DateSent, made page by page.

A scenario's `messages` holds written messages and compact blocks
(SCENARIOS.md). A block stands for `count` inbound messages to one address,
the newest at `newest`, each `interval_minutes` older than the one before;
its messages are made from their index when a page needs them, so 100,000
messages to each of 2,000 numbers cost a few bytes per block. Filters cut a
block down to a range of its indices, so `To=+1…&PageSize=1` costs one
message whatever the account's size.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from email.utils import format_datetime
from typing import Callable

from flexaudit.emulator import resources

_BLOCK_KEYS = {"to", "count", "newest", "interval_minutes", "from", "body", "direction", "status",
               "messaging_service_sid"}
_DEFAULT_INTERVAL_MINUTES = 60


class MessageError(ValueError):
    """A bad `messages` entry; the loader adds where it is."""


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; a naive one is UTC."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def rfc2822(instant: datetime) -> str:
    return format_datetime(instant.astimezone(timezone.utc))


# --- segments: a sorted run of messages, newest first -----------------------------


class _Written:
    """Messages spelled out in the scenario, sorted newest first at load time."""

    def __init__(self, items: list[tuple[datetime, dict]]):
        self._items = items  # (date_sent, filled message)

    def __len__(self) -> int:
        return len(self._items)

    def date(self, i: int) -> datetime:
        return self._items[i][0]

    def make(self, i: int) -> dict:
        return self._items[i][1]

    def filtered(self, to, sender, low, high) -> "_Written | None":
        kept = [(d, m) for d, m in self._items
                if (to is None or m["to"] == to) and (sender is None or m["from"] == sender)
                and (low is None or d >= low) and (high is None or d <= high)]
        return _Written(kept) if kept else None


@dataclass(frozen=True)
class _Block:
    """Indices [start, stop) of a compact block: message i is `interval` older than i-1."""

    to: str
    newest: datetime
    interval: timedelta
    start: int
    stop: int
    make_at: Callable[[int, datetime], dict]
    customer: Callable[[int], str]

    def __len__(self) -> int:
        return self.stop - self.start

    def date(self, i: int) -> datetime:
        return self.newest - (self.start + i) * self.interval

    def make(self, i: int) -> dict:
        return self.make_at(self.start + i, self.date(i))

    def filtered(self, to, sender, low, high) -> "_Block | None":
        if to is not None and to != self.to:
            return None
        start, stop = self.start, self.stop
        step = self.interval.total_seconds()
        if high is not None:  # newest - i*step <= high  =>  i >= (newest - high) / step
            start = max(start, math.ceil((self.newest - high).total_seconds() / step) if step else
                        (start if self.newest <= high else stop))
        if low is not None:  # newest - i*step >= low  =>  i <= (newest - low) / step
            stop = min(stop, (math.floor((self.newest - low).total_seconds() / step) + 1) if step else
                       (stop if self.newest >= low else start))
        if sender is not None:
            index = next((i for i in _candidate_indices(sender) if start <= i < stop
                          and self.customer(i) == sender), None)
            start, stop = (index, index + 1) if index is not None else (0, 0)
        if start >= stop:
            return None
        return _Block(self.to, self.newest, self.interval, start, stop, self.make_at, self.customer)


def _candidate_indices(sender: str) -> list[int]:
    # Block senders are customer_number(i), possibly behind a channel prefix.
    digits = sender.rpartition(resources.CUSTOMER_FROM_PREFIX)[2]
    return [int(digits)] if len(digits) == 7 and digits.isdigit() else []


# --- the list ----------------------------------------------------------------------


class MessageList:
    """Collection-like (len, take) view of some segments merged newest first."""

    def __init__(self, segments):
        self._segments = [s for s in segments if s is not None and len(s)]
        self._len = sum(len(s) for s in self._segments)

    def __len__(self) -> int:
        return self._len

    def take(self, start: int, stop: int) -> list[dict]:
        stop = min(stop, self._len)
        if start >= stop:
            return []
        if len(self._segments) == 1:
            only = self._segments[0]
            return [only.make(i) for i in range(start, stop)]
        # k-way merge up to `stop`: memory per segment, time linear in the offset.
        def runs(order, segment):
            return ((-segment.date(i).timestamp(), order, i, segment) for i in range(len(segment)))
        merged = heapq.merge(*(runs(n, s) for n, s in enumerate(self._segments)))
        return [segment.make(i) for _, _, i, segment in itertools.islice(merged, start, stop)]

    def filtered(self, to=None, sender=None, low=None, high=None) -> "MessageList":
        if to is None and sender is None and low is None and high is None:
            return self
        return MessageList([s.filtered(to, sender, low, high) for s in self._segments])


def load_messages(items: list, account_sid: str, where: str = "messages") -> MessageList:
    """Written messages and compact blocks; raises MessageError naming the entry."""
    written: list[tuple[datetime, dict]] = []
    blocks: list[_Block] = []
    for n, stated in enumerate(items):
        here = f"{where}[{n}]"
        if not isinstance(stated, dict):
            raise MessageError(f"{here} must be an object")
        if "count" in stated:
            blocks.append(_block(stated, here, account_sid))
        else:
            written.append(_written(stated, here, account_sid))
    # Newest first; equal dates keep the file's order.
    written.sort(key=lambda item: -item[0].timestamp())
    return MessageList([_Written(written), *blocks])


def _instant(stated: dict, key: str, here: str) -> datetime:
    value = stated.get(key)
    try:
        return parse_instant(value)
    except (AttributeError, TypeError, ValueError):
        raise MessageError(f"{here}.{key} must be an ISO 8601 date-time like 2026-10-02T14:03:11Z, "
                           f"got {value!r}") from None


def _written(stated: dict, here: str, account_sid: str) -> tuple[datetime, dict]:
    if not isinstance(stated.get("to"), str) or not stated["to"]:
        raise MessageError(f"{here}.to must be a non-empty string")
    sent = _instant(stated, "date_sent", here)
    sid = stated.get("sid") or "SM" + hashlib.md5(f"{account_sid}:{here}".encode()).hexdigest()
    message = resources.message({**stated, "sid": sid, "date_sent": rfc2822(sent)}, account_sid)
    return sent, message


def _block(stated: dict, here: str, account_sid: str) -> _Block:
    extra = set(stated) - _BLOCK_KEYS
    if extra:
        raise MessageError(f"{here}: a compact block has only {', '.join(sorted(_BLOCK_KEYS))}, "
                           f"not {', '.join(sorted(extra))}")
    to = stated.get("to")
    if not isinstance(to, str) or not to:
        raise MessageError(f"{here}.to must be a non-empty string")
    count = stated["count"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise MessageError(f"{here}.count must be a non-negative integer, got {count!r}")
    minutes = stated.get("interval_minutes", _DEFAULT_INTERVAL_MINUTES)
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes < 0:
        raise MessageError(f"{here}.interval_minutes must be a number >= 0, got {minutes!r}")
    newest = _instant(stated, "newest", here)
    channel = to.partition(":")[0] + ":" if ":" in to else ""
    fixed_sender = stated.get("from")
    stem = "SM" + hashlib.md5(f"{account_sid}:{here}".encode()).hexdigest()[:16]
    template = {k: stated[k] for k in ("direction", "status", "messaging_service_sid") if k in stated}
    body = stated.get("body")

    def customer(i: int) -> str:
        return fixed_sender if fixed_sender is not None else channel + resources.customer_number(i)

    def make_at(i: int, sent: datetime) -> dict:
        return resources.message({
            **template, "sid": f"{stem}{i:016x}", "to": to, "from": customer(i),
            "body": body if body is not None else f"{resources.CUSTOMER_BODY} #{i} to {to}",
            "date_sent": rfc2822(sent)}, account_sid)

    return _Block(to, newest, timedelta(minutes=minutes), 0, count, make_at, customer)


# --- the DateSent filters ------------------------------------------------------------


def date_bounds(exact: str | None, before: str | None, after: str | None) -> tuple[datetime | None, datetime | None]:
    """(low, high) inclusive, from DateSent, DateSent< and DateSent> (Twilio's <= and >=).

    A date (YYYY-MM-DD) means its whole UTC day; a date-time means that instant.
    Raises ValueError on anything else.
    """
    low = high = None
    if exact is not None:
        low, high = _day_or_instant(exact)
    if before is not None:
        high = _min(high, _day_or_instant(before)[1])
    if after is not None:
        low = _max(low, _day_or_instant(after)[0])
    return low, high


def _day_or_instant(text: str) -> tuple[datetime, datetime]:
    text = text.strip()
    if len(text) == 10:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        return day, datetime.combine(day.date(), time(23, 59, 59), tzinfo=timezone.utc)
    instant = parse_instant(text)
    return instant, instant


def _min(a, b):
    return b if a is None else min(a, b)


def _max(a, b):
    return b if a is None else max(a, b)
